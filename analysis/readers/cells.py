"""Table cells merged over several rows, as every reader writes them: the merged cell's text in
each row it covers (a task table's units cell merged over several tasks belongs to each of them),
except a number (序号), which leaves an empty cell: the rows it covers are one numbered item."""
from __future__ import annotations

import re

_NUMBER = re.compile(r"\s*\d{1,3}\s*")


def spanned(text: str) -> str:
    """What a row covered by a merged cell holding `text` gets in that cell's column."""
    return "" if _NUMBER.fullmatch(text) else text
