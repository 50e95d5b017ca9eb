"""Text of one plan → a Document: metadata, tasks, cited documents, annex rows, warnings.

`parse_text` is pure (text in, Document out); `parse_file` adds reading and hashing.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from ..readers import ReadError, load_bytes, read_bytes
from ..readers.cells import is_number
from ..readers.limits import TimeUp, time_limit
from . import layout
from .citations import find_citations
from .metadata import (
    DATE_LINE,
    SIGNATURE,
    YEAR_RANGE,
    cited_year,
    department,
    doc_number_year,
    extract_metadata,
    is_plan_title,
    other_genre,
    title_year,
    title_years,
)
from .normalize import normalize
from .numbering import MARKER, Node, build_tree, candidates, select, walk
from .patterns import Patterns, load_patterns
from .regions import region_table
from .tables import AnnexRow, is_unit_line, link_annex, parse_annex, split_cell_row, split_flat_row
from .units import Marker, UnitParser, lead_tagged

#: Recorded with every document (documents.parser_version): raise it whenever a change to the parser
#: changes what it gives for some input (the cache follows the code itself, freshness.per_document_code;
#: 1.1: a table row with nothing in it is no task; 1.2: a title names a government the
#: region table lacks before its year; 1.3: dates and years in Chinese numerals; 1.4: the first unit
#: listed leads where the plan says so, label lines continue a marker, 注： closes the body; 1.5: a
#: section heading's marker is its tasks'; 1.6: 排名不分先后 and 责任领导 are no units; 1.7: more
#: deadline clauses close an unlabelled marker; 1.8: 'X牵头、Y配合' is two clauses; 1.9: labels
#: 主办单位, 协助单位, 参与, 时间 and kin; 1.10: a title broken after its year; 1.11: a task table's
#: row without units takes the row above's (merged cell), a flattened row's units are its first run;
#: 1.12: a table cell spanning rows is read in each of them (HTML; a number once: a task per row),
#: lead and responsible cells of a flattened row meet where two names run together before a list;
#: 1.13: a PDF's ruled tables read row by row, never joined to the lines around them; a header row
#: repeated inside a table is no task; 1.14: an HTML data table's row on one line whatever paragraphs
#: its cells hold, as Word's HTML writes them; a table row short of cells is read from the left;
#: 1.15: a line of units and their verb closes the paragraph above it, '市人社局牵头落实'; 1.16: task-table
#: column names are data, with a department's (工作内容, 责任科室, 时限要求, …) among them; 1.17: the 、
#: or ． after （一） is the marker's; 1.18: the body names a government the table lacks only before
#: 人民政府 or twice; 1.19: a deadline after a label's units (（责任单位：X，6月底前）) is no unit; 1.20: the
#: items under a heading take the marker closing their block when none has its own; 1.21: a plan
#: without a 文号 keeps its title-only citations, a title cited again is one citation; 1.22: a
#: township's plan (乡, 镇, 街道: level township) is read from its title or issuer; 1.23: a flattened
#: row without a units cell ends its task cell at the first space; 1.24: a title cited without 《》
#: starts after the verbs before it; 1.25: a notice title set on two lines; 1.26: a task table's
#: columns apply from its header on, the items above it are prose; a table's rows under its section's
#: title line are a task each; a table row restating an item above is that item's annex row; 1.27: a
#: 文号 without the title text glued before it, 的通知闽政办〔2017〕45号; 1.28: radicals for ideographs,
#: ⼯作 → 工作; 1.29: a deadline keeps its year, 2022年底前; a title broken inside a title it cites;
#: a plan for 2021—2025 is filed under the year it was issued, or its first; 1.30: a plan's own title,
#: which its notice names, is no citation; 1.31: a title cited without 《》 starts after the last verb
#: before its issuer; 1.32: a zone named after its city, 兰州新区管委会, is the zone's plan, not the city's,
#: at a level of its own; 1.33: a plan for several years records its span, plan_span 2021–2025; 1.34: a
#: flattened row's units cell may be governments alone, 各设区市，平潭综合实验区; 1.35: offices alone close
#: the text above them, on a line below a sentence or in brackets closing the item, （市政府办公室）; 1.36:
#: a government office signing on the last line without its date ends the text; 1.37: a department's own
#: plan, 池州市信访局2024年政务公开工作要点, is no government's plan (is_plan False, department 信访局); 1.38:
#: a task table's numbered heading cell merged over its numbered rows (二、… | 2.… | 3.…) heads each row,
#: a units cell may say who leads (办公室牵头，各科室配合); 1.39: a task table with neither 序号 nor numbered
#: cells gives a task per row, path 行1, 行2 …; 1.40: a 序号 cell the header does not name, under 工作任务
#: over two columns, is no cell of the task; 1.41: so in a scraped table whose rows under a merged
#: numbered heading leave its cell out; 1.42: a plan whose title and notice name no disclosure work,
#: 《政府工作报告》任务分解表, is no disclosure plan; 1.43: a department's plan for its sector, 全县教育系统…,
#: is the department's; 1.44: a notice title broken across a blank line; 1.45: a news headline over
#: the plan, 山东公布2025年…, is its title only when no other is; a 文号 alone within the notice's next
#: eight lines that are not blank; 1.46: a notice without 关于, 中共…委办公室…人民政府办公室印发《…》的通知
#: (文号), the government's office its issuer, the text before a known name no region of its own; 1.47: a
#: marker's 以下统称… is no unit; 1.48: levels listed before the name they share, 各州、市人民政府, are one unit;
#: 1.49: a plan without a year in its title is dated by its own 文号 before the documents it cites; 1.50: a
#: 序号 cell after the numbered headings' cells of its row, a spam chain 365bet…_beat365…, titles ending
#: 任务清单 or 责任清单, 功能区 no region; 1.51: its notice's title, heading the page in 《》, is no citation;
#: 1.52: an item numbered before a year, 2.2011年底前…; a portal's 建议使用…浏览器 and 网站举报 lines are
#: furniture; a last item that is a phrase like the one before it is no sign of truncation; 1.53: a row of
#: a table without numbers that leaves out the cell merged over it takes that cell from the row above;
#: 1.54: a title ending as rules, regulations, guides or a standing policy do names no plan; 1.55: a law
#: database's labels in brackets, 【发文字号】…; 1.56: a section numbered before a year, 二、2021年工作计划;
#: 1.57: a date typed 二O一一年5月16日; 1.58: 通告, 公告, 批复 and 复函 name no plan, nor 办法（试行）; 1.59: a
#: report without a plan title is titled by its heading line; 1.60: a summary with the plan for the next
#: year is that year's plan, its plan's section alone; 1.61: such a report's year is its title's; 1.62: a
#: task table's 序号 after the row's own task cell, 工作任务 | 序号 | 要求, starts the row; 1.63: a column
#: read past (一级任务, 责任领导, 备注) keeps its place in the row; 1.64: a header of two rows is read from
#: its fuller row; 1.65: the numbers in a row's cells after its 序号 are its text; 1.66: a marker in
#: 〔〕; 1.67: offices alone with a deadline after them, （县财政局，长期坚持）; 1.68: the unit marked
#: 县财政局（牵头） leads, 牵头责任单位/主要责任单位 and 配合责任单位/次要责任单位 are labels, 等部门 no unit;
#: 1.69: a numeral alone in a table's 序号 cell, 二\t强化政策解读, numbers its row; 1.70: an article's
#: byline and footer, 原创 … 发表于…, 来源：…, 编辑：…, 阅读原文, are furniture; 1.71: so are more of a
#: portal's footer lines, 【我要纠错】, 【责任编辑：…】, 打印本页 关闭窗口, 上一条：…, 视力保护色 …; 1.72:
#: an item's label lines before its labelled content, 牵头单位：… / 工作内容：…, make one task; 1.73: 负责单位,
#: 主管部门, 执行单位, 牵头负责单位 … are labels, 负责单位, 实施单位 … task-table columns; 1.74: a table
#: written one cell per line between | lines is rebuilt row by row; 1.75: a units cell with labels,
#: 牵头单位：…；配合单位：…; 1.76: a marker closing a table row's text cell gives its units; 1.77: an
#: issuer's name of up to 60 characters).
PARSER_VERSION = "1.77"
#: Seconds one document's text may take to parse (real plans take well under one): a guard against
#: pathological text (megabytes of brackets or numbering) holding up a build.
PARSE_SECONDS = 60
#: Spaces after, or a whole run of spaces before, a non-ASCII character ((?<![ \t]) keeps the search linear).
_CJK_SPACE = re.compile(r"(?<=[^\x00-\x7f])[ \t]+|(?<![ \t])[ \t]+(?=[^\x00-\x7f])")
_TERMINAL = re.compile(
    r"\n[ \t]*附\s*件\s*[0-9一二三四五六七八九]?\s*(?:[:：]|\n|$|[ \t])"
    r"|(?<=[\s。])附件\s*[0-9一二三]?\s*[:：]"
    r"|\n[ \t]*(?:抄送|抄报|主送|印发机关)[:：]"
    r"|\n[ \t]*(?:注|备注)\s*[:：]"  # a closing note (注：排在首位的为牵头单位) is no task
)
#: A government's office signing on a last line of its own, its date left off by the page
#: ('新余市人民政府办公室'); a line that names no place first ('市政府办公室') may be units.
_LAST_SIGNATURE = re.compile(r"\n[ \t]*(?![市县区省州旗各有])[\u4e00-\u9fff（）()]{2,30}?"
                             r"(?:人民政府办公室|人民政府办公厅|人民政府|管理委员会办公室|管委会办公室|办公厅)\s*$")
#: A task's text that ends as a finished sentence or marker does (else the text may be truncated).
_ENDED = re.compile(r"[。；;！!？?）)”]$")
_TITLE_SENTENCE = re.compile(r"^([^。，,；;：:！？\n]{2,40})。")


def _fields(obj) -> dict:
    """A dataclass's fields as a dict, lists copied (one level: what asdict copies of plain values)."""
    return {k: list(v) if isinstance(v, list) else v for k, v in vars(obj).items()}


@dataclass
class Task:
    path: str
    heading: str
    text: str
    lead_units: list[str] = field(default_factory=list)
    cooperating_units: list[str] = field(default_factory=list)
    deadline: str | None = None
    annex_rows: list[int] = field(default_factory=list)
    #: The text without its responsibility notes: what is segmented and classified.
    content: str = ""
    layout: str = "prose"  # prose | table

    def to_dict(self) -> dict:
        return _fields(self)


@dataclass
class Document:
    source: str
    sha256: str | None = None
    region: str | None = None
    parent: str | None = None
    province: str | None = None
    level: str | None = None
    adcode: str | None = None
    region_in_table: bool = False
    plan_year: int | None = None
    plan_year_evidence: str | None = None
    plan_span: str | None = None
    title: str | None = None
    notice_title: str | None = None
    issuer: str | None = None
    department: str | None = None
    published: str | None = None
    doc_number: str | None = None
    is_plan: bool = True
    is_partial: bool = False
    kind: str | None = None
    encoding: str | None = None
    n_chars: int = 0
    parser_version: str = PARSER_VERSION
    warnings: list[str] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    citations: list[dict] = field(default_factory=list)
    annex: list[dict] = field(default_factory=list)
    failed: bool = False

    def to_dict(self) -> dict:
        """What dataclasses.asdict gives (fields hold only plain values), without its deep copies."""
        out = _fields(self)
        out["tasks"] = [t.to_dict() for t in self.tasks]
        out["citations"] = [dict(c) for c in self.citations]
        out["annex"] = [dict(r) for r in self.annex]
        return out


_LINE_BREAK = re.compile(r"\s*\n\s*")
_SPACE_RUN = re.compile(r"[ \t]{2,}")


def tidy(text: str) -> str:
    """Join lines and drop spaces next to Chinese characters (extraction spacing); keep Latin spacing."""
    text = text.strip()
    if "\n" in text:
        text = _LINE_BREAK.sub("", text)
    if " " in text or "\t" in text:  # the two patterns below need one
        text = _SPACE_RUN.sub(" ", _CJK_SPACE.sub("", text))
    return text.strip()


def _is_heading(text: str) -> bool:
    """A section's title, not a task: short, one phrase, no sentence inside."""
    return 0 < len(text) <= 40 and not re.search(r"[。；;！？]", text.rstrip("。"))


def _section_of(node: Node, sections: dict[int, Task]) -> Task | None:
    """The nearest enclosing section heading that carries a marker."""
    node = node.parent
    while node is not None and id(node) not in sections:
        node = node.parent
    return sections[id(node)] if node is not None else None


def _merged_units(tasks: list[Task]) -> int:
    """Give a task table's row with no unit of its own the units of the row above in its section,
    and return how many took them: a units cell merged over several rows is read, and flattened,
    once, with the first of them (福建省 2017: rows 20-22 under one 省农业厅)."""
    taken = 0
    for above, task in zip(tasks, tasks[1:]):
        if (task.layout == above.layout == "table" and not (task.lead_units or task.cooperating_units)
                and (above.lead_units or above.cooperating_units)
                and task.path.rpartition("/")[0] == above.path.rpartition("/")[0]):
            task.lead_units, task.cooperating_units = above.lead_units, above.cooperating_units
            taken += 1
    return taken


def _has_units(task: Task) -> bool:
    return bool(task.lead_units or task.cooperating_units)


def _block_marker(roots: list[Node], by_node: dict[int, list[Task]]) -> int:
    """Give the items under one heading the units of the last when none other has any, and return
    how many took them: one marker closes the block (（一）…1.…。2.…。（责任单位：X）). Not under a
    top-level section (一、保障措施): its items are tasks in their own right."""
    taken = 0
    for node in walk(roots):
        if node.parent is None:
            continue
        items = [by_node.get(id(child)) for child in node.children]
        if len(items) < 2 or any(item is None for item in items):  # a heading or preamble among them
            continue
        *before, last = items
        if len(last) != 1 or not _has_units(last[0]) or any(_has_units(t) for item in before for t in item):
            continue
        for task in (t for item in before for t in item):
            task.lead_units, task.cooperating_units = last[0].lead_units, last[0].cooperating_units
            task.deadline = task.deadline or last[0].deadline
            taken += 1
    return taken


def restated(tasks: list[Task]) -> tuple[list[Task], list[AnnexRow]]:
    """The tasks less the rows of a task table that restate the prose items above it (a department
    lists its items, then tabulates them with the office in charge): each such row is an annex row
    of its item, which takes the row's units and deadline when it has none of its own."""
    first = next((k for k, t in enumerate(tasks) if t.layout == "table"), len(tasks))
    items, table = tasks[:first], [t for t in tasks[first:] if t.layout == "table"]
    if not items or not table:
        return tasks, []
    rows = [AnnexRow(k, t.content, t.lead_units + t.cooperating_units) for k, t in enumerate(table, 1)]
    link_annex(rows, [(t.path, t.text) for t in items])
    by_path = {t.path: t for t in items}
    for row, task in zip(rows, table):
        item = by_path.get(row.task_path)
        if item is None:
            continue
        if not (item.lead_units or item.cooperating_units):
            item.lead_units, item.cooperating_units = task.lead_units, task.cooperating_units
        item.deadline = item.deadline or task.deadline
    gone = {id(t) for row, t in zip(rows, table) if row.task_path}
    return [t for t in tasks if id(t) not in gone], [r for r in rows if r.task_path]


def _heading(content: str) -> str:
    """The item's title: a first line without a full stop, or a short first sentence."""
    first, _, rest = content.strip().partition("\n")
    if rest.strip() and "。" not in first and len(tidy(first)) <= 60:
        return tidy(first).rstrip("：:")
    m = _TITLE_SENTENCE.match(tidy(content))
    return m.group(1) if m else ""


def _segment_heading(segment: str) -> str:
    """A split-off segment's own title phrase, if it opens with one."""
    m = _TITLE_SENTENCE.match(segment)
    return m.group(1) if m and len(m.group(1)) <= 30 else ""


class PlanParser:
    """Turns the text of one raw file into a Document."""

    def __init__(self, patterns: Patterns | None = None):
        self.p = patterns or load_patterns()
        self.units = UnitParser(self.p)
        self.regions = region_table()
        names = sorted((n for n, role in self.p.table_columns if role in ("task", "requirement")), key=len, reverse=True)
        #: A line that labels an item's content (工作内容：…), as the task-table columns name it.
        self._labelled_content = re.compile(r"\s*(?:" + "|".join(map(re.escape, names)) + r")\s*[:：]")

    # ------------------------------------------------------------------ body location
    def _body_start(self, lines: list[str], title: str | None, signature_lines: list[int]) -> tuple[int, int]:
        """(line index, column) where the plan proper starts: after its own title line."""
        first_marker = next((i for i, line in enumerate(lines) if re.match(r"\s*(?:一\s?[、.．]|[(（]一[)）])", line)),
                            len(lines))
        if title:
            compact = re.sub(r"\s", "", title)
            hits = [i for i, line in enumerate(lines[: first_marker + 1]) if compact in re.sub(r"\s", "", line)]
            if hits:
                i = hits[-1]
                line = lines[i]
                pos = line.find(title)
                if pos >= 0 and line[pos + len(title):].strip():
                    return i, pos + len(title)
                return i + 1, 0
        before = [i for i in signature_lines if i < first_marker]
        return (before[-1] + 1, 0) if before else (0, 0)

    def _terminal(self, body: str, after: int) -> int:
        """Where the plan's text ends: annex, signature or document footer after the first task."""
        ends = [len(body)]
        for rx in (_TERMINAL, SIGNATURE):
            m = rx.search(body, after)
            if m:
                ends.append(m.start())
        for m in re.finditer(r"\n", body[after:]):
            line_end = body.find("\n", after + m.end())
            line = body[after + m.end(): line_end if line_end >= 0 else len(body)]
            if DATE_LINE.match(line):
                ends.append(after + m.start())
                break
        end = min(ends)
        signed = _LAST_SIGNATURE.search(body, after, end)
        return signed.start() if signed else end

    # ------------------------------------------------------------------ tasks
    def _is_preamble(self, node: Node, body: str) -> bool:
        while node is not None:
            head = tidy(body[node.marker.end: node.content_end])[:20]
            if head.startswith(self.p.non_task_sections):
                return True
            node = node.parent
        return False

    def _split_by_markers(self, content: str) -> list[tuple[str, Marker | None, str]]:
        """Segments of a task's text, each closed by its own responsibility marker, with the
        segment's text less a marker on a line of its own (which tidying would join to the text)."""
        markers = self.units.find(content)
        segments, pos, start = [], 0, 0
        for m in markers:
            bare = content[pos: m.start] if m.line else content[pos: m.end]
            segments.append((content[pos: m.end], m, bare))
            pos, start = m.end, pos
        tail = content[pos:]
        if tidy(tail):
            if segments and (label := self._labelled_content.match(tail)):  # the content its labels head:
                text, m, _ = segments[-1]  # 牵头单位：… / 完成时限：… / 工作内容：…, the labels no part of it
                head = content[start: m.start].rstrip()
                body = head + ("" if head.endswith(_STOPS) else "。") + tail[label.end():]
                segments[-1] = (text + tail, replace(m, line=True), body)
            elif segments and len(tidy(tail)) < 15:
                text, m, bare = segments[-1]
                segments[-1] = (text + tail, m, bare + tail)
            else:
                segments.append((tail, None, tail))
        return segments

    def _tasks_from(self, path: str, content: str, columns: list[str] | None, first_leads: bool) -> list[Task]:
        """Tasks of one numbered item; `first_leads`: the plan says the first unit listed leads."""
        if columns:  # a row with nothing in it (a number closing the text) is no task, as in prose
            rows = [r for r in content.strip("\n").split("\n") if tidy(r) and not layout.is_header_row(r, self.p)]
            cells = [r for r in rows if r.count("\t") >= len(columns) - 1]
            above = rows[:len(rows) - len(cells)]  # a section's title over its table
            if len(cells) > 1 and rows[len(above):] == cells and (not above or _is_heading("".join(above))):
                return [self._table_task(f"{path}/{chr(ord('a') + k)}", r, columns, first_leads)  # a number
                        for k, r in enumerate(cells)]  # spanning rows, or each row under that title
            return [self._table_task(path, "\n".join(rows), columns, first_leads)] if rows else []
        heading = _heading(content)
        segments = self._split_by_markers(content)
        tasks = []
        for k, (segment, marker, bare) in enumerate(segments):
            text = tidy(segment)
            suffix = f"/{chr(ord('a') + k)}" if len(segments) > 1 else ""
            own = _segment_heading(text) if k else heading
            if k == 0 and len(segments) > 1:
                sub = _TITLE_SENTENCE.match(text[len(heading) + 1:] if heading and text.startswith(heading) else "")
                later = any(_segment_heading(tidy(s)) for s, _, _ in segments[1:])
                if sub and later and len(sub.group(1)) <= 30:
                    own = sub.group(1)
            task = Task(path + suffix, own, text, layout="prose")
            if marker is not None:
                task.lead_units, task.cooperating_units = (marker.first_leads() if first_leads
                                                           else (marker.lead, marker.cooperating))
                task.deadline = marker.deadline
            task.content = self._strip_markers(tidy(bare) if marker is not None and marker.line else text)
            if task.deadline is None:
                task.deadline = self.units.deadlines_in(task.content)
            tasks.append(task)
        return tasks

    def _strip_markers(self, text: str) -> str:
        out, pos = [], 0
        for m in self.units.find(text):
            out.append(text[pos: m.start])
            pos = m.end
        out.append(text[pos:])
        return "".join(out).strip()

    def _table_task(self, path: str, content: str, columns: list[str], first_leads: bool) -> Task:
        cells = [c for c in content.strip().split("\t")]
        row = split_cell_row(cells, columns) if len(cells) >= 3 else split_flat_row(tidy(content), columns)
        if not (row["lead"] or row["cooperating"] or row["requirement"]):  # no units cell: the first space
            head, space, rest = content.strip().partition(" ")  # left is where the task cell ended
            if space and "\n" not in head and _is_heading(tidy(head)) and len(tidy(rest)) > len(tidy(head)):
                row["task"], row["requirement"] = head, rest
        named = row["lead"] + row["cooperating"]
        if any(":" in u or "：" in u for u in named) and (said := self.units.parse_fields("；".join(named))):
            row["lead"], row["cooperating"] = said.lead, said.cooperating  # a cell 牵头单位：…；配合单位：…
            row["deadline"] = row["deadline"] or said.deadline
        elif any(u.endswith(self.p.verbs) for u in named) and (said := self.units.line_marker("，".join(named))):
            row["lead"], row["cooperating"] = said.lead, said.cooperating  # a cell 办公室牵头，各科室配合
        elif not row["cooperating"] and (tagged := lead_tagged(row["lead"])):
            row["lead"], row["cooperating"] = tagged  # a cell 县财政局（牵头）、县审计局
        if first_leads and "lead" not in columns and not row["cooperating"]:  # one 责任单位 column
            row["lead"], row["cooperating"] = row["lead"][:1], row["lead"][1:]
        task_text = tidy(row["task"])
        requirement = tidy(row["requirement"])
        if not (row["lead"] or row["cooperating"]) and (said := self.units.find(requirement or task_text)):
            row["lead"], row["cooperating"] = said[-1].lead, said[-1].cooperating  # a marker closing the row's
            row["deadline"] = row["deadline"] or said[-1].deadline  # text cell: …。（责任单位：县财政局）
            if requirement:
                requirement = self._strip_markers(requirement)
            else:
                task_text = self._strip_markers(task_text)
        text = tidy(" ".join(c for c in content.split("\t") if not is_number(c.strip())))  # its 序号 is no text
        task = Task(path, task_text.rstrip("。"), text, row["lead"], row["cooperating"], row.get("deadline"),
                    layout="table")
        task.content = "。".join(x.rstrip("。") for x in (task_text, requirement) if x) + "。"
        if task.deadline is None:
            task.deadline = self.units.deadlines_in(task.content)
        return task

    def segment(self, body: str, warnings: list[str], first_leads: bool = False) -> tuple[list[Task], int]:
        """Tasks of the plan body and where the body ends; `first_leads`: the plan says the first
        unit listed under a responsibility label leads."""
        cands = candidates(body)
        first = select(cands, [], body)
        end = self._terminal(body, first[0].end if first else 0)
        markers = select([c for c in cands if c.end <= end], warnings, body)
        header = self.p.table_header.search(body[:end]) if markers else None
        columns = layout.table_columns(body[:end], self.p) if header else None
        roots = build_tree(markers, end)
        tasks: list[Task] = []
        sections: dict[int, Task] = {}  # id(node) → the heading whose marker its tasks share
        by_node: dict[int, list[Task]] = {}  # id(leaf) → its tasks
        above = None  # the last table row's cells before its 序号, and how many followed it
        inherited = 0
        for node in walk(roots):
            if self._is_preamble(node, body):
                continue
            path = "/".join(node.path)
            content = body[node.marker.end: node.content_end]
            if node.is_leaf:
                in_table = columns is not None and node.content_end > header.start()  # items above it are prose
                content, above = _row_content(node, body, content, above) if in_table else (content, None)
                own = self._tasks_from(path, content, columns if in_table else None, first_leads)
                heading = _section_of(node, sections)
                for task in own if heading else ():
                    if not (task.lead_units or task.cooperating_units):
                        task.lead_units, task.cooperating_units = heading.lead_units, heading.cooperating_units
                        task.deadline = task.deadline or heading.deadline
                        inherited += 1
                tasks += own
                by_node[id(node)] = own
            elif not columns and self.units.find(tidy(content)):
                own = [t for t in self._tasks_from(path, content, None, first_leads) if t.lead_units or t.cooperating_units]
                if len(own) == 1 and _is_heading(own[0].content):  # 一、推进决策公开（牵头单位：…）: its tasks'
                    sections[id(node)] = own[0]
                else:
                    tasks += own
        if inherited:
            warnings.append(f"tasks without a marker of their own that take their section heading's units: {inherited}")
        closed = 0 if columns else _block_marker(roots, by_node)
        if closed:
            warnings.append(f"items without a marker of their own that take the marker closing their block: {closed}")
        merged = _merged_units(tasks) if columns else 0
        if merged:
            warnings.append(f"table rows without units that take those of the row above (a merged cell): {merged}")
        if not markers:
            warnings.append("no numbered items found")
            table = self.p.table_header.search(body[:end])
            rows = self._unnumbered_rows(body[:end], table, first_leads) if table else []
            if rows:
                warnings.append(f"a task table without numbers: each of its rows read as a task ({len(rows)})")
            paras = [p for p in body[: table.start() if rows else end].split("\n") if tidy(p)]
            closing = [k > 0 and self.units.line_marker(p) is not None for k, p in enumerate(paras)] + [False]
            for k, para in enumerate(paras):
                if closing[k]:
                    continue  # read with the paragraph above, which it closes
                if closing[k + 1]:
                    para += "\n" + paras[k + 1]
                if self.units.find(tidy(para)) or "\n" in para:
                    tasks += self._tasks_from(str(k + 1), para, None, first_leads)
            tasks += rows
        return tasks, end

    def _unnumbered_rows(self, body: str, header: re.Match, first_leads: bool) -> list[Task]:
        """A task table with neither 序号 nor numbered cells: each row of two or more cells after its
        `header` (the readers write a row on one line, its cells tab-separated) is a task, path 行N."""
        columns = layout.table_columns(body, self.p)
        lines = [line for line in body[header.end():].split("\n")
                 if sum(1 for c in line.split("\t") if c.strip()) >= 2 and not layout.is_header_row(line, self.p)]
        tasks, above = [], []
        for k, line in enumerate(lines, 1):
            cells = line.split("\t")
            if above and self._left_out(cells, columns):  # its first cells merged over it from the row above
                cells = above[: len(columns) - len(cells)] + cells
            tasks.append(self._table_task(f"行{k}", "\t".join(cells), columns, first_leads))
            above = cells
        return tasks

    def _left_out(self, cells: list[str], columns: list[str]) -> bool:
        """Whether a row with fewer cells than its table's header lacks its first ones, as a scraped
        page writes the rows under a merged cell (及时反馈… | 各科室): aligned to the right, a cell
        under a units column reads as units."""
        shift = len(columns) - len(cells)
        return shift > 0 and any(
            role in ("lead", "responsible", "cooperating") and (
                is_unit_line(cells[k - shift]) or self.units.line_marker(cells[k - shift]) is not None)
            for k, role in enumerate(columns) if k >= shift)

    # ------------------------------------------------------------------ document
    def parse_text(self, text: str, source: str = "", kind: str = "txt", warnings: tuple[str, ...] = ()) -> Document:
        doc = Document(source=source, kind=kind, warnings=list(warnings))
        text, notes = normalize(text)
        doc.warnings += notes
        text, undone = layout.undo_line_index(text)
        if undone:
            doc.warnings.append("removed line-index prefixes (N、) left by a converter")
        text, pages = layout.remove_page_numbers(text)
        if pages:
            doc.warnings.append(f"removed {len(pages)} page numbers inside the text")
        text, joined = layout.join_pipe_cells(text, self.p)
        if joined:
            doc.warnings.append(f"rebuilt {joined} task-table rows from cells written one per line between | lines")
        text = layout.break_table_headers(text, self.p)
        raw_lines = [line.rstrip() for line in text.split("\n")]
        if kind == "pdf":
            raw_lines = layout.reflow(raw_lines, re.compile(r"\s*(?:" + MARKER.pattern + ")"))
        meta = extract_metadata(raw_lines, self.p)
        self._title_candidates = meta.title_candidates
        lines = layout.drop_furniture(raw_lines, self.p)
        doc.n_chars = sum(len(line) for line in lines)
        meta_lines = extract_metadata(lines, self.p)
        sig_lines = [i for i, _, _ in meta_lines.signatures]
        row, col = self._body_start(lines, meta.title, sig_lines)
        stop = len(lines)
        span = own_plan_lines(lines, meta.title, meta.plans)
        if span:
            (row, stop), col = span, 0
        body = "\n".join([lines[row][col:]] + lines[row + 1: stop]) if row < len(lines) else ""
        first_leads = self.p.first_leads.search(text)
        if first_leads:
            doc.warnings.append(f"the first unit listed leads, the others cooperate ({first_leads.group(0)})")
        tasks, end = self.segment(body, doc.warnings, first_leads is not None)
        doc.tasks, rows = restated(tasks)
        if rows:
            doc.warnings.append(f"task-table rows restating the items above, read as their annex rows: {len(rows)}")
        self._annex(doc, body[end:], rows)
        doc.title, doc.notice_title, doc.issuer = meta.title, meta.notice_title, meta.issuer
        doc.published, doc.doc_number = meta.published, meta.doc_number
        own = {doc.title, doc.notice_title} - {None}  # its title, which its notice names, and the notice's
        doc.citations = [c for c in find_citations(tidy_keep_lines(text), self.p)  # nor its own 文号 or titles
                         if not (doc.doc_number and c["doc_number"] == doc.doc_number)  # (a page may head itself
                         and not (c["title"] in own and not c["doc_number"])]  # with its notice's title in 《》)
        self._region(doc, meta, text)
        self._year(doc)
        self._first_title = first_title(lines)
        self._kind(doc, "\n".join(lines))
        return doc

    def _annex(self, doc: Document, rest: str, in_body: list[AnnexRow]) -> None:
        """Annex rows: the annex's own, which keep their printed numbers, then those of a body table
        restating the items (`in_body`, from `restated`), numbered after them."""
        rows = parse_annex(rest) if re.search(r"附\s*件", rest[:200]) else []
        if not (rows or in_body):
            return
        link_annex(rows, [(t.path, t.text) for t in doc.tasks])
        after = max((r.row for r in rows), default=0)
        rows += [AnnexRow(after + k, r.text, r.units, r.task_path) for k, r in enumerate(in_body, 1)]
        by_path = {t.path: t for t in doc.tasks}
        for r in rows:
            if r.task_path in by_path:
                by_path[r.task_path].annex_rows.append(r.row)
        doc.annex = [asdict(r) for r in rows]
        unlinked = [r.row for r in rows if r.task_path is None]
        if unlinked:
            doc.warnings.append(f"annex rows not matched to a task: {unlinked}")

    def _region(self, doc: Document, meta, text: str) -> None:
        context = text[:20000]
        sources = [doc.title or "", meta.notice_title or "", doc.issuer or "", meta.labels.get("issuer", ""),
                   meta.labels.get("title", "")]
        titles = {doc.title, meta.notice_title, meta.labels.get("title")} - {None, ""}
        region, warnings = self.regions.resolve([s for s in sources if s], context, titles, body=context[:3000])
        doc.warnings += warnings
        if region:
            doc.region, doc.parent, doc.province, doc.level = region.name, region.parent, region.province, region.level
            doc.adcode, doc.region_in_table = region.adcode, region.known

    def _year(self, doc: Document) -> None:
        titles = (doc.title, doc.notice_title, *self._title_candidates)
        year = title_year(*(YEAR_RANGE.sub("", t) for t in titles if t))  # 《…(2016-2020年)》2018年工作要点: 2018
        if year:
            doc.plan_year, doc.plan_year_evidence = year, "title"
            return
        span = title_years(doc.title, doc.notice_title)
        if span:  # a plan for several years is filed under the year it was issued, or its first
            first, last = span
            issued = int(doc.published[:4]) if doc.published else None
            doc.plan_year = issued if issued and first <= issued <= last else first
            doc.plan_span = f"{first}–{last}"
            doc.plan_year_evidence = f"title: {first}–{last}" + (", the year issued" if doc.plan_year == issued else "")
            doc.warnings.append(f"a plan for {first}–{last}: plan year {doc.plan_year}")
            return
        year, evidence = cited_year(doc.citations)
        own = doc_number_year(doc.doc_number)
        if own and not (evidence or "").startswith("cites "):  # its 文号 dates it; what it cites may be older
            doc.plan_year, doc.plan_year_evidence = own, f"inferred: its own 文号 {doc.doc_number}"
            doc.warnings.append(f"plan year {doc.plan_year} inferred from its own 文号")
        elif year:
            doc.plan_year, doc.plan_year_evidence = year, f"inferred: {evidence}"
            doc.warnings.append(f"plan year {year} inferred from cited documents")
        elif doc.published:
            doc.plan_year, doc.plan_year_evidence = int(doc.published[:4]), "inferred: publication date"
            doc.warnings.append("plan year taken from the publication date")
        else:
            doc.warnings.append("plan year unknown")

    def _kind(self, doc: Document, text: str) -> None:
        """Plan or not: a plan's title (and its notice's) naming no disclosure work is another plan's
        (2021年重点项目工作计划); the title decides when it says; otherwise report signals must outnumber
        plan signals, and such a document's title is its first heading line when no plan title was found. A
        summary of a year with the plan for the next is that plan, its plan's section alone. A department's
        own plan is no government's plan (a department's report is a report)."""
        title = " ".join(t for t in [doc.title, doc.notice_title, *self._title_candidates, self._first_title] if t)
        plan_title = any(t.endswith(self.p.plan_title_words) for t in [doc.title or ""])
        reports = len(self.p.report_signals.findall(text))
        plans = len(self.p.plan_signals.findall(text))
        named = " ".join(t for t in (doc.title, doc.notice_title) if t)
        a_title = doc.title and (doc.notice_title or is_plan_title(doc.title, self.p))  # not a heading line
        other_work = a_title and doc.title.endswith(self.p.plan_title_words) and not any(
            w in named for w in self.p.disclosure_words)
        summary = self.p.summary_title.search(doc.title or "")
        section = re.search(self.p.summary_plan_section.replace("{year}", summary.group("year")), text) if summary else None
        if section:  # a summary of one year with the plan for the next: that plan's section is the plan
            label, doc.plan_year = section.group("label"), int(summary.group("year"))
            doc.tasks = [t for t in doc.tasks if t.path.split("/")[0] == label]
            doc.plan_year_evidence = "title: the plan's year after the summary's"
            doc.warnings.append(f"a summary with the plan for {doc.plan_year}: its section {label} is read as the plan")
        elif other_work:
            doc.is_plan = False
            doc.warnings.append("not a disclosure plan: its title names no disclosure work (政务公开, 信息公开 …)")
        elif genre := other_genre(doc.title, self.p):
            doc.is_plan = False
            doc.warnings.append(f"not a plan: its title names another kind of document ({genre})")
        elif any(w in title for w in self.p.not_plan_words):
            doc.is_plan = False
            doc.warnings.append("not a plan: the title describes a report on work done")
        elif not plan_title and reports >= 2 and reports > plans:
            doc.is_plan = False
            doc.warnings.append(f"not a plan: reads as a report ({reports} report signals, {plans} plan signals)")
        if not doc.is_plan:  # a report has a title too, which no plan title's pattern finds: its heading line,
            if not doc.title and self._first_title:  # whose year is the year it reports on
                doc.title = self._first_title
                doc.warnings = [w for w in doc.warnings if not w.startswith("plan year ")]
                self._year(doc)
        elif name := department(doc.title, doc.issuer, (doc.region, doc.parent, doc.province), self.p):
            doc.department, doc.is_plan = name, False
            doc.warnings.append(f"not a government's plan: the plan of a department, {doc.department}")
        elif not doc.tasks:
            doc.warnings.append("no tasks found")
        last = doc.tasks[-1] if doc.tasks else None
        before = doc.tasks[-2] if len(doc.tasks) > 1 else None  # a list of phrases ends as its items do
        phrases = before is not None and before.path.rpartition("/")[0] == last.path.rpartition("/")[0] and not (
            _ENDED.search(before.text) or before.lead_units)
        if last and not last.lead_units and not _ENDED.search(last.text) and not phrases:
            doc.is_partial = True
            doc.warnings.append(f"text appears truncated: last task {last.path} ends mid-sentence")


_STOPS = ("。", "；", ";", "：", ":")


def _row_content(node: Node, body: str, content: str, above: tuple[str, int] | None) -> tuple[str, tuple[str, int] | None]:
    """A table row's cells: `content` (from its 序号 on) with the cells before it — its own (工作任务 |
    序号 | 要求: its marker runs from the start of its line), or its heading's (`_row_cells`), or, in
    a table of the first kind, the row above's when a merged cell left them empty or a scraped page
    left them out (the row has as many cells after its 序号 as that row: `above`, that row's cells
    before its 序号 and how many followed it). Returns them and the `above` for the next row."""
    own = body[node.marker.start: node.marker.end]
    before, _, number = own.rpartition("\t")
    after = content.removeprefix("\t").split("\n")[0].count("\t") + 1
    if before.strip():
        return own + content, (before, after)
    if cells := _row_cells(node, body):  # (a 序号's content starts with its tab)
        return cells + content.removeprefix("\t"), None
    if above and after == above[1]:
        return f"{above[0]}\t{number}{content}", above
    return content, None


def _row_cells(node: Node, body: str) -> str:
    """The cells a table row's numbered item leaves to its heading: for `2.` in
    `二、做好网站信息公开。\t2.及时更新…\t办公室`, and for the items in the rows under it (whose merged
    heading cell the readers leave empty, or a scraped page leaves out), the heading's cell and its
    tab; nothing under a heading that has a row of its own."""
    parent = node.parent
    first = parent.children[0].marker.start if parent else 0
    if not first or body[first - 1] != "\t":
        return ""
    return body[parent.marker.end: first].lstrip()


def own_plan_lines(lines: list[str], title: str | None, plans: list[str]) -> tuple[int, int] | None:
    """When one notice issues several plans: the lines of the plan the document is taken to be,
    from after its own title line to the next plan's title line (None when it has no line of its own)."""
    if len(plans) < 2 or not title:
        return None
    compact = [re.sub(r"[\s《》]", "", line) for line in lines]
    mine = re.sub(r"[\s《》]", "", title)
    others = {re.sub(r"[\s《》]", "", p) for p in plans} - {mine}
    own = [i for i, c in enumerate(compact) if c == mine]
    if not own:
        return None
    start = own[-1] + 1
    return start, next((i for i in range(start, len(lines)) if compact[i] in others), len(lines))


def first_title(lines: list[str]) -> str:
    """The first short heading-like line (what a page shows as its title), for telling reports from plans."""
    for line in lines[:40]:
        t = tidy(line)
        if 6 <= len(t) <= 60 and not re.search(r"[，,。；;：:]", t) and re.search(r"公开|报告|方案|要点|计划|总结", t):
            return t
    return ""


def tidy_keep_lines(text: str) -> str:
    return "\n".join(tidy(line) for line in text.split("\n"))


_PARSER: PlanParser | None = None


def parser() -> PlanParser:
    global _PARSER
    if _PARSER is None:
        _PARSER = PlanParser()
    return _PARSER


def parse_bytes(data: bytes, source: str) -> Document:
    """Read and parse one raw file's bytes; a file that cannot be read gives a failed Document."""
    sha = hashlib.sha256(data).hexdigest()
    try:
        raw = read_bytes(data, source)
    except ReadError as exc:
        return Document(source=source, sha256=sha, is_plan=False, failed=True, warnings=[f"unreadable: {exc}"])
    plan_parser = parser()  # loading the resources is not the document's time
    try:
        with time_limit(PARSE_SECONDS):
            doc = plan_parser.parse_text(raw.text, source, raw.kind, raw.warnings)
    except TimeUp:
        return Document(source=source, sha256=sha, kind=raw.kind, encoding=raw.encoding, is_plan=False, failed=True,
                        warnings=[f"unreadable: parsing stopped after {PARSE_SECONDS} s "
                                  f"({len(raw.text):,} characters of pathological text?)"])
    doc.sha256, doc.encoding = sha, raw.encoding
    return doc


def parse_file(path: str | Path) -> Document:
    """Parse one raw file from disk (read-only)."""
    path = Path(path)
    try:
        data = load_bytes(path)
    except ReadError as exc:
        return Document(source=str(path), is_plan=False, failed=True, warnings=[f"unreadable: {exc}"])
    return parse_bytes(data, str(path))


def parse_text(text: str, source: str = "", kind: str = "txt") -> Document:
    """Parse already-decoded plan text (no file involved)."""
    return parser().parse_text(text, source, kind)
