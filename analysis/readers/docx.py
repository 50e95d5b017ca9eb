"""DOCX → text with python-docx: paragraphs and tables in body order, Word list numbering rendered."""
from __future__ import annotations

import io
import zipfile

from .cells import spanned
from .errors import ReadError

MAX_UNZIPPED = 200 * 1024 * 1024
#: A Word file has tens of parts; a zip with more members than this is not one (and listing it is slow).
MAX_MEMBERS = 10_000
_CN = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 12 → 十二, 21 → 二十一, 105 → 一百零五 (digits outside 0–999)."""
    if not 0 <= n <= 999:
        return str(n)
    if n < 10:
        return _CN[n]
    if n >= 100:
        hundreds, rest = divmod(n, 100)
        tail = "" if rest == 0 else ("零" + _CN[rest] if rest < 10 else _CN[rest // 10] + "十" + _CN[rest % 10].strip("零"))
        return _CN[hundreds] + "百" + tail
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN[tens]) + "十" + ("" if ones == 0 else _CN[ones])


def _int(value: str | None, default: int) -> int:
    """An integer attribute of the XML, or the default when it is missing or not a number."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _check_zip(data: bytes) -> None:
    members = data.count(b"PK\x01\x02")  # central-directory entries (an upper bound)
    if members > MAX_MEMBERS:
        raise ReadError(f"refused: .docx with {members} zip members is not a Word document (zip bomb?)")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
            total = sum(i.file_size for i in infos)
    except zipfile.BadZipFile as exc:
        raise ReadError("not a valid .docx (not a zip archive)") from exc
    except Exception as exc:  # a damaged directory: NotImplementedError, ValueError, EOFError…
        raise ReadError(f"not a valid .docx (damaged zip archive: {type(exc).__name__}: {exc})") from exc
    if "word/document.xml" not in names:
        raise ReadError("not a valid .docx (no word/document.xml)")
    if total > MAX_UNZIPPED:
        raise ReadError(f"refused: .docx unpacks to {total // 2**20} MiB (zip bomb?)")


class _Numbering:
    """Render Word automatic list numbers (numPr) as the text a reader sees."""

    def __init__(self, document):
        self.formats: dict[tuple[str, str], tuple[str, str, int]] = {}
        self.counters: dict[str, list[int]] = {}
        try:
            part = document.part.numbering_part
        except Exception:
            return
        ns = part.element.nsmap
        w = "{" + ns["w"] + "}"
        abstract = {}
        for a in part.element.findall(f"{w}abstractNum"):
            levels = {}
            for lvl in a.findall(f"{w}lvl"):
                fmt = lvl.find(f"{w}numFmt")
                text = lvl.find(f"{w}lvlText")
                start = lvl.find(f"{w}start")
                levels[lvl.get(f"{w}ilvl")] = (
                    fmt.get(f"{w}val") if fmt is not None else "decimal",
                    text.get(f"{w}val") if text is not None else "",
                    _int(start.get(f"{w}val"), 1) if start is not None else 1,
                )
            abstract[a.get(f"{w}abstractNumId")] = levels
        for num in part.element.findall(f"{w}num"):
            ref = num.find(f"{w}abstractNumId")
            for ilvl, spec in abstract.get(ref.get(f"{w}val") if ref is not None else "", {}).items():
                self.formats[(num.get(f"{w}numId"), ilvl)] = spec

    @staticmethod
    def _num_pr(paragraph):
        """The paragraph's own numPr, else the one its style (or a style it is based on) carries."""
        ppr = paragraph._p.pPr
        if ppr is not None and ppr.numPr is not None and ppr.numPr.numId is not None:
            return ppr.numPr
        style, seen = paragraph.style, set()
        while style is not None and style.style_id not in seen:  # basedOn chains can loop
            seen.add(style.style_id)
            spr = style.element.pPr
            if spr is not None and spr.numPr is not None and spr.numPr.numId is not None:
                return spr.numPr
            style = style.base_style
        return None

    def label(self, paragraph) -> str:
        """The paragraph's list number as rendered text; '' when it has none or its numbering is malformed."""
        try:
            return self._label(paragraph)
        except (ValueError, TypeError, KeyError, AttributeError):  # python-docx raises these on bad attributes
            return ""

    def _label(self, paragraph) -> str:
        num_pr = self._num_pr(paragraph)
        if num_pr is None or str(num_pr.numId.val) == "0":  # numId 0 switches numbering off
            return ""
        num_id = str(num_pr.numId.val)
        ilvl = str(num_pr.ilvl.val) if num_pr.ilvl is not None else "0"
        fmt, text, start = self.formats.get((num_id, ilvl), ("decimal", "%1.", 1))
        depth = _int(ilvl, 0)
        if not 0 <= depth < 9:
            return ""
        counts = self.counters.setdefault(num_id, [start - 1] * 9)
        counts[depth] += 1
        for deeper in range(depth + 1, 9):
            counts[deeper] = self.formats.get((num_id, str(deeper)), ("", "", 1))[2] - 1
        if fmt in ("bullet", "none"):
            return ""
        for level in range(9):
            value = counts[level]
            rendered = chinese_number(value) if "chinese" in fmt.lower() or "ideograph" in fmt.lower() else str(value)
            text = text.replace(f"%{level + 1}", rendered)
        return text


def docx_to_text(data: bytes) -> str:
    """Body text of a .docx: one line per paragraph, table rows with tab-separated cells."""
    _check_zip(data)
    import docx

    try:
        return _body_text(docx.Document(io.BytesIO(data)))
    except Exception as exc:  # python-docx and lxml raise many types for malformed parts
        raise ReadError(f"broken .docx ({type(exc).__name__}: {exc})") from exc


def _body_text(document) -> str:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    numbering = _Numbering(document)
    lines = []
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(child, document)
            lines.append(numbering.label(paragraph) + paragraph.text)
        elif tag == "tbl":
            for row in Table(child, document).rows:
                cells, seen = [], set()
                for cell in row.cells:  # a merged cell is repeated in each grid column and row it covers
                    if id(cell._tc) in seen:  # across columns: once
                        continue
                    seen.add(id(cell._tc))
                    value = cell.text.replace("\n", "")
                    cells.append(value if cell._tc.getparent() is row._tr else spanned(value))  # across rows
                lines.append("\t".join(cells))
    return "\n".join(lines)
