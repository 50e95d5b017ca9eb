"""Collect: fetch plans from their web addresses into data/raw/, archived the moment they are found.

Plans vanish from government portals (about a fifth within two years), so `fetch`
stores the bytes as they came, with provenance in data/raw/manifest.csv: the page URL
(`source`), the URL of the stored document (`url`), `retrieved` (UTC), `http_status`,
`content_type` (media type) and `encoding` (declared charset, else the detected one).

Which bytes are stored:
- A *wrapper* page — one that only announces the plan and links to it as an attachment —
  is replaced by the attachment. A page is a wrapper when it links to a .pdf/.docx/.doc/.wps
  file, does not itself hold a numbered plan (fewer than three 一、/（一） headings), and
  either its text is short (< SHORT_PAGE_CJK Chinese characters) and the link or the text
  around it says 附件/下载/点击/通知/要点…, or the link text names a plan (工作要点, 实施方案,
  政务公开…). Readable attachments (.pdf, .docx) are preferred over .doc/.wps.
- Otherwise the page itself, byte for byte (never re-encoded).

What is refused (data/raw/ stays untouched, the result says why): download failures,
types the readers cannot read (.doc, .wps, images…), bytes the readers reject, and text
that is not a plan: fewer than MIN_PLAN_CJK Chinese characters (error pages, login walls,
pages built by JavaScript), or a short page that says it is missing (页面不存在…).
Bytes already in the corpus are not stored again; changed bytes under the same URL are
stored as a new version beside the old one (raw_store names it …-2).
"""
from __future__ import annotations

import codecs
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import parse_qsl, unquote, urljoin, urlsplit

from bs4 import BeautifulSoup

from . import config, raw_store
from .collect_http import ALLOWED_SCHEMES, USER_AGENT, FetchError, Response, download
from .pipeline import raw_manifest, sha256_file
from .readers import RawText, ReadError, read_bytes
from .readers.encoding import decode
from .readers.html import html_to_text

__all__ = ["FetchResult", "fetch", "USER_AGENT"]

#: A page with fewer Chinese characters than this is "short" (a wrapper candidate).
SHORT_PAGE_CJK = 400
#: A document with fewer Chinese characters than this is not a plan.
MIN_PLAN_CJK = 50
#: Numbered headings that make a page a plan in its own right.
MIN_PLAN_HEADINGS = 3

DOC_SUFFIXES = (".pdf", ".docx", ".doc", ".wps")
READABLE_ATTACHMENTS = (".pdf", ".docx")
HTML_SUFFIXES = (".html", ".htm")
_BY_MEDIA_TYPE = {
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "application/pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/msword": ".doc",
    "application/vnd.ms-works": ".wps",
    "application/kswps": ".wps",
    "text/plain": ".txt",
}
_OLE = b"\xd0\xcf\x11\xe0"

_CJK = re.compile(r"[\u4e00-\u9fff]")
_PLAN_WORDS = re.compile(r"工作要点|要点|实施方案|工作方案|工作计划|政务公开|任务分工")
_LINK_WORDS = re.compile(r"附件|下载|点击|通知|要点|全文")
_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[）)])", re.M)
_SOFT_ERROR = re.compile(r"页面不存在|页面未找到|找不到(?:该|您要访问的|您访问的)?页面|页面已(?:删除|失效|过期)"
                         r"|信息已(?:删除|撤销|撤回|下线|过期)|404\s*not\s*found", re.I)
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_LABEL_NOISE = re.compile(r"^\s*附件\s*\d*\s*[:：.、]?\s*|\s*[（(]?(?:点击)?下载[）)]?\s*$|\.(?:pdf|docx?|wps)\s*$", re.I)


@dataclass(frozen=True)
class FetchResult:
    """What happened to one URL. `reason`: stored | unchanged | a failure code (http 404, too large, …)."""

    url: str
    ok: bool
    path: Path | None = None
    reason: str = ""
    message: str = ""
    status: int | None = None
    content_type: str | None = None
    sha256: str | None = None
    document_url: str | None = None  # the URL whose bytes were stored (an attachment, or after redirects)


@dataclass(frozen=True)
class Attachment:
    """A link from a page to a document file."""

    url: str
    label: str
    suffix: str
    score: int  # 2: the link text names a plan; +1: the link or the text around it says 附件/下载/…


# ---------------------------------------------------------------------------- pure helpers
def cjk_count(text: str) -> int:
    return len(_CJK.findall(text))


def looks_like_plan(text: str) -> bool:
    """True when the text holds a numbered plan of its own (一、… （一）…)."""
    return len(_HEADING.findall(text)) >= MIN_PLAN_HEADINGS


def url_suffix(url: str) -> str:
    return PurePosixPath(unquote(urlsplit(url).path)).suffix.lower()


def suffix_for(body: bytes, content_type: str, url: str) -> str:
    """The file suffix of a download: from its signature, then its media type, then its URL ('' if unknown)."""
    head = body[:1024]
    if b"%PDF" in head:
        return ".pdf"
    if body.startswith(b"PK\x03\x04"):
        return ".docx"
    if body.startswith(_OLE):
        return ".wps" if url_suffix(url) == ".wps" else ".doc"
    by_url = url_suffix(url)
    by_type = _BY_MEDIA_TYPE.get(content_type)
    if by_type == ".html" and by_url == ".htm":
        return ".htm"
    if by_type:
        return by_type
    if by_url in (*HTML_SUFFIXES, *DOC_SUFFIXES, ".txt"):
        return by_url
    lowered = head.lower()
    return ".html" if b"<html" in lowered or b"<!doctype html" in lowered else by_url


def _doc_suffix(url: str) -> str | None:
    """.pdf/.docx/.doc/.wps when the URL's path (or a query value, as in download.jsp?file=x.pdf) ends so."""
    parts = urlsplit(url)
    if parts.scheme not in ALLOWED_SCHEMES:
        return None
    for candidate in (parts.path, *(v for _, v in parse_qsl(parts.query))):
        suffix = PurePosixPath(unquote(candidate)).suffix.lower()
        if suffix in DOC_SUFFIXES:
            return suffix
    return None


def find_attachments(markup: str, base_url: str) -> list[Attachment]:
    """Links to document files in an HTML page, in page order (nothing on the page is executed)."""
    soup = BeautifulSoup(markup, "lxml")
    found, seen = [], set()
    for a in soup.find_all("a", href=True):
        url = urljoin(base_url, a["href"].strip())
        suffix = _doc_suffix(url)
        if not suffix or url in seen:
            continue
        seen.add(url)
        label = " ".join(a.get_text(" ", strip=True).split()) or a.get("title", "").strip()
        parent = a.parent
        nearby = parent.get_text(" ", strip=True)[:200] if parent and parent.name not in ("body", "html") else ""
        score = 2 * bool(_PLAN_WORDS.search(label + a.get("title", ""))) + bool(_LINK_WORDS.search(f"{label} {nearby}"))
        found.append(Attachment(url, label, suffix, score))
    return found


def choose_attachment(page_text: str, attachments: list[Attachment]) -> Attachment | None:
    """The attachment to store instead of a wrapper page, or None to store the page (rule in the module doc)."""
    if not attachments or looks_like_plan(page_text):
        return None
    need = 1 if cjk_count(page_text) < SHORT_PAGE_CJK else 2
    eligible = [a for a in attachments if a.score >= need]
    return min(eligible, key=lambda a: (a.suffix not in READABLE_ATTACHMENTS, -a.score), default=None)


def plan_text_problem(text: str) -> str | None:
    """Why the text is not a plan (error page, login wall, empty shell), or None."""
    n = cjk_count(text)
    if n < MIN_PLAN_CJK:
        return (f"only {n} Chinese characters of text (fewer than {MIN_PLAN_CJK}): an error page, "
                "a login wall or a page built by JavaScript?")
    if n < SHORT_PAGE_CJK and (m := _SOFT_ERROR.search(text)):
        return f"the page says it is missing ({m.group(0)!r})"
    return None


def _codec_name(name: str | None) -> str | None:
    try:
        return codecs.lookup(name).name if name else None
    except LookupError:
        return None


def declared_charset(response: Response) -> str | None:
    """Charset from the Content-Type header, else from an HTML <meta> tag; normalised, None if unknown."""
    meta = _META_CHARSET.search(response.body[:4096])
    return _codec_name(response.charset) or _codec_name(meta.group(1).decode("ascii") if meta else None)


def file_name(url: str, suffix: str, label: str | None = None) -> str:
    """A raw file name: the attachment's link text when it is descriptive, else '<host>-<last path part>'."""
    stem = _LABEL_NOISE.sub("", label or "").strip()
    if cjk_count(stem) < 4:
        parts = urlsplit(url)
        stem = f"{parts.hostname}-{PurePosixPath(unquote(parts.path)).stem or 'index'}"
    return raw_store.safe_name(stem + suffix)


def provenance(response: Response, raw: RawText) -> dict:
    """The manifest's provenance columns for a stored download."""
    text_kind = raw.kind in ("html", "txt")
    encoding = (declared_charset(response) or _codec_name(raw.encoding) or raw.encoding) if text_kind else None
    return {"url": response.url, "retrieved": response.retrieved, "http_status": response.status,
            "content_type": response.content_type, "encoding": encoding or ""}


def check_document(body: bytes, suffix: str) -> RawText:
    """The document's text, or FetchError when the corpus could not use it."""
    if suffix not in config.RAW_SUFFIXES:
        hint = "; save it as .docx and use `add`" if suffix in (".doc", ".wps") else ""
        raise FetchError("unsupported type", f"a {suffix or 'file of unknown type'} cannot be read "
                                             f"(the corpus takes {', '.join(config.RAW_SUFFIXES)}){hint}")
    try:
        raw = read_bytes(body, f"download{suffix}")
    except ReadError as exc:
        raise FetchError("unreadable", str(exc)) from None
    if problem := plan_text_problem(raw.text):
        raise FetchError("no plan text", problem)
    return raw


# ---------------------------------------------------------------------------- I/O
def in_corpus(raw_dir: Path, sha: str) -> str | None:
    """The raw file holding these bytes: manifest rows first, then unlisted files hashed."""
    if not raw_dir.is_dir():
        return None
    listed = raw_manifest(raw_dir)
    for file, row in listed.items():
        if row.get("sha256") == sha and (raw_dir / file).is_file():
            return file
    for p in sorted(raw_dir.iterdir()):
        if (p.is_file() and p.suffix.lower() in config.RAW_SUFFIXES and p.name not in listed
                and sha256_file(p) == sha):
            return p.name
    return None


def _page_attachment(page: Response, suffix: str) -> Attachment | None:
    if suffix not in HTML_SUFFIXES:
        return None
    try:
        markup, _ = decode(page.body)
    except ReadError:
        return None
    return choose_attachment(html_to_text(markup), find_attachments(markup, page.url))


def fetch_one(url: str, raw_dir: Path, *, region: str | None, year: int | None, **http) -> FetchResult:
    """Fetch one URL into raw_dir (see the module doc); never raises for a failed download."""
    doc = attachment = None
    try:
        doc = download(url, **http)
        suffix = suffix_for(doc.body, doc.content_type, doc.url)
        if attachment := _page_attachment(doc, suffix):
            doc = None
            try:
                doc = download(attachment.url, **http)
            except FetchError as exc:
                exc.args = (f"attachment {attachment.url}: {exc}",)
                raise
            suffix = suffix_for(doc.body, doc.content_type, doc.url)
        raw = check_document(doc.body, suffix)
        sha = hashlib.sha256(doc.body).hexdigest()
        common = {"status": doc.status, "content_type": doc.content_type, "sha256": sha, "document_url": doc.url}
        if existing := in_corpus(raw_dir, sha):
            return FetchResult(url, True, raw_dir / existing, "unchanged",
                               f"unchanged, already in corpus as {existing}", **common)
        path = raw_store.add(file_name(doc.url, suffix, attachment and attachment.label), raw_dir, data=doc.body,
                             source=url, overrides={"region": region, "plan_year": year},
                             extra=provenance(doc, raw))
    except (FetchError, raw_store.AddError) as exc:
        return FetchResult(url, False, None, getattr(exc, "reason", "not stored"), str(exc),
                           getattr(exc, "status", None) or (doc.status if doc else None),
                           doc.content_type if doc else None, document_url=doc.url if doc else None)
    via = f" (attachment {doc.url})" if attachment else ""
    return FetchResult(url, True, path, "stored", f"stored as {path.name}{via}: HTTP {doc.status}, "
                       f"{doc.content_type or 'no content type'}, {len(doc.body):,} bytes", **common)


def fetch(urls: str | Iterable[str], raw_dir: Path = config.RAW_DIR, *, region: str | None = None,
          year: int | None = None, timeout: float = 20, max_bytes: int = config.MAX_RAW_BYTES, retries: int = 2,
          backoff: float = 1.0, user_agent: str = USER_AGENT) -> list[FetchResult]:
    """Download each URL and archive the plan in raw_dir with provenance; one result per URL, in order.

    `timeout` is per connection attempt and per read (seconds of silence), not for the whole body.
    `region` and `year` go to data/raw/overrides.csv and name the file '<region>-<year>.<ext>'.
    """
    urls = [urls] if isinstance(urls, str) else list(urls)
    http = {"timeout": timeout, "max_bytes": max_bytes, "retries": retries, "backoff": backoff,
            "user_agent": user_agent}
    return [fetch_one(u, Path(raw_dir), region=region, year=year, **http) for u in urls]
