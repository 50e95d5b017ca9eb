"""PDF → text with pdfplumber, page by page, page-number lines removed; ruled tables row by row,
cells tab-separated (their wrapped lines would otherwise interleave)."""
from __future__ import annotations

import io
import logging
import re
import zlib

from .cells import spanned
from .errors import ReadError
from .limits import TimeUp, time_limit

#: Seconds allowed for opening a PDF and for reading each page: pdfminer is pure Python and a
#: malformed or deliberately heavy file (a tiny page whose content unpacks to megabytes) can run for hours.
SECONDS_PER_STEP = 60
#: Largest total size the PDF's compressed (Flate) streams may unpack to: a decompression-bomb guard.
MAX_INFLATED = 256 * 1024 * 1024
_STREAM = re.compile(rb"(?<!end)stream\r?\n")
_PAGE_LINE = re.compile(r"^\s*(?:[-—–－]\s*\d{1,3}\s*[-—–－]|第\s*\d{1,3}\s*页(?:\s*[，,/]?\s*共\s*\d{1,3}\s*页)?|\d{1,3})\s*$")


def _strip_page_lines(page_text: str) -> str:
    lines = page_text.splitlines()
    while lines and _PAGE_LINE.match(lines[-1]):
        lines.pop()
    while lines and _PAGE_LINE.match(lines[0]):
        lines.pop(0)
    return "\n".join(lines)


def _page_text(page) -> str:
    """The page's text; each ruled table of 2 rows and 3 columns or more as tab-separated rows, in
    its place among the text above and below it, and text beside it after its rows."""
    try:
        tables = sorted((t for t in page.find_tables() if len(t.rows) >= 2 and len(t.rows[0].cells) >= 3),
                        key=lambda t: t.bbox[1])
        parts, top = [], page.bbox[1]
        for table in tables:
            parts.append(_text_between(page, top, table.bbox[1]))
            parts.append("\n".join(_table_lines(table)))
            parts.append(_text_beside(page, table.bbox, [t.bbox for t in tables]))
            top = max(top, table.bbox[3])
    except Exception:  # ruling pdfplumber cannot make sense of: the page is read as text, as before
        tables = []
    if not tables:
        return _strip_page_lines(page.extract_text() or "")
    parts.append(_text_between(page, top, page.bbox[3]))
    return _strip_page_lines("\n".join(p for p in parts if p.strip()))


def _band(page, top: float, bottom: float):
    """The page's full width between top and bottom."""
    return page.within_bbox((page.bbox[0], top, page.bbox[2], bottom), strict=False)


def _text_between(page, top: float, bottom: float) -> str:
    if bottom - top < 1:
        return ""
    return _band(page, top, bottom).extract_text() or ""


def _text_beside(page, bbox, tables: list) -> str:
    """Text left or right of a table, between its top and bottom (a note in the margin), that is in
    no table (`tables`: their bounding boxes)."""
    def outside(obj) -> bool:
        return not any(x0 <= obj.get("x0", x0) and obj.get("x1", x1) <= x1 and top <= obj.get("top", top)
                       and obj.get("bottom", bottom) <= bottom for x0, top, x1, bottom in tables)

    return _band(page, bbox[1], bbox[3]).filter(outside).extract_text() or ""


def _table_lines(table) -> list[str]:
    """Rows of a ruled table with tab-separated cells, wrapped lines joined. pdfplumber gives None
    for the cells a merged cell covers: below it they take its text (`cells.spanned`), beside it
    the merged cell comes once."""
    texts = table.extract()
    lines = []
    for r, row in enumerate(table.rows):
        cells = []
        for c, box in enumerate(row.cells):
            if box is not None:
                cells.append(texts[r][c] or "")
                continue
            origin = next((k for k in range(r - 1, -1, -1) if table.rows[k].cells[c] is not None), None)
            if origin is not None and table.rows[origin].cells[c][3] >= row.bbox[3] - 1:  # it reaches this row
                cells.append(spanned(texts[origin][c] or ""))
        lines.append("\t".join(re.sub(r"\s*\n\s*", "", cell) for cell in cells))
    return lines


def _unwrap(exc: Exception) -> Exception:
    """pdfplumber wraps pdfminer's error as PdfminerException(inner): the inner one says what went wrong."""
    while exc.args and isinstance(exc.args[0], Exception):
        exc = exc.args[0]
    return exc


def inflated_size(data: bytes, limit: int) -> int:
    """Bytes the PDF's Flate streams unpack to, counted a mebibyte at a time and only up to just past `limit`."""
    total = 0
    for m in _STREAM.finditer(data):
        inflater, pending, pos = zlib.decompressobj(), b"", m.end()
        try:
            while not inflater.eof and total <= limit:
                if not pending:
                    pending = data[pos: pos + 65536]
                    pos += len(pending)
                    if not pending:
                        break
                total += len(inflater.decompress(pending, 1 << 20))
                pending = inflater.unconsumed_tail
        except zlib.error:  # not a Flate stream, or damaged: pdfminer will judge it
            continue
        if total > limit:
            break
    return total


def pdf_to_text(data: bytes) -> str:
    """Text layer of a PDF; ReadError when it is encrypted, broken, too heavy or has no text (needs OCR)."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    if inflated_size(data, MAX_INFLATED) > MAX_INFLATED:
        raise ReadError(f"refused: PDF streams unpack to more than {MAX_INFLATED // 2**20} MiB (decompression bomb?)")
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    step, pages = "opening it", []
    try:
        with time_limit(SECONDS_PER_STEP):
            pdf = pdfplumber.open(io.BytesIO(data))
        with pdf:
            with time_limit(SECONDS_PER_STEP):
                todo = pdf.pages
            for k, page in enumerate(todo, 1):
                step = f"reading page {k}"
                with time_limit(SECONDS_PER_STEP):
                    pages.append(_page_text(page))
    except TimeUp:
        raise ReadError(f"PDF too slow to read: {step} took over {SECONDS_PER_STEP} s "
                        "(malformed or unusually heavy; try re-saving it or converting it to text)") from None
    except PDFPasswordIncorrect as exc:
        raise ReadError("encrypted PDF: it needs a password") from exc
    except Exception as exc:  # pdfminer raises many types for broken files
        exc = _unwrap(exc)
        name = type(exc).__name__
        if "Password" in name or "Encrypt" in name:
            raise ReadError("encrypted PDF: it needs a password") from exc
        raise ReadError(f"broken PDF ({name}: {exc})") from exc
    text = "\n".join(p for p in pages if p.strip())
    if len(re.sub(r"\s", "", text)) < 20:
        raise ReadError(f"PDF has no text layer ({len(pages)} pages of images?): it needs OCR first")
    return text
