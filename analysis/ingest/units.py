"""Responsibility markers → lead units, cooperating units and deadline.

Markers are found in parentheses — （责任单位：…）, （X牵头，Y配合）, （…牵头落实）,
（责任时限：…，牵头单位：…，责任单位：…） —, as a sentence of their own ('责任单位：…。'),
or as a line of their own below the text they close ('市发改委牵头落实', a flattened units
column). Brackets nest: 各县(市、区)政府 stays one unit.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .patterns import Patterns

OPEN, CLOSE = "(（〔[【", ")）〕]】"
#: Endings of organisation names (used to split lists and to recognise a marker).
ORG_END = ("政府", "局", "委", "办", "厅", "中心", "部门", "单位", "办公室", "部", "院", "所", "公司", "集团", "行",
           "队", "站", "会", "处", "科", "股", "室", "馆", "校", "高校", "街道", "办事处", "管委会", "机构", "组",
           "社", "台", "区", "县", "市", "省", "镇", "乡", "企业", "团", "关")
_LEVEL_PREFIX = ("市", "区", "县", "省", "各", "有关", "乡", "镇", "街道", "国家", "自治", "州", "旗", "全")
#: Endings of an office's name, for a list of units with neither label nor verb (not 台, 站, 所: 平台,
#: 网站, 场所 end so too).
_OFFICE_END = ("政府", "局", "委", "办", "厅", "中心", "部门", "单位", "办公室", "部", "院", "公司", "集团",
               "办事处", "管委会", "机构", "处", "科", "股", "室", "组")
_SENTENCE_END = "。；;！？!?"
_UNIT_LINE = re.compile(r"(?m)^[ \t]*(?:" + "|".join(_LEVEL_PREFIX) + r")[^\n]*")  # a line that may be units alone
_SEP = "、，,；;/／"
_OPENER = re.compile(r"[(（\[【〔]")  # [责任单位:…], 【责任单位：…】 and 〔责任单位：…〕 occur too
_SPACES = re.compile(r"\s+")
_BY = re.compile(r"^(?:由|请|会同)")
_NO_UNIT = {"部门", "单位", "部门单位", "单位部门"}  # what 县财政局等部门 leaves after 等: no unit of its own
#: A unit marked as the one that leads among those listed: 县财政局（牵头）、县审计局.
LEAD_TAG = re.compile(r"[（(〔\[【]\s*牵头\s*[）)〕\]】]$")
#: The longest line read as a marker of its own ('市发改委牵头落实' and lists of units).
_LINE_MAX = 120


@dataclass
class Marker:
    """A responsibility marker found in a task's text."""

    start: int
    end: int
    lead: list[str] = field(default_factory=list)
    cooperating: list[str] = field(default_factory=list)
    deadline: str | None = None
    #: Several units listed under a responsibility label with no lead named: where the plan says
    #: the first listed leads (`Patterns.first_leads`), `first_leads()` splits them.
    shared: bool = False
    #: A line of its own (unbracketed, unlabelled): tidying joins it to the text it closes.
    line: bool = False

    def first_leads(self) -> tuple[list[str], list[str]]:
        """(lead, cooperating) when the first unit listed leads."""
        if not self.shared:
            return self.lead, self.cooperating
        return self.lead[:1], self.lead[1:] + self.cooperating


def lead_tagged(units: list[str]) -> tuple[list[str], list[str]] | None:
    """(lead, the others) of units one of which is marked as leading (县财政局（牵头）), else None."""
    tagged = [u for u in units if LEAD_TAG.search(u)]
    if not tagged:
        return None
    return [LEAD_TAG.sub("", u) for u in tagged], [u for u in units if u not in tagged]


def _closing(text: str, i: int) -> int | None:
    """Index of the bracket closing the one at i (any bracket kind nests), or None."""
    depth = 0
    for j in range(i, min(len(text), i + 400)):
        c = text[j]
        if c in OPEN:
            depth += 1
        elif c in CLOSE:
            depth -= 1
            if depth == 0:
                return j
    return None


def split_top(text: str, seps: str = _SEP) -> list[str]:
    """Split on separators outside brackets."""
    parts, depth, buf = [], 0, []
    for c in text:
        if c in OPEN:
            depth += 1
        elif c in CLOSE:
            depth = max(0, depth - 1)
        if c in seps and depth == 0:
            parts.append("".join(buf))
            buf = []
        else:
            buf.append(c)
    parts.append("".join(buf))
    return [p.strip() for p in parts if p.strip()]


_BARE_LEVEL = re.compile(r"各?[省州市县区乡镇旗盟]")
_LEVELS_LISTED = re.compile(r"(?<=[省州市县区乡镇旗盟])、(?=[省州市县区乡镇旗盟])")


def _share_suffix(parts: list[str]) -> list[str]:
    """Levels listed before the name they share, 各州、市人民政府 or 各州、市、县、区人民政府: one unit."""
    out: list[str] = []
    for part in parts:
        if out and _BARE_LEVEL.fullmatch(out[-1].rsplit("、", 1)[-1]):
            out[-1] += "、" + part
        else:
            out.append(part)
    return out


def _closes(text: str, i: int, j: int) -> bool:
    """Whether the bracket from i to j closes the text, after a sentence ('…专栏。（市政府办公室）') or
    before its full stop ('…专栏（市政府办公室）。')."""
    after = text[j + 1:].strip()
    return after == "。" or (after == "" and _after_sentence(text, i))


def _after_sentence(text: str, i: int) -> bool:
    """Whether the last character before i that is not a space ends a sentence."""
    k = i - 1
    while k >= 0 and text[k].isspace():
        k -= 1
    return k >= 0 and text[k] in _SENTENCE_END


def _overlaps(start: int, end: int, markers: list[Marker]) -> bool:
    """Whether text from start to end overlaps any of `markers`."""
    return any(m.start < end and start < m.end for m in markers)


def _strip_brackets(text: str) -> str:
    out, depth = [], 0
    for c in text:
        if c in OPEN:
            depth += 1
        elif c in CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0:
            out.append(c)
    return "".join(out)


def _balanced(unit: str) -> str:
    """A unit without closing brackets it never opened (a marker sentence that ran into the
    bracket around it: '责任单位：市财政局）')."""
    while unit and unit[-1] in CLOSE and sum(c in OPEN for c in unit) < sum(c in CLOSE for c in unit):
        unit = unit[:-1]
    return unit


def looks_like_unit(text: str) -> bool:
    """An organisation name: 市财政局, 各县(市、区)政府, 各州、市人民政府, 市委宣传部〔新闻办〕, 有关部门."""
    bare = _LEVELS_LISTED.sub("", _strip_brackets(text).strip())  # 各州、市人民政府
    return 2 <= len(bare) <= 30 and bool(re.fullmatch(r"[\u4e00-\u9fffA-Za-z0-9]+", bare)) and (
        bare.endswith(ORG_END) or bare.startswith(("各", "有关")))


class UnitParser:
    """Parse marker contents with the label and verb lists of the pattern file."""

    def __init__(self, patterns: Patterns):
        self.p = patterns
        labels = (patterns.deadline_labels + patterns.lead_labels + patterns.cooperating_labels
                  + patterns.responsible_labels + patterns.ignored_labels)
        self.label_rx = re.compile(r"(" + "|".join(map(re.escape, sorted(set(labels), key=len, reverse=True)))
                                   + r")\s*[:：]")
        verbs = "|".join(map(re.escape, patterns.verbs))
        self.verb_tail = re.compile(rf"(?:按职责分工|按照职责分工|按职责|根据职责|分别|共同|具体)*(?:{verbs})+$")
        self.verb_line_end = re.compile(rf"(?:{verbs})[ \t。]*$", re.M)
        # '责任单位：…。' or a line '责任单位：…', continued by lines that start with a label
        # ('\n完成时限：6月底前' below '牵头单位：…').
        next_label = r"\n(?=[ \t]*" + self.label_rx.pattern + ")"
        self.sentence_rx = re.compile(
            r"(?:^|(?<=[。；;！\s]))(?:" + "|".join(map(re.escape, patterns.responsible_labels + patterns.lead_labels))
            + rf")\s*[:：](?:[^。\n]|{next_label}){{1,300}}?(?:。|$|\n(?![ \t]*{self.label_rx.pattern}))")

    # --- units -------------------------------------------------------------------------------------
    def units(self, text: str) -> list[str]:
        """'各县区政府和市发改委、市质监局等有关部门按职责分工分别牵头落实' → [各县区政府, 市发改委, 市质监局, 有关部门]."""
        out: list[str] = []
        for part in _share_suffix(split_top(self.verb_tail.sub("", text.strip(" 。.：:")))):
            part = self.verb_tail.sub("", part).strip()
            for piece in self._split_joined(part):
                piece = _balanced(_BY.sub("", piece).strip())
                if piece and piece not in out and piece not in _NO_UNIT:
                    out.append(piece)
        return out

    def _split_joined(self, part: str) -> list[str]:
        """Split on 和/及/与/等 where the left side is a complete organisation name."""
        pieces = [part]
        for joiner in ("和", "及", "与", "以及", "等"):
            nxt = []
            for piece in pieces:
                while True:
                    cut = piece.find(joiner)
                    while cut >= 0:
                        left = _strip_brackets(piece[:cut])
                        if left.endswith(ORG_END) and len(left) >= 2:
                            break
                        cut = piece.find(joiner, cut + len(joiner))
                    if cut < 0:
                        nxt.append(piece)
                        break
                    nxt.append(piece[:cut])
                    piece = piece[cut + len(joiner):]
                    if not piece:
                        break
            pieces = [p for p in nxt if p]
        return pieces

    # --- markers -----------------------------------------------------------------------------------
    def parse_fields(self, inner: str) -> Marker | None:
        """Lead, cooperating and deadline of one marker's contents; None if it is not a marker."""
        inner, noted = self.p.first_leads.subn("", self.p.remarks.sub("", _SPACES.sub("", inner)))
        labelled = list(self.label_rx.finditer(inner))
        if labelled and labelled[0].start() <= 2:
            m = self._labelled(inner, labelled)
            if m is not None and noted:
                m.lead, m.cooperating = m.first_leads()
                m.shared = False
            return m
        return self._unlabelled(inner)

    def _labelled(self, inner: str, labelled: list[re.Match]) -> Marker | None:
        m = Marker(0, 0)
        responsible: list[str] = []
        has_lead = False
        for k, lab in enumerate(labelled):
            value = inner[lab.end(): labelled[k + 1].start() if k + 1 < len(labelled) else len(inner)]
            value = value.strip("，,；;。 ")
            if not value:
                continue
            label = lab.group(1)
            if label in self.p.ignored_labels:
                continue
            if label in self.p.deadline_labels:
                m.deadline = value
                continue
            if self.p.deadline.search(value) or self.p.deadline_clause.search(value):
                clauses = split_top(value, "，,；;")  # （责任单位：X、Y，6月底前）: a deadline after the units
                dates = [c for c in clauses if self._is_deadline(c)]
                m.deadline = m.deadline or next(iter(dates), None)
                value = "，".join(c for c in clauses if c not in dates)
            units = self.units(value)
            if label not in self.p.cooperating_labels and (tagged := lead_tagged(units)):
                has_lead = True  # 县财政局（牵头）、县审计局: the one marked leads, the others cooperate
                m.lead += tagged[0]
                responsible += tagged[1]
            elif label in self.p.lead_labels:
                has_lead = True
                m.lead += units
            elif label in self.p.cooperating_labels:
                m.cooperating += units
            else:
                responsible += units
        if has_lead:
            m.cooperating = responsible + m.cooperating
        else:
            m.lead = responsible + m.lead
            m.shared = len(m.lead) > 1
        return m if (m.lead or m.cooperating or m.deadline) else None

    def _unlabelled(self, inner: str) -> Marker | None:
        if len(inner) > 200 or not self.verb_tail.search(_strip_brackets(inner)):
            clauses = split_top(inner, "，,；;")
            if not any(self.verb_tail.search(c) for c in clauses):
                return None
        m = Marker(0, 0)
        clauses = [part for clause in split_top(inner, "，,；;") for part in self._verb_clauses(clause)]
        # '（X牵头，Y按职责分工负责）': once a lead is named, the others cooperate (as with labelled markers)
        named_lead = len(clauses) > 1 and any(re.search(r"牵头(?:落实|负责)?$", c) for c in clauses)
        for clause in clauses:
            if self._is_deadline(clause):
                m.deadline = clause
                continue
            coop = re.search(r"(?:配合|协助|参与|协同|协办)$", clause) or (
                named_lead and not re.search(r"牵头(?:落实|负责)?$", clause))
            if "会同" in clause:
                left, right = clause.split("会同", 1)
                m.lead += self.units(left)
                m.cooperating += self.units(right)
                continue
            units = self.units(clause)
            if not units or not all(looks_like_unit(u) for u in units):
                return None
            (m.cooperating if coop else m.lead).extend(units)
        return m if (m.lead or m.cooperating) else None

    def _is_deadline(self, clause: str) -> bool:
        """'6月底前', '2020年12月底前完成', '持续推进': a clause that is a deadline."""
        return bool(self.p.deadline.fullmatch(clause.removesuffix("完成")) or self.p.deadline_clause.fullmatch(clause))

    def _verb_clauses(self, clause: str) -> list[str]:
        """'X牵头、Y落实' → [X牵头, Y落实]: a clause whose 、-parts each end with their own verb;
        'X、Y按职责分工负责' stays one (its units share the verb)."""
        parts = split_top(clause, "、")
        return parts if len(parts) > 1 and all(self.verb_tail.search(p) for p in parts) else [clause]

    def find(self, text: str) -> list[Marker]:
        """Every responsibility marker in a task's text, in order."""
        found = []
        opener = _OPENER.search(text)
        while opener:
            i = opener.start()
            j = _closing(text, i)
            if j is not None:
                m = self.parse_fields(text[i + 1: j])
                if m is None and _closes(text, i, j):
                    m = self.bare_marker(text[i + 1: j])
                if m is not None:
                    m.start, m.end = i, j + 1
                    found.append(m)
                    opener = _OPENER.search(text, j + 1)
                    continue
            opener = _OPENER.search(text, i + 1)
        for s in self.sentence_rx.finditer(text):
            if any(f.start <= s.start() < f.end for f in found):
                continue
            m = self.parse_fields(s.group(0).strip().rstrip("。"))
            if m is not None:
                m.start, m.end = s.start(), s.end()
                found.append(m)
        found += self._line_markers(text, found)
        return sorted(found, key=lambda f: f.start)

    def bare_marker(self, text: str) -> Marker | None:
        """A list of offices and nothing else ('市政府办公室、市大数据中心'), each named from its level
        (市…, 县…, 各…, 有关…), and perhaps a deadline after them ('县财政局，2024年6月底前'): the units
        of the text it closes, all of them responsible, as under 责任单位：. Read only where it closes
        some text (`_closes`, or a line below a sentence)."""
        units = [_balanced(u) for u in split_top(_SPACES.sub("", text).strip("。"), "、，,；;")]
        deadline = units.pop() if len(units) > 1 and self._is_deadline(units[-1]) else None  # （县财政局，长期坚持）
        if not units or not all(looks_like_unit(u) and u.startswith(_LEVEL_PREFIX) and (
                _strip_brackets(u).endswith(_OFFICE_END) or u.startswith(("各", "有关"))) for u in units):
            return None
        if tagged := lead_tagged(units):  # 县财政局（牵头）、县审计局
            return Marker(0, 0, lead=tagged[0], cooperating=tagged[1], deadline=deadline)
        return Marker(0, 0, lead=units, deadline=deadline, shared=len(units) > 1)

    def _line_markers(self, text: str, found: list[Marker]) -> list[Marker]:
        """Markers that are a line of their own below some text (none in tidied, one-line text): a
        line of units and their verb, or of units alone below a finished sentence."""
        out: list[Marker] = []
        if "\n" not in text:
            return out
        for line in _UNIT_LINE.finditer(text):
            start, end = line.start(), line.end()
            if start and _after_sentence(text, start) and end - start <= _LINE_MAX and not _overlaps(start, end, found):
                m = self.bare_marker(line.group(0).strip())
                if m is not None:
                    m.start, m.end, m.line = start, end, True
                    out.append(m)
        for hit in self.verb_line_end.finditer(text):  # lines that end with a verb, found in C
            start = text.rfind("\n", 0, hit.start()) + 1
            end = hit.end()
            phrase = text[start: end].strip().rstrip(" \t。")
            if start and 2 <= len(phrase) <= _LINE_MAX and text[:start].strip() and not _overlaps(start, end, found):
                m = self.line_marker(phrase)
                if m is not None and not _overlaps(start, end, out):
                    m.start, m.end = start, end
                    out.append(m)
        return out

    def line_marker(self, line: str) -> Marker | None:
        """A line that is only units and their verbs ('市金融办、人民银行潍坊市中心支行分别牵头落实',
        'X牵头，Y配合'), each unit with an organisation's ending: a sentence that ends in a verb
        ('各地各部门要认真组织实施') is not one."""
        line = _SPACES.sub("", line).rstrip("。")
        if not line.endswith(self.p.verbs):
            return None
        m = self._unlabelled(line)
        if m is None or not all(_strip_brackets(u).endswith(ORG_END) for u in m.lead + m.cooperating):
            return None
        m.line = True
        return m

    def deadlines_in(self, text: str) -> str | None:
        """Deadline phrases in a task's own text, joined with '；'."""
        seen = []
        for m in self.p.deadline.finditer(text):
            if m.group(0) not in seen:
                seen.append(m.group(0))
        return "；".join(seen) or None
