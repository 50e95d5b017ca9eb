"""Document metadata from the cleaned lines: header label/value blocks, the covering
notice, the signature, the plan's own title, its document number and its year."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from .dates import CN_DATE_TEXT, CN_YEAR, DATE, iso_date, number
from .patterns import Patterns

_BULLET = re.compile(r"^[\s\-•·*●▪◆]+")
ORG_SUFFIX = ("办公室", "办公厅", "人民政府", "管委会", "管理委员会", "委员会", "领导小组", "政府", "局", "厅",
              "中心", "小组")
_ORG = r"[\u4e00-\u9fff（）()〔〕]{2,60}?(?:" + "|".join(ORG_SUFFIX) + ")"
_SIGN_DATE = rf"(?:(?:19|20)\d{{2}}\s*[年月]\s*\d{{1,2}}\s*月\s*\d{{1,2}}\s*日|{CN_DATE_TEXT})(?![前后起至内以之])"
#: Organisation followed by a date: the signature of a notice or of the plan.
SIGNATURE = re.compile(rf"(?:^|(?<=[\s。）)]))(?P<org>{_ORG})[ \t]*\n?[ \t]*(?P<date>{_SIGN_DATE})\s*(?:印发|发布|制发)?")
#: A date alone on its line, possibly after an organisation line.
DATE_LINE = re.compile(rf"^\s*(?P<date>{_SIGN_DATE})\s*(?:印发|发布|制发)?\s*$")
ORG_LINE = re.compile(rf"^\s*(?P<org>{_ORG})\s*$")
NOTICE = re.compile(r"(?:^|(?<=\s))(?P<issuer>[\u4e00-\u9fff（）()]{2,60}?)?关于(?:印发|转发|发布|下达)"
                    r"(?P<what>[^。，,；;：:\n]{2,80}?)的?通知(?=\s|$)")
#: A notice without 关于, as a party and government office issue one together, its 文号 after it:
#: 中共岳阳市委办公室岳阳市人民政府办公室印发《关于…的实施意见》的通知(岳办发〔2017〕2号).
NOTICE_ISSUED = re.compile(r"^(?P<issuer>[\u4e00-\u9fff（）()]{2,60}?(?:办公室|办公厅))(?:印发|转发)(?P<what>《[^》\n]{2,80}》)"
                           r"的通知(?:[（(](?P<number>[^）)\n]{3,24})[）)])?\s*$")
_PARTY_OFFICE = re.compile(r"^中共[\u4e00-\u9fff]{2,20}?委办公[室厅]\s*(?=\S)")
_ANY_NOTICE = re.compile(r"[\u4e00-\u9fff（）()]{0,30}关于[^。，,；;：:\n]{2,80}的(?:通知|意见|函|报告)")
SALUTATION = re.compile(r"^\s*[\u4e00-\u9fff（）()、，,]{4,120}[:：]\s*$")
YEAR = re.compile(rf"((?:19|20)\d{{2}}|{CN_YEAR})\s*年")
BRACKETS = str.maketrans({"[": "〔", "]": "〕", "【": "〔", "】": "〕", "(": "〔", ")": "〕", "（": "〔",
                          "）": "〕", "［": "〔", "］": "〕", "{": "〔", "}": "〕"})


@dataclass
class Metadata:
    title: str | None = None
    notice_title: str | None = None
    issuer: str | None = None
    published: str | None = None
    doc_number: str | None = None
    plan_year: int | None = None
    plan_year_evidence: str | None = None
    labels: dict[str, str] = field(default_factory=dict)
    signatures: list[tuple[int, str, str]] = field(default_factory=list)  # (line, org, date)
    plans: list[str] = field(default_factory=list)  # titles, when one notice issues several plans
    title_candidates: list[str] = field(default_factory=list)


#: A news page's headline over the plan (山东公布2025年政务公开工作要点): a title only when no other is.
_HEADLINE = re.compile(r"公布|印发|发布|出台|出炉")
#: Title text a 文号's issuer prefix took in where nothing stood between them (…的通知闽政办〔2017〕45号).
_GLUED_TITLE = re.compile(r"^.*(?:通知|意见|方案|办法|规定|决定|要点|》|〉)(?=[\u4e00-\u9fff]{1,10}〔)")


def normalize_doc_number(value: str) -> str:
    """国办发[2019]54号 / 国办发（2019）54号 → 国办发〔2019〕54号 (spaces dropped), without title text
    glued before it: 任务分解表的通知闽政办〔2017〕45号 → 闽政办〔2017〕45号."""
    return _GLUED_TITLE.sub("", re.sub(r"\s+", "", value).translate(BRACKETS))


def _label_regex(patterns: Patterns) -> tuple[re.Pattern, dict[str, str]]:
    kinds = {}
    alts = []
    for kind, labels in patterns.metadata_labels.items():
        for label in labels:
            kinds[label] = kind
    for label in sorted(kinds, key=len, reverse=True):
        alts.append(r"\s*".join(map(re.escape, label)))
    union = "|".join(alts)
    rx = re.compile(rf"(?:^|(?<=\s))(?P<label>{union})\s*[:：]\s*(?P<value>.*?)(?=\s+(?:{union})\s*[:：]|$)")
    return rx, kinds


def _bracket_regex(patterns: Patterns) -> tuple[re.Pattern, dict[str, str]]:
    """A label in brackets (【发文字号】), and each such label → its kind's first label."""
    first = {}
    for table in (patterns.metadata_labels, patterns.bracket_labels):
        for kind, labels in table.items():
            first.update((label, patterns.metadata_labels[kind][0]) for label in labels)
    union = "|".join(map(re.escape, sorted(first, key=len, reverse=True)))
    return re.compile(rf"•?\s*【\s*({union})\s*】"), first


def header_labels(lines: list[str], patterns: Patterns, limit: int = 60) -> dict[str, str]:
    """Label → value pairs of the page header (first non-empty value per kind).

    Takes `label: value` pairs, several per line, bullet lists where a label line is followed
    by its value line, and a law database's labels in brackets (`【发文字号】…`, `•【字号】…`).
    """
    rx, kinds = _label_regex(patterns)
    bracketed, first = _bracket_regex(patterns)
    found: dict[str, str] = {}
    plain = {re.sub(r"\s", "", k): v for k, v in kinds.items()}
    pending = None
    for line in lines[:limit]:
        bare = _BULLET.sub("", line).strip()
        if "【" in bare:
            bare = bracketed.sub(lambda m: f" {first[m.group(1)]}：", bare).strip()
        compact = re.sub(r"\s", "", bare).rstrip(":：")
        if compact in plain:
            pending = plain[compact]
            continue
        if pending and bare:
            found.setdefault(pending, bare)
            pending = None
            continue
        for m in rx.finditer(bare):
            kind = kinds[re.sub(r"\s", "", m.group("label"))]
            value = m.group("value").strip()
            if value:
                found.setdefault(kind, value)
            elif m.end() >= len(bare.rstrip()):
                pending = kind
    return found


def signatures(lines: list[str]) -> list[tuple[int, str, str]]:
    """(line index, organisation, ISO date) of each signature block, in order."""
    out = []
    for i, line in enumerate(lines):
        m = DATE_LINE.match(line)
        if m:
            prev = next((j for j in range(i - 1, max(-1, i - 4), -1) if lines[j].strip()), None)
            org = ORG_LINE.match(lines[prev]) if prev is not None else None
            date = iso_date(m.group("date"))
            if date:
                out.append((i, org.group("org").strip() if org else "", date))
            continue
        for m in SIGNATURE.finditer(line):
            date = iso_date(m.group("date"))
            if date:
                out.append((i, m.group("org").strip(), date))
    return out


def is_plan_title(text: str, patterns: Patterns) -> bool:
    """A short line without sentence punctuation that ends with a plan word."""
    t = text.strip()
    if not 4 <= len(t) <= 60 or re.search(r"[。，,；;：:！？]", t):
        return False
    return t.endswith(patterns.plan_title_words) and (
        any(w in t for w in patterns.disclosure_words) or YEAR.search(t) is not None
    )


_QUALIFIER = re.compile(r"\s*[（(〔](?:试行|暂行|修订|修订稿|修正|草案|征求意见稿|送审稿)[）)〕]$")


def other_genre(title: str | None, patterns: Patterns) -> str | None:
    """The word ending `title` that names a kind of document other than a work plan (规则 of
    太湖县人民政府工作规则), or None; one that may be a year's plan is when the title names a year."""
    t = _QUALIFIER.sub("", (title or "").strip())
    word = next((w for w in patterns.other_genres if t.endswith(w)), None)
    return None if word in patterns.dated_plan_genres and YEAR.search(t) else word


_YEAR_END = re.compile(rf"(?:(?:19|20)\d{{2}}|{CN_YEAR})\s*年度?$")
_UNCLOSED = re.compile(r"[《〈][^》〉]*$")
#: Years a plan's title gives as a range: 2021—2025年, 2021-2025年, 2021至2025年.
YEAR_RANGE = re.compile(r"((?:19|20)\d{2})\s*年?\s*(?:[—–\-－~～至到])\s*((?:19|20)\d{2})\s*年")
_NUMBERED = re.compile(r"^\s*(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d+[.．、])")
_OPENER = re.compile(r"(?=为了?|根据|按照|依据|结合|现将|各[\u4e00-\u9fff]{0,8}[:：]|\d{4}年|一、)")


def title_candidates(lines: list[str], patterns: Patterns) -> list[tuple[int, str]]:
    """(line index, title) of lines — or a line's first phrase, or two joined lines — that read as plan titles."""
    out = []
    for i, line in enumerate(lines):
        whole = re.sub(r"(?<=[\u4e00-\u9fff])\s+|(?<!\s)\s+(?=[\u4e00-\u9fff])", "", line.strip())
        t = whole.strip("《》")
        if _NUMBERED.match(t):
            continue
        glued = re.match(r"^([^，,。；;：:\s]{4,60}?(?:" + "|".join(patterns.plan_title_words) + r"))" + _OPENER.pattern, t)
        if is_plan_title(t, patterns):
            out.append((i, t))
            continue
        head = re.split(r"\s+", line.strip(), maxsplit=1)[0].strip("《》") if t else ""
        if head != line.strip() and is_plan_title(head, patterns):
            out.append((i, head))
            continue
        if glued and is_plan_title(glued.group(1), patterns):
            out.append((i, glued.group(1)))
            continue
        if i + 1 < len(lines) and t and not re.search(r"[。，,；;：:]", t):
            joined = (whole + lines[i + 1].strip()).strip("《》")  # a 》 closing the first line stays
            # the next line alone may read as a title too when the break falls after the year
            # ('丽水市2021年' / '政务公开工作要点') or inside a title it cites ('舟山市贯彻《浙江省政务公开'
            # / '五年行动计划(2021—2025年)》实施方案'): the whole title is the two lines
            if len(t) >= 4 and is_plan_title(joined, patterns) and (
                    not is_plan_title(lines[i + 1], patterns) or _YEAR_END.search(t) or _UNCLOSED.search(t)):
                out.append((i + 1, joined))
    return out


def _unwrap(line: str) -> str:
    """'京政办发〔2016〕26号《X关于印发〈Y〉的通知》' → 'X关于印发〈Y〉的通知' (on a line of its own)."""
    line = re.sub(r"^\s*[\u4e00-\u9fff]{1,10}[〔\[【(（［]\d{4}[〕\]】)）］]\d+号\s*[:：]?\s*", " ", line)
    m = re.fullmatch(r"\s*《([^《》]+)》\s*", line)
    return " " + m.group(1) if m else line


def plan_titles(what: str) -> list[str]:
    """The plans a notice issues: 'A》和《B' → [A, B]."""
    parts = re.split(r"[》〉>]?\s*(?:和|及|、)\s*[《〈<]", what)
    return [re.sub(r"^[《〈<]|[》〉>]$", "", p).strip() for p in parts if p.strip()]


def _unquoted(title: str) -> str:
    """A title without the 《》 around it (《政府工作报告》任务分解表 has none around it)."""
    return title[1:-1] if re.fullmatch(r"[《〈<][^《〈<》〉>]*[》〉>]", title) else title


def notice(lines: list[str], labels: dict[str, str]) -> tuple[int | None, str | None, str | None, str | None]:
    """The covering notice: (line index, its title, issuer named before 关于, the plan it issues)."""
    sources = [(None, labels.get("title", ""))] + list(enumerate(lines[:80]))
    for i, line in sources:
        line = _unwrap(line)
        m = NOTICE.search(line)
        if not m and i is not None and "关于" in line and "。" not in line:  # a title set on two lines,
            rest = next((n for n in lines[i + 1: i + 3] if n.strip()), "")  # a blank line between them
            m = NOTICE.search(line.rstrip() + rest.strip())
        m = m or NOTICE_ISSUED.match(line.strip())
        if m and len(m.group(0)) <= 120:
            what = _unquoted(m.group("what").strip())
            issuer = _PARTY_OFFICE.sub("", (m.group("issuer") or "").strip())  # the government's office of two
            if issuer and not issuer.endswith(ORG_SUFFIX):
                issuer = ""
            title = m.group(0)[: m.start("number") - 1] if m.re is NOTICE_ISSUED and m.group("number") else m.group(0)
            return i, title.strip(), issuer or None, what
    return None, None, None, None


def cited_year(citations: list[dict]) -> tuple[int | None, str | None]:
    """Plan year inferred from the documents a plan implements, with the evidence.

    A cited '…YYYY年…政务公开工作要点' names the year directly; otherwise the latest
    year among cited document numbers is taken (plans implement the current year's
    upstream documents).
    """
    for c in citations:
        title = c.get("title") or ""
        m = YEAR.search(title)
        if m and ("政务公开" in title or "信息公开" in title) and ("要点" in title or "任务" in title):
            return number(m.group(1)), f"cites {title}" + (f" ({c['doc_number']})" if c.get("doc_number") else "")
    years = Counter(c["year"] for c in citations if c.get("year"))
    if years:
        year = max(years)
        numbers = [c["doc_number"] for c in citations if c.get("year") == year and c.get("doc_number")]
        return year, "latest year of cited documents: " + "、".join(numbers[:3])
    return None, None


def extract_metadata(lines: list[str], patterns: Patterns) -> Metadata:
    """Everything but region and plan year (which need the citations and the region table)."""
    meta = Metadata(labels=header_labels(lines, patterns))
    notice_line, meta.notice_title, notice_issuer, issued = notice(lines, meta.labels)
    candidates = title_candidates(lines, patterns)
    issued_plans = plan_titles(issued) if issued else []
    if len(issued_plans) > 1:
        meta.plans = issued_plans
        issued = next((t for t in issued_plans if any(w in t for w in patterns.disclosure_words[:2])), issued_plans[0])
    meta.title_candidates = [t for _, t in candidates]
    dated = sorted((t for _, t in candidates if YEAR.search(t)), key=lambda t: _HEADLINE.search(t) is not None)
    if issued and is_plan_title(issued, patterns):
        meta.title = issued
    elif candidates:
        meta.title = (dated or [candidates[0][1]])[0]
    elif issued:
        meta.title = issued
    elif meta.labels.get("title"):
        meta.title = meta.labels["title"]
    else:
        meta.title = next((m.group(0) for line in lines[:40] for m in [_ANY_NOTICE.fullmatch(line.strip())] if m), None)
    if meta.title:
        meta.title = re.sub(r"(?<=[^\x00-\x7f])\s+|(?<!\s)\s+(?=[^\x00-\x7f])", "", meta.title).strip()
    meta.signatures = signatures(lines)
    signed_orgs = [org for _, org, _ in meta.signatures if org]
    label_issuer = meta.labels.get("issuer")
    if label_issuer and not label_issuer.endswith(ORG_SUFFIX):
        label_issuer = None
    meta.issuer = (signed_orgs[0] if signed_orgs else None) or label_issuer or notice_issuer
    if meta.issuer:
        meta.issuer = re.sub(r"\s", "", meta.issuer)
    signed_label = meta.labels.get("signed", "")
    # a signing-date label that carries a clock time (2020-10-21 09:55:57) is the page's posting stamp
    stamped = re.search(r"\d{1,2}:\d{2}", signed_label) is not None
    signed = None if stamped else iso_date(signed_label)
    meta.published = signed or (meta.signatures[0][2] if meta.signatures else None) or iso_date(
        meta.labels.get("published")) or (iso_date(signed_label) if stamped else None)
    if meta.published is None:
        meta.published = next((d for d in map(iso_date, lines[:15]) if d), None)
    meta.doc_number = _doc_number(lines, meta.labels, patterns, notice_line)
    return meta


def _doc_number(lines: list[str], labels: dict[str, str], patterns: Patterns, notice_line: int | None) -> str | None:
    """The plan's own 文号: a labelled value, or a number standing alone near the top."""
    issued = NOTICE_ISSUED.match(lines[notice_line].strip()) if notice_line is not None else None
    value = labels.get("doc_number", "") or (issued and issued.group("number")) or ""
    m = patterns.doc_number.search(value)
    if m:
        return normalize_doc_number(m.group(0))
    after = [line for line in lines[(notice_line or 0):60] if line.strip()][:8]  # the notice's next lines
    for line in lines[:notice_line or 0] + after:
        for m in patterns.doc_number.finditer(line):
            before, after = line[: m.start()], line[m.end():]
            alone_left = not before.strip() or before[-1].isspace()
            alone_right = not after.strip() or after[0].isspace()
            if alone_left and alone_right:
                return normalize_doc_number(m.group(0))
    return None


#: The organisation a plan's title names before its year or subject (池州市信访局2024年…,
#: 2023年江门市财政局政务公开…).
_TITLE_ORG = re.compile(rf"^(?:(?:(?:19|20)\d{{2}}|{CN_YEAR})\s*年度?)?(?P<org>[\u4e00-\u9fff（）()]{{2,40}}?)\s*"
                        rf"(?=(?:19|20)\d{{2}}|{CN_YEAR}|关于|政务公开|政府信息公开|信息公开)")


def department(title: str | None, issuer: str | None, places: tuple, patterns: Patterns) -> str | None:
    """The department whose own plan this is, named after its place (信访局 in
    池州市信访局2024年政务公开工作要点), or None for a government's plan.

    A department the title names before its year or subject decides; a title naming none leaves
    it to the issuer, unless it names one of `places` (the plan's region, city, province:
    宁远县2022年… is the county's, whichever office issued it) or the whole area (全市…, but not
    全市教育系统…, a department's plan for its sector)."""
    title = re.sub(r"\s", "", title or "")
    m = _TITLE_ORG.match(title)
    if m and (name := _department_name(m.group("org"), places, patterns)):
        return name
    if not issuer or patterns.whole_area.search(title) or any(place and place in title for place in places):
        return None
    return _department_name(issuer, places, patterns)


def _department_name(org: str, places: tuple, patterns: Patterns) -> str | None:
    """`org` after the places it starts with, if it is a department (see `department`)."""
    names = sorted({n for p in places if p for n in (p, p[:-1] if len(p) > 2 and p[-1] in "省市县区" else p)},
                   key=len, reverse=True)
    name = re.sub(r"\s", "", org)
    while place := next((p for p in names if name.startswith(p) and len(name) > len(p)), None):
        name = name[len(place):]
    if len(name) < 2 or not name.endswith(patterns.department_endings):
        return None
    return None if any(w in name for w in patterns.government_words) else name


_YEAR_IN_NUMBER = re.compile(r"〔((?:19|20)\d{2})〕")


def doc_number_year(number: str | None) -> int | None:
    """The year a 文号 carries (国办发〔2019〕14号 → 2019), None without one."""
    m = _YEAR_IN_NUMBER.search(number or "")
    return int(m.group(1)) if m else None


def title_years(*texts: str | None) -> tuple[int, int] | None:
    """First range of years ('2021—2025年') in the given titles."""
    for t in texts:
        m = YEAR_RANGE.search(t or "")
        if m and int(m.group(1)) < int(m.group(2)):
            return int(m.group(1)), int(m.group(2))
    return None


def title_year(*texts: str | None) -> int | None:
    """First 'YYYY年' (or '二〇二一年') in the given titles."""
    for t in texts:
        m = YEAR.search(t or "")
        if m:
            return number(m.group(1))
    return None


__all__ = ["DATE", "Metadata", "extract_metadata", "cited_year", "department", "doc_number_year", "title_year", "title_years", "normalize_doc_number",
           "is_plan_title", "other_genre", "SALUTATION"]
