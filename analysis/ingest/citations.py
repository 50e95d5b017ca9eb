"""Documents a plan cites: 《title》 with its 文号, or a bare 文号 with the title before it."""
from __future__ import annotations

import re

from .metadata import doc_number_year, normalize_doc_number
from .patterns import Patterns

_TITLE = re.compile(r"《([^《》]{2,120})》")
_AFTER = re.compile(r"^\s*[(（]\s*([^()（）]{4,40}?号)")
#: Numbers whose brackets were lost in PDF extraction: 国办发 2018 23 号, 国办发 201797 号.
_LOSSY = re.compile(r"(?<![\u4e00-\u9fff])([\u4e00-\u9fff]{1,9}[发函字办])\s*((?:19|20)\d{2})\s*(\d{1,4})\s*号")
_BARE_TITLE = re.compile(r"([\u4e00-\u9fff]{2,30}?关于[^，,。；;、:：（()《》]{2,80}?(?:通知|意见|办法|规定|方案|要点|决定|函))\s*$")
#: Words before a title cited without 《》 that are not its start: 认真落实国务院办公厅关于…, 和山东省….
_VERBS = "贯彻落实|贯彻|落实|做好|执行|按照|根据|依据|对照|结合"
LEADING_VERBS = re.compile(rf"^(?:认真|切实|进一步)?(?:{_VERBS}|以及|和|及|与)+")
_VERB = re.compile(_VERBS)


def _bare_title(title: str) -> str | None:
    """A title cited without 《》, from its issuer on: the text before 关于 is cut after its last verb
    (…实施方案为深入贯彻落实黑龙江省人民政府办公厅关于… → 黑龙江省人民政府办公厅关于…)."""
    issuer, _, rest = title.partition("关于")
    return LEADING_VERBS.sub("", _VERB.split(issuer)[-1] + "关于" + rest) or None


def find_citations(text: str, patterns: Patterns) -> list[dict]:
    """Cited documents in order of first mention: title, doc_number (〔〕), year, position."""
    found: list[dict] = []
    seen: set[str] = set()
    taken: list[tuple[int, int]] = []

    def add(title, number, pos):
        title = re.sub(r"\s+", "", title) if title else None
        title = title.replace("<", "《").replace(">", "》") if title else None
        if number in seen or (not number and title in seen):  # cited again, maybe with its title now
            if number and title:
                for c in found:
                    if c["doc_number"] == number and not c["title"]:
                        c["title"] = title
            return
        earlier = next((c for c in found if title and c["title"] == title and not c["doc_number"]), None)
        if number and earlier:  # cited by title first, now with its 文号
            earlier["doc_number"], earlier["year"] = number, doc_number_year(number)
        else:
            found.append({"title": title, "doc_number": number, "year": doc_number_year(number), "position": pos})
        seen.update({number, title} - {None})

    for m in _TITLE.finditer(text):
        number = None
        after = _AFTER.match(text[m.end(): m.end() + 60])
        if after:
            nm = patterns.doc_number.search(after.group(1))
            lossy = _LOSSY.search(after.group(1))
            if nm:
                number = normalize_doc_number(nm.group(0))
            elif lossy:
                number = f"{lossy.group(1)}〔{lossy.group(2)}〕{lossy.group(3)}号"
            if number:
                taken.append((m.end(), m.end() + after.end()))
        add(m.group(1), number, m.start())
    numbers = [(m.start(), m.end(), normalize_doc_number(m.group(0))) for m in patterns.doc_number.finditer(text)]
    numbers += [(m.start(), m.end(), f"{m.group(1)}〔{m.group(2)}〕{m.group(3)}号") for m in _LOSSY.finditer(text)]
    for start, _end, number in sorted(numbers):
        if any(a <= start < b for a, b in taken):
            continue
        before = text[max(0, start - 140): start].rstrip(" （(")
        tm = _BARE_TITLE.search(before)
        add(_bare_title(tm.group(1)) if tm else None, number, start)
    found.sort(key=lambda c: c["position"])
    return found
