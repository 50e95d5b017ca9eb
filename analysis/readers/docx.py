"""DOCX → text with python-docx: paragraphs and tables in body order, Word list numbering rendered."""
from __future__ import annotations

import io
import zipfile

from .errors import ReadError

MAX_UNZIPPED = 200 * 1024 * 1024
_CN = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 12 → 十二, 21 → 二十一 (up to 99)."""
    if n < 10:
        return _CN[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN[tens]) + "十" + ("" if ones == 0 else _CN[ones])


def _check_zip(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
            total = sum(i.file_size for i in infos)
    except zipfile.BadZipFile as exc:
        raise ReadError("not a valid .docx (not a zip archive)") from exc
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
                    int(start.get(f"{w}val")) if start is not None else 1,
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
        style = paragraph.style
        while style is not None:
            spr = style.element.pPr
            if spr is not None and spr.numPr is not None and spr.numPr.numId is not None:
                return spr.numPr
            style = style.base_style
        return None

    def label(self, paragraph) -> str:
        num_pr = self._num_pr(paragraph)
        if num_pr is None or str(num_pr.numId.val) == "0":  # numId 0 switches numbering off
            return ""
        num_id = str(num_pr.numId.val)
        ilvl = str(num_pr.ilvl.val) if num_pr.ilvl is not None else "0"
        fmt, text, start = self.formats.get((num_id, ilvl), ("decimal", "%1.", 1))
        depth = int(ilvl)
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
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:
        raise ReadError(f"broken .docx ({type(exc).__name__}: {exc})") from exc
    numbering = _Numbering(document)
    lines = []
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(child, document)
            lines.append(numbering.label(paragraph) + paragraph.text)
        elif tag == "tbl":
            for row in Table(child, document).rows:
                cells = []
                for cell in row.cells:
                    value = cell.text.replace("\n", "")
                    if not cells or cells[-1] != value:  # merged cells repeat
                        cells.append(value)
                lines.append("\t".join(cells))
    return "\n".join(lines)
