"""Bytes → str for plain-text plans: BOM, UTF-8, GB18030, then charset detection."""
from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from .errors import ReadError

_BOMS = [
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16: FF FE 00 00 starts with the UTF-16 LE mark too
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def looks_binary(data: bytes) -> bool:
    """True for data with more than a stray NUL byte or two, or a high share of control bytes."""
    head = data[:8192]
    if head.count(b"\x00") > max(1, len(head) // 1000):
        return True
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return controls > len(head) * 0.05


def _plausible(text: str) -> bool:
    """Decoded text is plausible when control characters are rare."""
    return len(_CONTROL.findall(text)) <= max(2, len(text) // 1000)


def _common_share(text: str) -> float:
    """Share of the Chinese characters among GB2312's 3,755 most common (real plans: over 95%; the
    characters that random bytes decode to as GB18030: almost none)."""
    cjk = _CJK.findall(text[:20_000])
    common = 0
    for c in cjk:
        try:
            common += 0xB0 <= c.encode("gb2312")[0] <= 0xD7
        except UnicodeEncodeError:
            pass
    return common / len(cjk) if cjk else 0.0


def decode(data: bytes) -> tuple[str, str]:
    """Decode raw bytes; return (text, encoding name). Raise ReadError when impossible."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(name), name
            except UnicodeDecodeError as exc:  # damaged or cut short (UTF-16 needs an even byte count)
                raise ReadError(f"not valid {name} text despite its byte-order mark ({exc.reason} "
                                f"at byte {exc.start}): damaged or truncated?") from exc
    if data.count(b"\x00") > len(data) // 20:  # UTF-16 saved without a byte-order mark
        for name in ("utf-16-le", "utf-16-be"):
            try:
                text = data.decode(name)
            except UnicodeDecodeError:
                continue
            if _plausible(text) and _common_share(text) > 0.8:
                return text, name
    if looks_binary(data):
        raise ReadError("binary data, not text (NUL or control bytes)")
    nuls = data.count(b"\x00")
    note = f", {nuls} stray NUL bytes removed" if nuls else ""
    data = data.replace(b"\x00", b"") if nuls else data
    for name in ("utf-8", "gb18030"):
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        if _plausible(text):
            return text, name + note
    for name in ("utf-8", "gb18030"):  # a few damaged bytes: a download cut mid-character, a flipped bit
        text = data.decode(name, errors="replace")
        damaged = text.count("\ufffd")
        if damaged <= max(4, len(text) // 5000) and _plausible(text) and _common_share(text) > 0.8:
            return text, f"{name} ({damaged} damaged bytes replaced{note})"
    best = from_bytes(data).best()
    if best is not None:
        text = str(best)
        if _plausible(text) and (_CJK.search(text) or text.isascii()):
            return text, best.encoding
    raise ReadError("text encoding could not be detected (not UTF-8, GB18030 or a known charset)")
