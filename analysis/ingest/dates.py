"""Dates as written in plans and page headers → ISO strings."""
from __future__ import annotations

import datetime as dt
import re

# 2020-06-15, 2017/11/8, 2020年6月8日, 2021- 07- 07, and the typo 2017月11月8日.
DATE = re.compile(r"((?:19|20)\d{2})\s*[-/.年月]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


def iso_date(text: str | None) -> str | None:
    """First valid calendar date in text as YYYY-MM-DD, else None."""
    if not text:
        return None
    for m in DATE.finditer(text):
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
        except ValueError:
            continue
    return None
