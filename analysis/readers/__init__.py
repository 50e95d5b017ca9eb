"""Readers: raw bytes of a plan (txt, html, pdf, docx) → text.

The file type is taken from the content (PDF and zip signatures, HTML markup), with
the suffix as a hint, so a mislabelled file is still read correctly.
"""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from ..config import MAX_RAW_BYTES
from .docx import docx_to_text
from .encoding import decode
from .errors import ReadError
from .html import has_markup, html_to_text, is_html_document, strip_tags
from .pdf import pdf_to_text

__all__ = ["RawText", "ReadError", "load_bytes", "read_bytes", "read_path"]


@dataclass(frozen=True)
class RawText:
    """Text read from one raw file, with how it was read."""

    text: str
    kind: str  # txt | html | pdf | docx
    encoding: str | None = None
    warnings: tuple[str, ...] = field(default_factory=tuple)


def read_bytes(data: bytes, name: str = "") -> RawText:
    """Turn the bytes of one raw file into text; raise ReadError with the reason."""
    suffix = Path(name).suffix.lower()
    if not data.strip():
        raise ReadError("empty file")
    if len(data) > MAX_RAW_BYTES:
        raise ReadError(f"file too large ({len(data) // 2**20} MiB > {MAX_RAW_BYTES // 2**20} MiB)")
    if data.startswith(b"%PDF") or (suffix == ".pdf" and b"%PDF" in data[:1024]):
        return RawText(pdf_to_text(data), "pdf")
    if data.startswith(b"PK\x03\x04") or suffix == ".docx":
        return RawText(docx_to_text(data), "docx")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ReadError("legacy Word .doc (OLE) is not supported: save it as .docx")
    text, encoding = decode(data)
    warnings = ()
    if encoding not in ("utf-8", "utf-8-sig", "ascii"):
        warnings = (f"decoded as {encoding}",)
    if suffix in (".html", ".htm") or is_html_document(text):
        return RawText(html_to_text(text), "html", encoding, warnings)
    if has_markup(text):
        return RawText(strip_tags(text), "txt", encoding, warnings + ("HTML tags stripped",))
    return RawText(text, "txt", encoding, warnings)


def load_bytes(path: str | Path) -> bytes:
    """The bytes of one raw file, opened read-only; ReadError for what is not a regular file
    (a directory, pipe or device would block or never end) or is too large."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # a pipe opens without waiting for a writer
    except OSError as exc:
        raise ReadError(f"cannot open: {exc.strerror or exc}") from exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ReadError("not a regular file (a directory, pipe or device)")
        if info.st_size > MAX_RAW_BYTES:
            raise ReadError(f"file too large ({info.st_size // 2**20} MiB > {MAX_RAW_BYTES // 2**20} MiB)")
        with os.fdopen(os.dup(fd), "rb") as fh:
            return fh.read(MAX_RAW_BYTES + 1)  # a file still growing is cut here and refused by read_bytes
    except OSError as exc:
        raise ReadError(f"cannot read: {exc.strerror or exc}") from exc
    finally:
        os.close(fd)


def read_path(path: str | Path) -> RawText:
    """Read one raw file from disk (never writes to it)."""
    return read_bytes(load_bytes(path), Path(path).name)
