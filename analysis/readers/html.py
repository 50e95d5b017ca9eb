"""HTML → text: scripts and page furniture dropped, one line per block, table cells tab-separated."""
from __future__ import annotations

import html as htmllib
import re

from bs4 import BeautifulSoup, CData, NavigableString, Tag

from .cells import spanned

_DROP = {"script", "style", "noscript", "iframe", "svg", "canvas", "template", "button",
         "select", "input", "textarea", "form", "nav", "footer", "head", "object", "embed"}
_BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table",
          "section", "article", "blockquote", "dd", "dt", "pre", "hr", "ul", "ol"}
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]*)?/?>")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_CODE_OPEN = re.compile(r"<(script|style)\b[^<>]*>", re.I)


def html_to_text(markup: str) -> str:
    """Visible text of an HTML page, never executing anything in it.

    One pass over the parsed tree with a stack of open elements: inserting separators into the
    tree instead costs time in proportion to its depth at every block, and broken markup with
    thousands of unclosed <div>s nests that deep.
    """
    soup = BeautifulSoup(markup, "lxml")
    if soup.find(["td", "th"], rowspan=True):
        _repeat_row_spans(soup)
    out: list[str] = []
    stack: list[Tag] = []
    hidden = 0  # open elements whose content is dropped (scripts, navigation…)
    for node in soup.descendants:
        while stack and stack[-1] is not node.parent:
            hidden -= _close(stack.pop(), out, hidden)
        if isinstance(node, Tag):
            if node.name in _DROP:
                hidden += 1
            elif not hidden and node.name in _BLOCK:
                out.append("\n")
            stack.append(node)
        elif not hidden and type(node) in (NavigableString, CData):  # not comments or declarations
            out.append(node)
    while stack:
        hidden -= _close(stack.pop(), out, hidden)
    return "".join(out)


def _span(cell: Tag, attribute: str) -> int:
    value = str(cell.get(attribute) or "1").strip()
    return int(value) if value.isdigit() and int(value) > 1 else 1


def _repeat_row_spans(soup: BeautifulSoup) -> None:
    """Put a copy of each cell that spans rows (rowspan) into every row it spans, at its column
    (`cells.spanned`): a row that lacked it had its cells read into the wrong columns."""
    for table in soup.find_all("table"):
        pending: dict[int, list] = {}  # column → [cell, rows below its own it still spans]
        for tr in (r for r in table.find_all("tr") if r.find_parent("table") is table):
            cells = tr.find_all(["td", "th"], recursive=False)
            k, col, filled, opened = 0, 0, set(), set()
            while True:
                if col in pending and col not in filled | opened:
                    cell = pending[col][0]
                    (cells[k].insert_before if k < len(cells) else tr.append)(_copy_of(soup, cell))
                    filled.add(col)
                    col += _span(cell, "colspan")
                elif k < len(cells):
                    cell, k = cells[k], k + 1
                    if _span(cell, "rowspan") > 1:
                        pending[col] = [cell, _span(cell, "rowspan") - 1]
                        opened.add(col)
                    col += _span(cell, "colspan")
                elif any(c > col for c in pending.keys() - filled - opened):
                    col = min(c for c in pending.keys() - filled - opened if c > col)
                else:
                    break
            for c in pending.keys() - opened:  # a span ends after its last row, or at a row that skips it
                pending[c][1] -= 1
                if c not in filled or pending[c][1] == 0:
                    del pending[c]


def _copy_of(soup: BeautifulSoup, cell: Tag) -> Tag:
    """A new cell for a row that `cell` spans (`cells.spanned`)."""
    copy = soup.new_tag(cell.name)
    copy.string = spanned(cell.get_text())
    return copy


def _close(tag: Tag, out: list[str], hidden: int) -> int:
    """Write what ends an element (a cell's tab, a block's line break); 1 when a dropped element ends."""
    if tag.name in _DROP:
        return 1
    if not hidden:
        if tag.name in ("td", "th"):
            out.append("\t")
        if tag.name in _BLOCK:
            out.append("\n")
    return 0


def strip_tags(text: str) -> str:
    """Remove stray tags and comments from text that is mostly not HTML (scraped .txt);
    script and style elements go with their contents."""
    return htmllib.unescape(_TAG.sub("", _COMMENT.sub("", drop_code(text))))


def drop_code(text: str) -> str:
    """Text without <script>…</script> and <style>…</style> elements (an unclosed one loses only its tag)."""
    lower = text.lower()
    out, pos, unclosed = [], 0, set()
    for m in _CODE_OPEN.finditer(lower):
        if m.start() < pos or m.group(1) in unclosed:
            continue
        close = lower.find("</" + m.group(1), m.end())
        end = lower.find(">", close) if close >= 0 else -1
        if end < 0:
            unclosed.add(m.group(1))  # no closing tag further on: later openers have none either
            continue
        out.append(text[pos: m.start()])
        pos = end + 1
    out.append(text[pos:])
    return "".join(out)


def has_markup(text: str) -> bool:
    """True when the text carries HTML tags (ASCII tag names only: <关于…> is a title mark)."""
    return len(_TAG.findall(text[:200_000])) >= 3


def is_html_document(text: str) -> bool:
    """True for a whole HTML page rather than text with stray tags."""
    head = text[:2048].lower()
    return "<html" in head or "<!doctype html" in head or "<body" in text[:20000].lower()
