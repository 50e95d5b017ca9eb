"""Character-level normalisation: the only changes made to the original characters.

Full-width digits and Latin letters become half-width, exotic spaces become spaces,
zero-width characters go, radical and compatibility code points that PDF fonts put for
ideographs become those ideographs (⼯作 → 工作, ⼈⺠ → 人民), pinyin glosses and
mirror-site spam are removed, and text served in traditional characters is converted to
simplified. Chinese punctuation (，。（）〔〕…) is kept as written.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from .patterns import load_patterns

_FULLWIDTH = {ord(c): ord(c) - 0xFEE0 for c in "０１２３４５６７８９" + "ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ"
              + "ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ"}
_SPACES = {ord(c): " " for c in "\u00a0\u2002\u2003\u2009\u200a\u3000\u202f\u205f"}
_ZERO_WIDTH = {ord(c): None for c in "\u200b\u200c\u200d\u2060\ufeff\u00ad"}
_TRANSLATE = {**_FULLWIDTH, **_SPACES, **_ZERO_WIDTH, ord("\r"): None, ord("\t"): "\t"}
#: Kangxi radicals (⼀ U+2F00 …) are one ideograph each by Unicode's compatibility mapping; CJK
#: compatibility ideographs (U+F900 …) by its canonical one; of the radicals supplement, those that
#: stand for a whole character (CJK RADICAL CIVILIAN, C-SIMPLIFIED LONG …), which fonts map too.
_IDEOGRAPHS = {cp: unicodedata.normalize("NFKC", chr(cp)) for cp in [*range(0x2F00, 0x2FD6), *range(0xF900, 0xFB00)]
               if unicodedata.normalize("NFKC", chr(cp)) != chr(cp)}
_IDEOGRAPHS.update({ord(r): c for r, c in zip("⺟⺠⻄⻅⻆⻉⻋⻓⻔⻙⻚⻛⻜⻢⻥⻦⻧⻨⻩⻪⻬⻮⻰⻳",
                                              "母民西见角贝车长门韦页风飞马鱼鸟卤麦黄黾齐齿龙龟", strict=True)})
_RADICALS = re.compile("[" + "".join(map(chr, _IDEOGRAPHS)) + "]")
_PINYIN = re.compile(r"[(（]\s*[a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńň]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńň][a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńň]*"
                     r"(?:\s+[a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńň]+)*\s*[)）]")
#: Characters that occur only in traditional script; their share decides conversion.
_TRADITIONAL_ONLY = set("們國會開發與務資東這時來對為關號於應機區縣員長門問間裡實現點將從過還進報後經總動學體當產業製廣條興濟歲劃審辦級點證書農專線")
_DROP_TRADITIONAL = {ord(c): None for c in _TRADITIONAL_ONLY}
_NOT_CJK = re.compile(r"[^\u4e00-\u9fff]+")


def is_traditional(text: str) -> bool:
    """True when traditional-only characters are a visible share of the Chinese text."""
    sample = text[:50_000]
    hits = len(sample) - len(sample.translate(_DROP_TRADITIONAL))
    if hits < 5:
        return False
    cjk = len(_NOT_CJK.sub("", sample))
    return cjk > 0 and hits / cjk > 0.01


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def normalize(text: str) -> tuple[str, list[str]]:
    """Return the normalised text and notes on what was changed."""
    notes = []
    text = text.translate(_TRANSLATE)
    radicals = len(_RADICALS.findall(text))
    if radicals:
        text = text.translate(_IDEOGRAPHS)
        notes.append(f"replaced {radicals} radical or compatibility code points with the ideographs they stand for")
    if is_traditional(text):
        text = _t2s().convert(text)
        notes.append("converted from traditional to simplified characters")
    cleaned = _PINYIN.sub("", text)
    if cleaned != text:
        notes.append(f"removed {len(_PINYIN.findall(text))} pinyin glosses")
        text = cleaned
    patterns = load_patterns()
    spam = patterns.spam.findall(text)
    if spam:
        text = patterns.spam.sub("", text)
        notes.append(f"removed {len(spam)} spam insertions")
    return text, notes
