"""HTML → text: scripts and page furniture dropped, one line per block, table cells tab-separated."""
from __future__ import annotations

import html as htmllib
import re

from bs4 import BeautifulSoup, CData, NavigableString, Tag

from .cells import spanned

_DROP = {"script", "style", "noscript", "iframe", "svg", "canvas", "template", "button",
         "select", "input", "textarea", "form", "nav", "footer", "head", "object", "embed"}
_BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table",
          "section", "article", "blockquote", "dd", "dt", "pre", "hr", "ul", "ol"}
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]*)?/?>")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_CODE_OPEN = re.compile(r"<(script|style)\b[^<>]*>", re.I)
_ENDS_PART = set("。；;，,、：:！!？?）)】」》”")  # a paragraph ending so needs no 、 after it in a cell


def html_to_text(markup: str) -> str:
    """Visible text of an HTML page, never executing anything in it.

    One pass over the parsed tree with a stack of open elements: inserting separators into the
    tree instead costs time in proportion to its depth at every block, and broken markup with
    thousands of unclosed <div>s nests that deep.
    """
    soup = BeautifulSoup(markup, "lxml")
    if soup.find(["td", "th"], rowspan=True):
        _repeat_row_spans(soup)
    writer = _Writer(*_data_tables(soup))
    stack: list[Tag] = []
    for node in soup.descendants:
        while stack and stack[-1] is not node.parent:
            writer.close(stack.pop())
        if isinstance(node, Tag):
            writer.open(node)
            stack.append(node)
        elif type(node) in (NavigableString, CData):  # not comments or declarations
            writer.text(node)
    while stack:
        writer.close(stack.pop())
    return "".join(writer.out)


class _Writer:
    """A page's text as its elements open and close: blocks on lines of their own, table cells
    tab-separated. Inside a data table's cell nothing breaks the row's line: its paragraphs join,
    with 、 between two when the first ends without punctuation (a unit a line: 县直各单位 /
    各乡镇人民政府), and the source's own line breaks go."""

    def __init__(self, cells: set[int], frame: set[int]):
        self.cells, self.frame = cells, frame  # `_data_tables`
        self.out: list[str] = []
        self.hidden = 0  # open elements whose content is dropped (scripts, navigation…)
        self.inside = 0  # open cells of data tables
        self.cell = 0  # where the innermost open data cell's text starts in `out`
        self.pending = False  # a paragraph ended inside a cell

    def open(self, tag: Tag) -> None:
        if tag.name in _DROP:
            self.hidden += 1
        elif not self.hidden:
            if id(tag) in self.cells:
                self.inside, self.cell, self.pending = self.inside + 1, len(self.out), False
            elif tag.name in _BLOCK:
                self._break()

    def close(self, tag: Tag) -> None:
        if tag.name in _DROP:
            self.hidden -= 1
        elif not self.hidden:
            if tag.name in ("td", "th"):
                self.out.append("\t")
                if id(tag) in self.cells:
                    self.inside, self.pending = self.inside - 1, False
            elif tag.name in _BLOCK:
                self._break()

    def _break(self) -> None:
        if self.inside:
            self.pending = True
        else:
            self.out.append("\n")

    def text(self, node: str) -> None:
        if self.hidden:
            return
        if not self.inside:
            if id(node.parent) not in self.frame or node.strip():  # not the indentation between cells
                self.out.append(node)
            return
        text = node.replace("\r", "").replace("\n", "")
        if text.strip() and self.pending:
            before = "".join(self.out[self.cell:]).rstrip()
            if before and before[-1] not in _ENDS_PART:
                self.out.append("、")
            self.pending = False
        self.out.append(text)


def _data_tables(soup: BeautifulSoup) -> tuple[set[int], set[int]]:
    """ids of the cells of data tables (2 rows of 3 cells or more, no table inside, no cell over
    1,500 characters), and of their table, body and row elements. Word's HTML puts a <p> in every
    cell, and the source's indentation between cells holds line breaks: both broke each row over
    several lines. A page laid out in a table (one cell holding the whole article) keeps its lines."""
    cells: set[int] = set()
    frame: set[int] = set()
    for table in soup.find_all("table"):
        if table.find("table"):
            continue
        trs = table.find_all("tr")
        rows = [r.find_all(["td", "th"], recursive=False) for r in trs]
        if sum(len(r) >= 3 for r in rows) >= 2 and all(len(c.get_text()) <= 1500 for r in rows for c in r):
            cells.update(id(c) for r in rows for c in r)
            frame.update(id(e) for e in (table, *trs, *table.find_all(["tbody", "thead", "tfoot"])))
    return cells, frame


def _span(cell: Tag, attribute: str) -> int:
    value = str(cell.get(attribute) or "1").strip()
    return int(value) if value.isdigit() and int(value) > 1 else 1


def _repeat_row_spans(soup: BeautifulSoup) -> None:
    """Put a copy of each cell that spans rows (rowspan) into every row it spans, at its column
    (`cells.spanned`): a row that lacked it had its cells read into the wrong columns."""
    for table in soup.find_all("table"):
        pending: dict[int, list] = {}  # column → [cell, rows below its own it still spans]
        for tr in (r for r in table.find_all("tr") if r.find_parent("table") is table):
            cells = tr.find_all(["td", "th"], recursive=False)
            k, col, filled, opened = 0, 0, set(), set()
            while True:
                if col in pending and col not in filled | opened:
                    cell = pending[col][0]
                    (cells[k].insert_before if k < len(cells) else tr.append)(_copy_of(soup, cell))
                    filled.add(col)
                    col += _span(cell, "colspan")
                elif k < len(cells):
                    cell, k = cells[k], k + 1
                    if _span(cell, "rowspan") > 1:
                        pending[col] = [cell, _span(cell, "rowspan") - 1]
                        opened.add(col)
                    col += _span(cell, "colspan")
                elif any(c > col for c in pending.keys() - filled - opened):
                    col = min(c for c in pending.keys() - filled - opened if c > col)
                else:
                    break
            for c in pending.keys() - opened:  # a span ends after its last row, or at a row that skips it
                pending[c][1] -= 1
                if c not in filled or pending[c][1] == 0:
                    del pending[c]


def _copy_of(soup: BeautifulSoup, cell: Tag) -> Tag:
    """A new cell for a row that `cell` spans (`cells.spanned`)."""
    copy = soup.new_tag(cell.name)
    copy.string = spanned(cell.get_text())
    return copy


def strip_tags(text: str) -> str:
    """Remove stray tags and comments from text that is mostly not HTML (scraped .txt);
    script and style elements go with their contents."""
    return htmllib.unescape(_TAG.sub("", _COMMENT.sub("", drop_code(text))))


def drop_code(text: str) -> str:
    """Text without <script>…</script> and <style>…</style> elements (an unclosed one loses only its tag)."""
    lower = text.lower()
    out, pos, unclosed = [], 0, set()
    for m in _CODE_OPEN.finditer(lower):
        if m.start() < pos or m.group(1) in unclosed:
            continue
        close = lower.find("</" + m.group(1), m.end())
        end = lower.find(">", close) if close >= 0 else -1
        if end < 0:
            unclosed.add(m.group(1))  # no closing tag further on: later openers have none either
            continue
        out.append(text[pos: m.start()])
        pos = end + 1
    out.append(text[pos:])
    return "".join(out)


def has_markup(text: str) -> bool:
    """True when the text carries HTML tags (ASCII tag names only: <关于…> is a title mark)."""
    return len(_TAG.findall(text[:200_000])) >= 3


def is_html_document(text: str) -> bool:
    """True for a whole HTML page rather than text with stray tags."""
    head = text[:2048].lower()
    return "<html" in head or "<!doctype html" in head or "<body" in text[:20000].lower()
