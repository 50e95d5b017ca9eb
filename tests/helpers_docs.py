"""Build real DOCX, PDF and encoded text files in memory for reader and ingest tests.

Each builder returns the file's bytes, so a test can write them where it likes or
hand them straight to `read_bytes` / `parse_bytes`.
"""
from __future__ import annotations

import io
import zipfile
from functools import lru_cache
from pathlib import Path

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

#: A short plan in the usual notice + 一、/（一） outline, with responsibility markers.
PLAN_TEXT = """南昌市人民政府办公室关于印发2024年南昌市政务公开工作要点的通知
洪府办发〔2024〕21号
各县（区）人民政府，市政府各部门：
现将《2024年南昌市政务公开工作要点》印发给你们，请认真贯彻执行。
南昌市人民政府办公室
2024年5月20日
2024年南昌市政务公开工作要点
一、深化重点领域信息公开
（一）加强财政预决算公开。全面公开政府预决算和部门预决算，细化公开内容。（责任单位：市财政局）
（二）推进重大建设项目信息公开。及时公开项目审批、招标投标、施工进展等信息。（责任单位：市发展改革委）
二、强化政策解读
（三）做好政策文件解读。坚持政策文件与解读材料同步组织、同步审签、同步部署。（牵头单位：市政府办公室；责任单位：市直各部门）
"""
PLAN_PATHS = ["一/(一)", "一/(二)", "二/(三)"]


# ---------------------------------------------------------------- DOCX
def _numbering(document, levels: list[tuple[str, str]]) -> str:
    """Add a multi-level list definition ((numFmt, lvlText) per level) and return its numId."""
    numbering = document.part.numbering_part.element
    abstract_id = str(100 + len(numbering.findall(qn("w:abstractNum"))))
    abstract = OxmlElement("w:abstractNum")
    abstract.set(qn("w:abstractNumId"), abstract_id)
    for ilvl, (fmt, text) in enumerate(levels):
        lvl = OxmlElement("w:lvl")
        lvl.set(qn("w:ilvl"), str(ilvl))
        for tag, value in (("w:start", "1"), ("w:numFmt", fmt), ("w:lvlText", text)):
            child = OxmlElement(tag)
            child.set(qn("w:val"), value)
            lvl.append(child)
        abstract.append(lvl)
    numbering.insert(0, abstract)  # abstractNum elements come before num elements
    num_id = str(100 + len(numbering.findall(qn("w:num"))))
    num = OxmlElement("w:num")
    num.set(qn("w:numId"), num_id)
    ref = OxmlElement("w:abstractNumId")
    ref.set(qn("w:val"), abstract_id)
    num.append(ref)
    numbering.append(num)
    return num_id


def _number(paragraph, num_id: str, ilvl: int) -> None:
    """Attach Word automatic numbering (numPr) to a paragraph."""
    num_pr = OxmlElement("w:numPr")
    for tag, value in (("w:ilvl", str(ilvl)), ("w:numId", num_id)):
        child = OxmlElement(tag)
        child.set(qn("w:val"), value)
        num_pr.append(child)
    paragraph._p.get_or_add_pPr().append(num_pr)


def _save(document) -> bytes:
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def plan_docx() -> bytes:
    """A plan as Word writes it: notice paragraphs, a heading, auto-numbered 一、/（一） items whose
    numbers exist only in numbering.xml, and an annex table restating two tasks."""
    document = Document()
    notice, _, plan = PLAN_TEXT.partition("2024年南昌市政务公开工作要点\n")
    for line in notice.splitlines():
        document.add_paragraph(line)
    document.add_heading("2024年南昌市政务公开工作要点", level=1)
    outline = _numbering(document, [("chineseCounting", "%1、"), ("chineseCounting", "（%2）")])
    for line in plan.splitlines():
        level = 0 if line[1] == "、" else 1
        _number(document.add_paragraph(line.split("、", 1)[1] if level == 0 else line[3:]), outline, level)
    document.add_paragraph("附件：2024年南昌市政务公开工作责任分工表")
    rows = [("序号", "工作任务", "责任单位"),
            ("1", "全面公开政府预决算和部门预决算，细化公开内容。", "市财政局"),
            ("2", "及时公开项目审批、招标投标、施工进展等信息。", "市发展改革委")]
    table = document.add_table(rows=len(rows), cols=3)
    for row, cells in zip(table.rows, rows, strict=True):
        for cell, value in zip(row.cells, cells, strict=True):
            cell.text = value
    return _save(document)


def style_numbered_docx() -> bytes:
    """Items numbered by the built-in 'List Number' style (the number lives in the style, not the paragraph)."""
    document = Document()
    document.add_paragraph("2024年某县政务公开工作要点")
    document.add_paragraph("加强政策解读。坚持政策文件与解读材料同步部署。（责任单位：县政府办公室）", style="List Number")
    document.add_paragraph("推进财政信息公开。全面公开政府预决算。（责任单位：县财政局）", style="List Number")
    _number(document.add_paragraph("本段的编号已关闭。", style="List Number"), "0", 0)  # numId 0: numbering off
    return _save(document)


def _table_document(rows: list[tuple[str, ...]]):
    """A Word document: a 分解表 title, then a table of `rows`; returns it and the table."""
    document = Document()
    document.add_heading("2021年全区政务公开工作主要任务分解表", level=1)
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for row, cells in zip(table.rows, rows, strict=True):
        for cell, value in zip(row.cells, cells, strict=True):
            cell.text = value
    return document, table


def table_docx() -> bytes:
    """A 分解表 plan whose tasks live in a Word table with a 序号 column."""
    document, _ = _table_document([
        ("序号", "工作任务", "工作要求", "牵头单位", "责任单位"),
        ("1", "加强政策解读", "坚持政策文件与解读材料同步组织、同步审签、同步部署。", "区政府办公室", "区直各有关单位"),
        ("2", "推进财政信息公开", "全面公开政府预决算和部门预决算。", "区财政金融局", "区直各单位"),
        ("3", "做好舆情回应", "及时回应社会关切，提升回应实效。", "区委网信办", "各乡镇人民政府")])
    return _save(document)


def merged_table_docx() -> bytes:
    """A 分解表 in Word with merged cells: section rows across all columns, a 责任单位 over rows 1-2,
    a 牵头单位 over rows 2-3, and item 3 over two rows (its 序号 merged) with a lead unit each."""
    sections = {1: "一、深化重点领域信息公开", 6: "二、回应社会关切"}
    document, table = _table_document([
        ("序号", "工作任务", "工作要求", "牵头单位", "责任单位"),
        (sections[1], "", "", "", ""),
        ("1", "加强政策解读", "同步组织、同步审签、同步部署。", "区政府办公室", "区直各有关单位"),
        ("2", "推进财政信息公开", "全面公开政府预决算。", "区财政金融局", ""),
        ("3", "公开财政预算", "细化到功能分类项级科目。", "", "区直各单位"),
        ("", "公开审计结果", "公开审计发现问题的整改情况。", "区审计局", "区直各单位"),
        (sections[6], "", "", "", ""),
        ("4", "做好舆情回应", "及时回应社会关切。", "区委网信办", "区直各单位")])
    for row, text in sections.items():
        table.cell(row, 0).merge(table.cell(row, 4)).text = text
    table.cell(2, 4).merge(table.cell(3, 4))
    table.cell(3, 3).merge(table.cell(4, 3))
    table.cell(4, 0).merge(table.cell(5, 0))
    return _save(document)


def merged_units_columns_docx() -> bytes:
    """A 分解表 in Word where one row's 牵头单位 and 责任单位 cells are merged into one."""
    document, table = _table_document([
        ("序号", "工作任务", "工作要求", "牵头单位", "责任单位"),
        ("1", "加强政策解读", "同步组织、同步审签、同步部署。", "区政府办公室", "区直各有关单位"),
        ("2", "做好政府信息公开年报", "按时发布年度报告。", "各乡镇人民政府", ""),
        ("3", "做好舆情回应", "及时回应社会关切。", "区委网信办", "区直各单位")])
    table.cell(2, 3).merge(table.cell(2, 4)).text = "各乡镇人民政府"
    return _save(document)


# ---------------------------------------------------------------- PDF
@lru_cache(maxsize=1)
def cjk_font() -> Path:
    """A CJK font shipped by mplfonts that fpdf2 embeds with a text layer pdfminer reads back.

    Noto Sans CJK (OTF with CFF outlines) embeds, but fpdf2 writes its ToUnicode CMap as the
    font's /Encoding and pdfminer then maps every glyph to nothing; TrueType SimHei round-trips.
    """
    import mplfonts

    font = Path(mplfonts.__file__).parent / "fonts" / "SimHei.ttf"
    if not font.exists():
        import pytest

        pytest.skip(f"CJK font not found: {font}")
    return font


def text_pdf(paragraphs: list[str], *, user_password: str | None = None, font: Path | None = None) -> bytes:
    """A PDF with a real Chinese text layer (one paragraph per string, hard-wrapped by width),
    page numbers '- N -' in the footer, optionally encrypted with a user password."""
    from fpdf import FPDF

    class Page(FPDF):
        def footer(self):
            self.set_y(-15)
            self.set_font("cjk", size=9)
            self.cell(0, 8, f"- {self.page_no()} -", align="C")

    pdf = Page()
    pdf.add_font("cjk", "", str(font or cjk_font()))
    if user_password:
        pdf.set_encryption(owner_password="owner-" + user_password, user_password=user_password)
    pdf.add_page()
    pdf.set_font("cjk", size=12)
    for paragraph in paragraphs:
        pdf.multi_cell(0, 8, paragraph, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def table_pdf(more: int = 0, note: str = "") -> bytes:
    """A 分解表 as a PDF with a ruled table: a notice above it, a section row across all columns,
    wrapped cells, a 责任单位 cell over rows 1-2, and item 3 over two rows (its 序号 merged); `more`
    items after them run the table onto further pages, its header repeated on each; `note` is written in
    the right margin beside the table."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    pdf = FPDF(orientation="L")
    pdf.add_font("cjk", "", str(cjk_font()))
    pdf.add_page()
    pdf.set_font("cjk", size=14)
    pdf.multi_cell(0, 8, "漳州市2019年政务公开工作任务分解表", new_x="LMARGIN", new_y="NEXT", align="C")
    pdf.set_font("cjk", size=10)
    if note:
        pdf.text(pdf.w - 14, pdf.get_y() + 20, note)
    with pdf.table(width=pdf.epw - 20, col_widths=(12, 50, 110, 40, 60), align="LEFT", text_align="LEFT",
                   headings_style=FontFace(emphasis="")) as table:
        for cells in (("序号", "工作任务", "工作要求", "牵头单位", "责任单位"),):
            row = table.row()
            for text in cells:
                row.cell(text)
        table.row().cell("一、推进重点领域信息公开", colspan=5)
        row = table.row()
        for text in ("1", "做好国有产权交易信息公开", "推动产权交易机构与公共资源交易平台实现信息共享，及时公开产权交易项目信息。",
                     "市国资委"):
            row.cell(text)
        row.cell("各县（市、区）人民政府，漳州开发区管委会", rowspan=2)
        row = table.row()
        for text in ("2", "做好国有企业经营情况公开", "按月公开国有及国有控股企业主要经济效益指标。", "市国资委，市财政局"):
            row.cell(text)
        row = table.row()
        row.cell("3", rowspan=2)
        for text in ("推进财政预算公开", "全面公开政府预算和部门预算。", "市财政局", "市直各部门"):
            row.cell(text)
        row = table.row()
        for text in ("推进财政决算公开", "公开决算并解读变化原因。", "市审计局", "市直各部门"):
            row.cell(text)
        for k in range(4, 4 + more):
            row = table.row()
            for text in (str(k), f"做好第{k}项信息公开", "及时准确公开相关信息，做好政策解读和回应关切工作。", "市政府办公室",
                         "市直各部门"):
                row.cell(text)
    pdf.multi_cell(0, 8, "漳州市人民政府办公室", new_x="LMARGIN", new_y="NEXT", align="R")
    pdf.multi_cell(0, 8, "2019年4月2日", new_x="LMARGIN", new_y="NEXT", align="R")
    return bytes(pdf.output())


def side_by_side_tables_pdf() -> bytes:
    """Two ruled tables side by side on one page (甲 left, 乙 right)."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    pdf = FPDF(orientation="L")
    pdf.add_font("cjk", "", str(cjk_font()))
    pdf.add_page()
    pdf.set_font("cjk", size=10)
    top = pdf.get_y()
    for side, name in (("LEFT", "甲"), ("RIGHT", "乙")):
        pdf.set_y(top)
        with pdf.table(width=120, align=side, text_align="LEFT", headings_style=FontFace(emphasis="")) as table:
            for k in range(3):
                row = table.row()
                for c in range(3):
                    row.cell(f"{name}{k}{c}")
    return bytes(pdf.output())


def drawing_pdf() -> bytes:
    """A PDF page with only a drawn rectangle: no text layer at all (a scan looks the same)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 120, 80)
    return bytes(pdf.output())


def zip_without_document() -> bytes:
    """A zip archive named .docx that holds no word/document.xml."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("readme.txt", "not a Word document")
    return buf.getvalue()


# ---------------------------------------------------------------- unreadable files
#: (case id, file name, bytes factory, words the reason must contain)
UNREADABLE = [
    ("empty", "empty.txt", lambda: b"", "empty file"),
    ("blank", "blank.txt", lambda: b" \r\n\t \n", "empty file"),
    ("binary", "blob.txt", lambda: bytes(range(256)) * 8, "binary"),
    ("binary-nul", "plan.txt", lambda: "政务公开".encode() + b"\x00\x00\x01\x02" * 40, "binary"),
    ("docx-not-zip", "plan.docx", lambda: "这不是压缩包".encode(), "not a zip"),
    ("docx-no-body", "plan.docx", zip_without_document, "word/document.xml"),
    ("legacy-doc", "plan.doc", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504, ".doc"),
    ("pdf-broken", "plan.pdf", lambda: b"%PDF-1.4\n1 0 obj garbage\n%%EOF", "broken PDF"),
    ("pdf-no-text", "scan.pdf", drawing_pdf, "no text layer"),
    ("pdf-encrypted", "secret.pdf", lambda: text_pdf(["2024年政务公开工作要点，加强政策解读。"], user_password="pw"),
     "encrypted"),
    ("undetectable", "plan.txt", lambda: bytes(0x80 + k % 50 for k in range(300)), "encoding could not be detected"),
]
