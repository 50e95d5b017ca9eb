"""PDF → text with pdfplumber, page by page, page-number lines removed."""
from __future__ import annotations

import io
import logging
import re

from .errors import ReadError

_PAGE_LINE = re.compile(r"^\s*(?:[-—–－]\s*\d{1,3}\s*[-—–－]|第\s*\d{1,3}\s*页(?:\s*[，,/]?\s*共\s*\d{1,3}\s*页)?|\d{1,3})\s*$")


def _strip_page_lines(page_text: str) -> str:
    lines = page_text.splitlines()
    while lines and _PAGE_LINE.match(lines[-1]):
        lines.pop()
    while lines and _PAGE_LINE.match(lines[0]):
        lines.pop(0)
    return "\n".join(lines)


def _unwrap(exc: Exception) -> Exception:
    """pdfplumber wraps pdfminer's error as PdfminerException(inner): the inner one says what went wrong."""
    while exc.args and isinstance(exc.args[0], Exception):
        exc = exc.args[0]
    return exc


def pdf_to_text(data: bytes) -> str:
    """Text layer of a PDF; ReadError when it is encrypted, broken or has no text (needs OCR)."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = [_strip_page_lines(page.extract_text() or "") for page in pdf.pages]
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
