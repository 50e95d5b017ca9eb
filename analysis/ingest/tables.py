"""Task tables: rows of 工作任务 | 工作要求 | 牵头单位 | 责任单位, flattened into text or
tab-separated, and the annex responsibility tables (责任分工表) that restate a plan's tasks."""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..readers.cells import is_number
from .units import looks_like_unit, split_top

_PREFIXES = ("省", "市", "区", "县", "各", "有关", "国家", "中国", "人行", "自治区", "州", "旗")
_SUFFIXES = ("管理委员会", "管委会", "人民政府", "政府", "办公室", "办公厅", "委员会", "中心", "监管局", "分局", "支行",
             "分行", "公司", "办事处", "实验区", "部门", "单位", "机构", "厅", "局", "委", "办", "部", "院", "高校", "集团",
             "市", "区", "县")
#: Endings strong enough to close a name even when text runs straight on after it.
_CLOSING = ("实验区", "管委会", "办事处", "人民政府", "委员会", "管理局")
#: Words that do not occur in organisation names but do in the task text next to them.
_NOT_IN_NAMES = ("清单", "公开", "情况", "信息", "制度", "建设", "推进", "要求", "通过", "做好", "加强", "的", "工作部门")
_STRONG = re.compile(r"(?:管委会|政府|办公室|办公厅|委员会|中心|局|厅|委|办|部门|单位|公司|支行|分行|高校)(?:[（(][^（）()]*[)）])?$")
_SEPS = "，,、；; \t"
_BRACKETED = re.compile(r"[（(][^（）()]{1,20}[)）]")


@dataclass
class UnitRun:
    start: int
    end: int
    units: list[str]
    glued: list[bool]  # each unit follows the one before it with no separator between them


def _next_unit(text: str, i: int, need_prefix: bool) -> str | None:
    """The shortest organisation name at i that ends where a boundary follows.

    A bracketed insert after a suffix that does not end the name stays inside it: 各县（市、区）人民政府.
    """
    if need_prefix and not text.startswith(_PREFIXES, i):
        return None
    tok, bare, pos = "", "", i
    while len(bare) < 15:
        c = text[pos: pos + 1]
        if not c or not "\u4e00" <= c <= "\u9fff":
            return None
        tok, bare, pos = tok + c, bare + c, pos + 1
        if bare.endswith(_NOT_IN_NAMES):  # bare grows by one character: a word in it ends there
            return None
        if len(bare) < 2 or not bare.endswith(_SUFFIXES):
            continue
        name, end = tok, pos
        close = _BRACKETED.match(text, pos)
        if close:
            name, end = tok + close.group(0), close.end()
        nxt = text[end: end + 1]
        if not nxt or nxt in _SEPS or nxt in "省各" or text.startswith("有关", end):
            return name
        if nxt in "市区县" and not bare.endswith(("市", "区", "县")):
            return name
        if not need_prefix and bare.endswith(_CLOSING) and not text.startswith(_SUFFIXES[:6], end):
            return name
        if close:
            tok, pos = name, end
    return None


def unit_run_at(text: str, i: int) -> UnitRun | None:
    """The longest chain of organisation names starting at i (separators allowed between them)."""
    units, glued, pos, after_sep = [], [], i, False
    while pos < len(text):
        tok = _next_unit(text, pos, need_prefix=not after_sep) or (after_sep and _next_unit(text, pos, True))
        if not tok:
            break
        units.append(tok)
        glued.append(bool(units[:-1]) and not after_sep)
        pos += len(tok)
        after_sep = False
        while pos < len(text) and text[pos] in _SEPS:
            pos += 1
            after_sep = True
    while pos > i and text[pos - 1] in _SEPS:
        pos -= 1
    if not units or not (any(_STRONG.search(u) for u in units) or _governments_listed(units, glued)):
        return None
    return UnitRun(i, pos, units, glued)


def _governments_listed(units: list[str], glued: list[bool]) -> bool:
    """Whether a run without an office's name is still a units cell: a list of governments written
    with separators that starts with 各… (各设区市，平潭综合实验区; 各县（市、区）、各乡镇)."""
    return len(units) >= 2 and units[0].startswith("各") and not any(glued)


def find_unit_run(text: str, at_end: bool) -> UnitRun | None:
    """The organisation list in a flattened row: the one closing the row when the units are its last
    cells (`at_end`), else the first run: the units cell follows the task, and a requirement after
    it may list organisations of its own (`…以省发改委、经信委、财政厅为试点单位…`)."""
    runs = []
    for i in range(4, len(text)):
        if text.startswith(_PREFIXES, i) and text[i - 1] not in "省市区县各片":
            run = unit_run_at(text, i)
            if run and run.end - run.start >= 3:
                runs.append(run)
    if not runs:
        return None
    if at_end:
        closing = [r for r in runs if len(text) - r.end <= 2]
        return min(closing, key=lambda r: r.start) if closing else max(runs, key=lambda r: (r.end - r.start, -r.start))
    return runs[0]


def split_lead(units: list[str], glued: list[bool]) -> tuple[list[str], list[str]]:
    """Lead units come first in a run, then the responsible column. Where the first list written
    with separators starts right after two names run together, that is where the cells meet
    (省经信委 | 省发改委、人社厅、…，各设区市); else the responsible column is the list of
    各…/…直各…/有关… units."""
    listed = next((k for k in range(len(units) - 1) if not glued[k + 1]), -1)  # first unit a separator follows
    meets = [k for k in range(1, listed + 1) if glued[k]]
    if meets:
        return units[: meets[-1]], units[meets[-1]:]
    for k, u in enumerate(units):
        if k and (u.startswith(("各", "有关")) or "直各" in u or "直有关" in u or "直相关" in u):
            return units[:k], units[k:]
    return units, []


def split_flat_row(text: str, columns: list[str]) -> dict:
    """Cells of a flattened table row: task, requirement, lead and cooperating units."""
    at_end = "lead" in columns and "requirement" in columns and columns.index("requirement") < columns.index("lead")
    run = find_unit_run(text, at_end)
    if run is None:
        return {"task": text, "requirement": "", "lead": [], "cooperating": []}
    before, after = text[: run.start].strip(), text[run.end:].strip(" ，,、")
    lead, cooperating = split_lead([u.strip() for u in run.units], run.glued)
    if at_end:
        task, _, requirement = before.partition("。")
        return {"task": task + ("。" if requirement or before.endswith("。") else ""),
                "requirement": requirement.strip(), "lead": lead, "cooperating": cooperating}
    return {"task": before, "requirement": after, "lead": lead, "cooperating": cooperating}


def split_cell_row(cells: list[str], columns: list[str]) -> dict:
    """Cells of a tab-separated row mapped to the header's column roles."""
    row = {"task": "", "requirement": "", "lead": [], "cooperating": [], "deadline": None}
    number = next((k for k, c in enumerate(cells) if is_number(c)), None) if len(cells) > len(columns) else None
    if number is not None:  # a 序号 the header has no name for (工作任务 over two columns)
        cells = cells[:number] + cells[number + 1:]
    offset = max(0, len(cells) - len(columns))  # extra cells lead (a category column); missing ones were merged
    for k, role in enumerate(columns):
        value = cells[k + offset].strip() if 0 <= k + offset < len(cells) else ""
        if role == "task":
            row["task"] = value
        elif role == "requirement":
            row["requirement"] = value
        elif role == "lead":
            row["lead"] = [u for u in split_top(value) if u]
        elif role in ("responsible", "cooperating"):
            row["cooperating"] = [u for u in split_top(value) if u]
        elif role == "deadline":
            row["deadline"] = value or None
    if not row["lead"] and row["cooperating"] and "lead" not in columns:
        row["lead"], row["cooperating"] = row["cooperating"], []
    return row


@dataclass
class AnnexRow:
    row: int
    text: str
    units: list[str]
    task_path: str | None = None


def is_unit_line(line: str) -> bool:
    parts = split_top(line.strip(" 。"))
    return bool(parts) and all(looks_like_unit(re.sub(r"等$", "", p)) or re.search(r"等[\u4e00-\u9fff]*(?:单位|部门)$", p)
                               for p in parts)


_HEADER_CELL = re.compile(r"序\s*号|工\s*作\s*任\s*务|工\s*作\s*要\s*求|责\s*任\s*单\s*位|牵\s*头\s*单\s*位|配\s*合\s*单\s*位|"
                          r"完\s*成\s*时\s*限|附\s*件\s*\d*|[\s|｜]+")


def parse_annex(text: str) -> list[AnnexRow]:
    """Rows of an annex responsibility table: text lines closed by a line of units.

    Row numbers on their own line are kept; rows whose number was lost are counted
    by position.
    """
    rows: list[AnnexRow] = []
    buf: list[str] = []
    number: int | None = None
    for raw in text.splitlines():
        line = raw.strip()
        cells = [c.strip() for c in line.split("\t") if c.strip()]
        if not line or all(_HEADER_CELL.fullmatch(c) for c in cells):
            continue
        if re.fullmatch(r"\d{1,3}", line):
            number = int(line)
            continue
        if "\t" in line:
            if cells and re.fullmatch(r"\d{1,3}", cells[0]):
                number = int(cells.pop(0))
            if len(cells) >= 2 and is_unit_line(cells[-1]):
                rows.append(AnnexRow(number or len(rows) + 1, "".join(cells[:-1]), split_top(cells[-1])))
                number = None
            continue
        if buf and is_unit_line(line):
            rows.append(AnnexRow(number or len(rows) + 1, "".join(buf), split_top(line.strip(" 。"))))
            buf, number = [], None
        elif not (not buf and line.endswith(("表", "清单")) and len(line) <= 40):
            buf.append(line)
    return rows


def _bigrams(text: str) -> set[str]:
    t = re.sub(r"[\s，,。、；;：:（）()“”\"]", "", text)
    return {t[i: i + 2] for i in range(len(t) - 1)}


def link_annex(rows: list[AnnexRow], tasks: list[tuple[str, str]], threshold: float = 0.5) -> None:
    """Point each annex row at the task (path, text) that contains most of its wording."""
    if not rows:
        return
    grams = [(path, _bigrams(text)) for path, text in tasks]
    for row in rows:
        mine = _bigrams(row.text)
        if not mine:
            continue
        path, share = max(((p, len(mine & g) / len(mine)) for p, g in grams), key=lambda x: x[1], default=(None, 0))
        if share >= threshold:
            row.task_path = path
