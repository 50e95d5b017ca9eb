"""HTML → text: scripts and page furniture dropped, one line per block, table cells tab-separated."""
from __future__ import annotations

import html as htmllib
import re

from bs4 import BeautifulSoup

_DROP = ["script", "style", "noscript", "iframe", "svg", "canvas", "template", "button",
         "select", "input", "textarea", "form", "nav", "footer", "head", "object", "embed"]
_BLOCK = ["p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table",
          "section", "article", "blockquote", "dd", "dt", "pre", "hr", "ul", "ol"]
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]*)?/?>")
_COMMENT = re.compile(r"<!--.*?-->", re.S)


def html_to_text(markup: str) -> str:
    """Visible text of an HTML page, never executing anything in it."""
    soup = BeautifulSoup(markup, "lxml")
    for tag in soup.find_all(_DROP):
        tag.decompose()
    for cell in soup.find_all(["td", "th"]):
        cell.append("\t")
    for tag in soup.find_all(_BLOCK):
        tag.insert_before("\n")
        tag.append("\n")
    return soup.get_text("")


def strip_tags(text: str) -> str:
    """Remove stray tags and comments from text that is mostly not HTML (scraped .txt)."""
    return htmllib.unescape(_TAG.sub("", _COMMENT.sub("", text)))


def has_markup(text: str) -> bool:
    """True when the text carries HTML tags (ASCII tag names only: <关于…> is a title mark)."""
    return len(_TAG.findall(text[:200_000])) >= 3


def is_html_document(text: str) -> bool:
    """True for a whole HTML page rather than text with stray tags."""
    head = text[:2048].lower()
    return "<html" in head or "<!doctype html" in head or "<body" in text[:20000].lower()
