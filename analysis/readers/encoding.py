"""Bytes → str for plain-text plans: BOM, UTF-8, GB18030, then charset detection."""
from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from .errors import ReadError

_BOMS = [
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def looks_binary(data: bytes) -> bool:
    """True for data with NUL bytes or a high share of control bytes."""
    head = data[:8192]
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return controls > len(head) * 0.05


def _plausible(text: str) -> bool:
    """Decoded text is plausible when control characters are rare."""
    return len(_CONTROL.findall(text)) <= max(2, len(text) // 1000)


def decode(data: bytes) -> tuple[str, str]:
    """Decode raw bytes; return (text, encoding name). Raise ReadError when impossible."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data.decode(name), name
    if looks_binary(data):
        raise ReadError("binary data, not text (NUL or control bytes)")
    for name in ("utf-8", "gb18030"):
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        if _plausible(text):
            return text, name
    best = from_bytes(data).best()
    if best is not None:
        text = str(best)
        if _plausible(text) and (_CJK.search(text) or text.isascii()):
            return text, best.encoding
    raise ReadError("text encoding could not be detected (not UTF-8, GB18030 or a known charset)")
