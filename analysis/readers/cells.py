"""Table cells merged over several rows, as every reader writes them: the merged cell's text in
each row it covers (a task table's units cell merged over several tasks belongs to each of them),
except a number (序号) or a numbered heading (`二、做好网站信息公开`), which leaves an empty cell: the rows
it covers are one numbered item, or the items under that heading."""
from __future__ import annotations

import re

_NUMBER = re.compile(r"\s*\d{1,3}\s*")
_NUMBERED = re.compile(r"\s*(?:[一二三四五六七八九十]{1,3}[、.．]|[(（][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}[.．、])(?!\d)")


def is_number(text: str) -> bool:
    """A cell holding a number alone (a 序号)."""
    return _NUMBER.fullmatch(text) is not None


def spanned(text: str) -> str:
    """What a row covered by a merged cell holding `text` gets in that cell's column."""
    return "" if is_number(text) or _NUMBERED.match(text) else text
