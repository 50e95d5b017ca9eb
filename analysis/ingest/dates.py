"""Dates as written in plans and page headers → ISO strings."""
from __future__ import annotations

import datetime as dt
import re

from .numbering import chinese_to_int

# 2020-06-15, 2017/11/8, 2020年6月8日, 2021- 07- 07, and the typo 2017月11月8日.
DATE = re.compile(r"((?:19|20)\d{2})\s*[-/.年月]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
#: A year in Chinese numerals (二〇二一; ○, 零 and a typed O or 0 are written for 〇 too), and a month or day
#: (三, 十二, 二十五; or in Arabic numerals after such a year: 二〇一一年5月16日).
CN_YEAR = "(?:一九|二[〇○零Oo0])[〇○零Oo0一二三四五六七八九]{2}"
_CN_DAY = r"(?:[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九]|\d{1,2})"
#: A signature's date in Chinese numerals: 二〇二一年三月五日.
CN_DATE_TEXT = rf"{CN_YEAR}\s*年\s*{_CN_DAY}\s*月\s*{_CN_DAY}\s*日"
CN_DATE = re.compile(rf"({CN_YEAR})\s*年\s*({_CN_DAY})\s*月\s*({_CN_DAY})\s*日")


def number(text: str) -> int:
    """2021, 二〇二一 → 2021; 十二 → 12, 二十五 → 25."""
    return int(text) if text.isascii() else chinese_to_int(text)


def iso_date(text: str | None) -> str | None:
    """First valid calendar date in text (in Arabic or Chinese numerals) as YYYY-MM-DD, else None."""
    if not text:
        return None
    found = sorted((m.start(), m.groups()) for rx in (DATE, CN_DATE) for m in rx.finditer(text))
    for _, parts in found:
        try:
            return dt.date(*map(number, parts)).isoformat()
        except ValueError:
            continue
    return None
