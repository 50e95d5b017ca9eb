"""Repair extraction artefacts and drop page furniture; text in, text or lines out."""
from __future__ import annotations

import re

from .patterns import Patterns

_LINE_INDEX = re.compile(r"^\s*(\d{1,4})、")
#: A 1–3 digit token between spaces; one followed by a tab or a pipe is a table's row number (序号 cell).
_PAGE_TOKEN = re.compile(r"(?:(?<=\S)|^)[ \t]+(\d{1,3}) +(?=[^\s|｜])|^(\d{1,3}) +(?=[^\s|｜])", re.M)
_ENDS_SENTENCE = tuple("。！？；：:）)”」』")
#: A notice title or a document number ends its line in a PDF as well: the next line does not run on.
_ENDS_HEADER = re.compile(r"(?:的通知|[〕\]】)）]\s*\d{1,4}\s*号)$")
#: A number followed by one of these counts something: it is not a page number.
_MEASURE = set("个类次天年月日项条人家名万亿千百元%号级部件所批期页张份户套座台辆吨米")


def undo_line_index(text: str) -> tuple[str, bool]:
    """Remove 'N、' chunk indices that a converter put before every line (1、 2、 3、 …).

    Detected only when most lines carry them in sequence, lines are long and usually
    break mid-sentence; the chunks are then rejoined without a separator.
    """
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) < 3:
        return text, False
    numbered = [(_LINE_INDEX.match(line), line) for line in lines]
    in_sequence = sum(1 for k, (m, _) in enumerate(numbered) if m and int(m.group(1)) == k + 1)
    open_ends = sum(1 for line in lines if not line.rstrip().endswith(_ENDS_SENTENCE))
    mean_len = sum(map(len, lines)) / len(lines)
    if in_sequence < 0.8 * len(lines) or mean_len < 150 or open_ends < 0.5 * len(lines):
        return text, False
    return "".join(_LINE_INDEX.sub("", line, count=1) for line in lines), True


def remove_page_numbers(text: str) -> tuple[str, list[int]]:
    """Drop page numbers a PDF conversion left inside sentences ('门户网 2 站').

    A page number is a 1–3 digit token between spaces; only the longest run of such
    tokens counting up by one through the document (at least three, mostly not followed
    by a counter word such as 次/类/项) is removed, so ordinary numbers ('不少于 10 天') stay.
    """
    tokens = [(m.start(), m.end(), int(m.group(1) or m.group(2))) for m in _PAGE_TOKEN.finditer(text)]
    # index → ((chain length, page-like tokens in chain), previous index)
    best: dict[int, tuple[tuple[int, int], int | None]] = {}
    last_at: dict[int, int] = {}  # value → index of the best chain ending with that value so far
    for i, (_, stop, value) in enumerate(tokens):
        prev = last_at.get(value - 1)
        page_like = int(text[stop: stop + 1] not in _MEASURE)
        score = (best[prev][0][0] + 1, best[prev][0][1] + page_like) if prev is not None else (1, page_like)
        best[i] = (score, prev)
        if value not in last_at or best[last_at[value]][0] < score:
            last_at[value] = i
    if not best:
        return text, []
    end = max(best, key=lambda i: (best[i][0], -i))
    length, page_like = best[end][0]
    if length < 3 or 2 * page_like < length:  # mostly counted things ('1 次 … 2 类 … 3 项'): not pages
        return text, []
    chain = []
    i: int | None = end
    while i is not None:
        chain.append(i)
        i = best[i][1]
    out, pos = [], 0
    for i in sorted(chain):
        start, stop, _ = tokens[i]
        out.append(text[pos:start] + " ")
        pos = stop
    out.append(text[pos:])
    return "".join(out), sorted(tokens[i][2] for i in chain)


def reflow(lines: list[str], marker_start: re.Pattern) -> list[str]:
    """Join hard-wrapped PDF lines: a line that does not end a sentence (or a notice title, or a
    document number) runs on into the next, unless the next line starts a numbered item. A table
    row (cells tab-separated, read whole) is never joined to a line before or after it."""
    out: list[str] = []
    row = False  # the last line kept is a table row
    for line in lines:
        s = line.strip()
        if not s:
            continue
        if out and not out[-1].endswith(_ENDS_SENTENCE) and not _ENDS_HEADER.search(out[-1]) \
                and not marker_start.match(s) and len(out[-1]) >= 15 and not row and "\t" not in line:
            out[-1] += s
        else:
            out.append(s)
            row = "\t" in line
    return out


def break_table_headers(text: str, patterns: Patterns) -> str:
    """Put a flattened task-table header (工作任务 牵头单位 责任单位 …) on a line of its own."""
    return patterns.table_header.sub(lambda m: "\n" + m.group(1).strip() + "\n", text)


_LONE_PIPE = re.compile(r"[ \t]*[|｜][ \t]*")


def join_pipe_cells(text: str, patterns: Patterns) -> tuple[str, int]:
    """A task table some text extractors write one cell per line, each followed by a line holding a
    `|` alone: its rows rebuilt on lines of their own, cells tab-separated, from its header (three or
    more cells that are column names) and the 序号 numbering its rows (`_pipe_rows`). Returns the
    text and how many rows were rebuilt; a run of cells that does not read so is left as it was."""
    lines = text.split("\n")
    out: list[str] = []
    i = rebuilt = 0
    while i < len(lines):
        j, cells = i, []
        while j + 1 < len(lines) and lines[j].strip() and not _LONE_PIPE.fullmatch(lines[j]) \
                and _LONE_PIPE.fullmatch(lines[j + 1]):
            cells.append(lines[j].strip())
            j += 2
        rows = _pipe_rows(cells, patterns) if len(cells) >= 6 else None
        if rows:
            out += rows
            rebuilt += len(rows) - 1
        else:
            out += lines[i: max(j, i + 1)]
        i = max(j, i + 1)
    return "\n".join(out), rebuilt


def _pipe_rows(cells: list[str], patterns: Patterns) -> list[str] | None:
    """The header and rows of a table given cell by cell, or None: each row is found by its 序号
    (1, 2, 3 … in order), with as many cells before it as the first row has (fewer where a merged
    cell was left out) and the rest of the header's width after it."""
    roles = []  # of the leading cells that are each a column's name
    while len(roles) < len(cells) and len(names := _column_names(cells[len(roles)], patterns)) == 1 \
            and names[0][0] == re.sub(r"\s", "", cells[len(roles)]):
        roles.append(names[0][1])
    width = len(roles)
    if width < 3:
        return None
    header, data = cells[:width], cells[width:]
    numbers = []
    for k, cell in enumerate(data):
        if cell == str(len(numbers) + 1):
            numbers.append(k)
    if len(numbers) < 2:
        return None
    before = numbers[0]
    after = (width if "number" in roles else width + 1) - before - 1
    rows, end = ["\t".join(header)], 0
    for n, k in enumerate(numbers):
        stop = numbers[n + 1] if n + 1 < len(numbers) else len(data)
        if after < 1 or k - end > before or k + 1 + after > stop:
            return None
        rows.append("\t".join(data[end: k + 1 + after]))
        end = k + 1 + after
    return rows + data[end:]


def is_header_row(row: str, patterns: Patterns) -> bool:
    """A line of column names only (序号	工作任务	…, or run together): a table's header, repeated
    on every page of a PDF table, is no task."""
    return bool(patterns.table_header.fullmatch(row.strip()))


def table_columns(text: str, patterns: Patterns) -> list[str | None] | None:
    """Column roles of the first task-table header, one per column after the 序号 (which a row's
    marker reads): task, requirement, lead, responsible, cooperating, deadline, or None for a column
    read past (一级任务, 责任领导, 备注), which still takes its place in the row."""
    m = patterns.table_header.search(text)
    if not m:
        return None
    lines = [_column_names(line, patterns) for line in m.group(1).split("\n")]
    lines = [names for names in lines if names]
    seen = [name for names in lines for name, _ in names]
    if len(set(seen)) < len(seen):  # a header of two rows (责任单位 over 牵头单位 | 配合单位), each
        lines = [max(reversed(lines), key=len)]  # naming the columns it spans: its fullest row
    cols = []
    for _, role in (pair for names in lines for pair in names):
        if role is None or role != "number" and role not in cols:
            cols.append(role)
    return cols if any(cols) else None


def _column_names(line: str, patterns: Patterns) -> list[tuple[str, str | None]]:
    """The column names in one header line, in order, and their roles."""
    header = re.sub(r"[\s|｜\t]", "", line)
    found = sorted((hit.start(), -len(name), name, role) for name, role in patterns.table_columns
                   for hit in re.finditer(re.escape(name), header))
    names, end = [], 0
    for pos, minus_len, name, role in found:
        if pos >= end:  # not inside a longer name read already (责任单位 in 配合/责任单位)
            end = pos - minus_len
            names.append((name, role))
    return names


def pipes_to_tabs(line: str) -> str:
    """Table rows scraped as 'a | b | c |' become tab-separated cells; bare pipe runs vanish."""
    if "|" not in line and "｜" not in line:
        return line
    cells = [c.strip() for c in re.split(r"[|｜]", line)]
    return "\t".join(c for c in cells if c)


def drop_furniture(lines: list[str], patterns: Patterns) -> list[str]:
    """Remove furniture lines and inline furniture (attachment links, print/close buttons)."""
    out = []
    for line in map(pipes_to_tabs, lines):
        if patterns.furniture_line.match(line):
            continue
        line = patterns.furniture_inline.sub("", line)
        if line.strip() and not re.fullmatch(r"[\s•·*\-–—|｜>»›]+", line):
            out.append(line.rstrip())
    return out
