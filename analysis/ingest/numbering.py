"""Numbering markers of a plan (一、 （一） 1. （1） ①) and the outline tree they form.

Markers are accepted in document order when they continue the numbering: the next
sibling, the first child of a new level, or the next number of a sequence that runs
on across sections. Where a marker stands decides how much evidence it needs: at a
line start a small skip is tolerated (with a warning); after a space or sentence end
only the expected number is taken; run into the text (flattened tables) only
distinctive markers that continue a sequence.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {c: 0 for c in "〇○Oo0"}  # zeros as typed (二O一一)
_CN_NUM = r"[一二三四五六七八九十]{1,3}"
_YEAR_NEXT = r"|(?=(?:19|20)\d{2}\s*年)"  # a marker before a year: no decimal, no list of numbers
MARKER = re.compile(
    rf"(?P<part>第(?P<part_n>{_CN_NUM})部分)"
    rf"|(?P<pcn>[(（]\s?(?P<pcn_n>{_CN_NUM})\s?[)）][、.．]?)"  # （一）、 also: the 、 is the marker's
    r"|(?P<pnum>[(（]\s?(?P<pnum_n>\d{1,2})\s?[)）][、.．]?)"
    rf"|(?P<cn>(?<![第\u4e00-\u9fff])(?P<cn_n>{_CN_NUM})\s?[、.．](?:(?![\d、]){_YEAR_NEXT}))"  # 二、2021年工作计划
    rf"|(?P<cn2>(?<=[\u4e00-\u9fff])(?P<cn2_n>{_CN_NUM})、(?:(?![\d、]){_YEAR_NEXT}))"
    rf"|(?P<num>(?<![\d.．A-Za-z])(?P<num_n>\d{{1,2}})\s?[.．、](?:(?![\d.．、%]){_YEAR_NEXT}))"  # 1.2020年底前…
    r"|(?P<circ>[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳])"
    r"|(?P<row>(?:(?<![^\n])|(?<=\t))(?P<row_n>\d{1,2})(?=\t))"  # a table row's 序号 cell: '3\t工作任务…', also
    # after the numbered headings' cells of its first row: '一、…\t（一）…\t1\t要求…'
    rf"|(?P<cnrow>(?<![^\n])(?P<cnrow_n>{_CN_NUM})(?=\t))"  # a section's row, 一 in the 序号 column: '二\t强化解读'
)
RANK = {"part": 0, "cn": 1, "pcn": 2, "num": 3, "pnum": 4, "circ": 5}
_SENTENCE_END = set("。；;！!？?：:）)”」』")
_NO_NUM_BEFORE = ("附件", "第", "表", "图", "附表", "图表", "步骤", "阶段", "版")


def chinese_to_int(s: str) -> int:
    """一 → 1, 十二 → 12, 二十一 → 21, 二〇二一 (or 二○二一, 二O二一) → 2021."""
    if "十" not in s:
        return int("".join(str(_DIGITS[c]) for c in s))
    tens, _, ones = s.partition("十")
    return (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[ones] if ones else 0)


@dataclass
class Marker:
    start: int
    end: int
    kind: str
    number: int
    label: str
    boundary: str  # line | space | punct | none


@dataclass
class Node:
    marker: Marker
    path: tuple[str, ...]
    parent: Node | None = None
    children: list[Node] = field(default_factory=list)
    content_end: int = 0

    @property
    def is_leaf(self) -> bool:
        return not self.children


def _label(kind: str, raw: str, number: int) -> str:
    if kind == "pcn":
        return f"({raw})"
    if kind == "pnum":
        return f"({number})"
    if kind == "part":  # 第一部分, as written: a bare 一 would be the path of the 一、 under it too
        return f"第{raw}部分"
    return raw if kind in ("cn", "circ") else str(number)


def candidates(text: str) -> list[Marker]:
    """Every place that looks like a numbering marker, with its boundary strength. A table row's
    序号 cell after cells that carry no marker (工作任务 | 序号 | 要求 …) starts its row: the marker
    runs from the start of its line, so those cells are the row's, not the end of the row above.
    The numbers in the cells after a 序号 (a requirement cell listing 1.… 2.…) are the row's text."""
    out, rows = [], []  # rows: the indices in `out` of 序号 cells after a tab
    cells = (0, 0)  # where the cells after the last 序号 run: to the end of its line
    for m in MARKER.finditer(text):
        if cells[0] <= m.start() < cells[1]:
            continue
        kind = next(k for k in ("part", "pcn", "pnum", "cn", "cn2", "num", "circ", "row", "cnrow") if m.group(k))
        after_tab = kind == "row" and m.start() > 0 and text[m.start() - 1] == "\t"
        if kind == "row":
            line_end = text.find("\n", m.end())
            cells = (m.end(), len(text) if line_end < 0 else line_end)
        raw = m.group(f"{kind}_n") if kind != "circ" else m.group(kind)
        if kind == "circ":
            number = ord(raw) - ord("①") + 1
        elif kind in ("num", "pnum", "row"):
            number = int(raw)
        else:
            number = chinese_to_int(raw)
        kind = {"cn2": "cn", "row": "num", "cnrow": "cn"}.get(kind, kind)
        prev = text[m.start() - 1] if m.start() > 0 else "\n"
        if prev == "\n":
            boundary = "line"
        elif prev in " \t":
            boundary = "space"
        elif prev in _SENTENCE_END:
            boundary = "punct"
        else:
            boundary = "none"
        if kind == "num" and text[max(0, m.start() - 3): m.start()].endswith(_NO_NUM_BEFORE):
            continue
        if after_tab:
            rows.append(len(out))
        out.append(Marker(m.start(), m.end(), kind, number, _label(kind, raw, number), boundary))
    for i in rows:
        line = text.rfind("\n", 0, out[i].start) + 1
        if not (i and out[i - 1].start >= line):  # no marker in the cells before it
            out[i] = replace(out[i], start=line, boundary="line")
    return out


def _continues(cands: list[Marker], k: int, window: int = 4000) -> bool:
    """True when a later candidate of the same kind carries the next number (the sequence goes on)."""
    c = cands[k]
    return any(d.kind == c.kind and d.number == c.number + 1 for d in cands[k + 1:]
               if d.start - c.start <= window)


def select(cands: list[Marker], warnings: list[str], text: str = "") -> list[Marker]:
    """Keep the candidates that continue the numbering (see module docstring)."""
    stack: list[Marker] = []
    last: dict[str, int] = {}
    kept: list[Marker] = []
    for k, c in enumerate(cands):
        if kept and c.start < kept[-1].end:
            continue
        depth = next((i for i, s in enumerate(stack) if RANK[s.kind] >= RANK[c.kind]), len(stack))
        sibling = stack[depth] if depth < len(stack) and stack[depth].kind == c.kind else None
        expected = {sibling.number + 1} if sibling else {1} | ({last[c.kind] + 1} if c.kind in last else set())
        ok = c.number in expected
        if c.boundary == "none":
            if c.kind == "cn":
                # a section heading run into the previous table cell: only the next section number
                ok = ok and sibling is not None and c.number >= 2 and not re.match(r"[一二三四五六七八九十\d级类等批]",
                                                                                 text[c.end: c.end + 1])
            elif not sibling:
                ok = ok and (c.number == 1 or c.number == last.get(c.kind, -9) + 1)
        skip = max(expected) < c.number <= max(expected) + 3
        if not ok and skip and not (c.kind == "cn" and c.boundary == "none") and (
                c.boundary == "line" or _continues(cands, k)):
            ok = True
            warnings.append(f"numbering skips to {c.label} (expected {max(expected)})")
        if ok:
            stack = stack[:depth] + [c]
            last[c.kind] = c.number
            kept.append(c)
    return kept


def build_tree(markers: list[Marker], end: int) -> list[Node]:
    """Nest accepted markers into an outline; each node's content runs to the next marker."""
    roots: list[Node] = []
    stack: list[Node] = []
    nodes: list[Node] = []
    for m in markers:
        while stack and RANK[stack[-1].marker.kind] >= RANK[m.kind]:
            stack.pop()
        parent = stack[-1] if stack else None
        node = Node(m, (parent.path if parent else ()) + (m.label,), parent)
        (parent.children if parent else roots).append(node)
        stack.append(node)
        nodes.append(node)
    for node, nxt in zip(nodes, nodes[1:] + [None], strict=False):
        node.content_end = nxt.marker.start if nxt else end
    return roots


def walk(nodes: list[Node]):
    """Depth-first, document order."""
    for n in nodes:
        yield n
        yield from walk(n.children)
