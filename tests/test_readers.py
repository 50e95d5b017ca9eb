"""Readers: bytes of a raw file → text, with the file type taken from the content."""
from __future__ import annotations

import codecs

import pytest
from helpers_docs import (
    PLAN_TEXT,
    UNREADABLE,
    merged_table_docx,
    plan_docx,
    side_by_side_tables_pdf,
    style_numbered_docx,
    table_docx,
    table_pdf,
    text_pdf,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import readers
from analysis.readers import ReadError, read_bytes, read_path
from analysis.readers.docx import chinese_number
from analysis.readers.html import has_markup, html_to_text, is_html_document, strip_tags

SAMPLE = "2023年新余市政务公开工作要点\n一、加强政策解读\n（一）做好政策文件解读。（责任单位：市政府办公室）\n"


# ---------------------------------------------------------------- plain text encodings
@pytest.mark.parametrize(("encode", "encoding"), [
    (lambda t: t.encode("utf-8"), "utf-8"),
    (lambda t: t.encode("utf-8-sig"), "utf-8-sig"),
    (lambda t: t.encode("gbk"), "gb18030"),
    (lambda t: t.encode("gb18030"), "gb18030"),
    (lambda t: t.encode("utf-16"), "utf-16"),  # Python writes a little-endian BOM
    (lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"), "utf-16"),
], ids=["utf-8", "utf-8-bom", "gbk", "gb18030", "utf-16-le-bom", "utf-16-be-bom"])
def test_text_encodings_decode_to_the_same_text(encode, encoding):
    raw = read_bytes(encode(SAMPLE), "plan.txt")
    assert (raw.kind, raw.encoding) == ("txt", encoding)
    assert raw.text.lstrip("\ufeff") == SAMPLE


def test_non_utf8_encoding_is_noted_in_warnings():
    assert read_bytes(SAMPLE.encode("gbk"), "plan.txt").warnings == ("decoded as gb18030",)
    assert read_bytes(SAMPLE.encode("utf-8"), "plan.txt").warnings == ()


def test_stray_tags_in_a_text_file_are_stripped_with_a_note():
    scraped = '<legend id="h4sia"></legend><samp id="h4sia"></samp>\n<p id="x">' + SAMPLE + "</p>&nbsp;"
    raw = read_bytes(scraped.encode(), "plan.txt")
    assert raw.kind == "txt" and "HTML tags stripped" in raw.warnings
    assert "<" not in raw.text and "一、加强政策解读" in raw.text


# ---------------------------------------------------------------- HTML
PAGE = """<!DOCTYPE html><html><head><title>标题</title><style>p {color: red}</style>
<script>document.write("统计代码")</script></head><body>
<nav><a href="/">首页</a><a href="/zwgk/">政务公开</a></nav>
<div id="content"><p>一、加强政策解读</p><p>（一）做好解读。</p>
<table><tr><td>序号</td><td>工作任务</td></tr><tr><td>1</td><td>做好解读</td></tr></table></div>
<noscript>请启用脚本</noscript><footer>版权所有 某县人民政府</footer>
<script>window.location = "http://example.invalid/"</script></body></html>"""


def test_html_keeps_visible_blocks_and_drops_scripts_styles_nav_footer():
    text = html_to_text(PAGE)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert "一、加强政策解读" in lines and "（一）做好解读。" in lines
    assert "1\t做好解读" in [line.rstrip("\t") for line in lines]
    for junk in ("统计代码", "color", "首页", "请启用脚本", "版权所有", "window.location"):
        assert junk not in text


def _rows(markup: str) -> list[list[str]]:
    return [line.rstrip("\t").split("\t") for line in html_to_text(markup).splitlines() if line.strip()]


def test_a_cell_spanning_rows_is_repeated_in_each_row_it_spans():
    """A task table's units cell merged over two tasks: the second row had four cells for five
    columns, and its requirement was read as its lead unit."""
    table = ("<table><tr><th>序号</th><th>工作任务</th><th>工作要求</th><th>牵头单位</th><th>责任单位</th></tr>"
             "<tr><td colspan='5'>一、推进重点领域信息公开</td></tr>"
             "<tr><td>1</td><td>公开产权交易</td><td>实现信息共享。</td><td>市国资委</td>"
             "<td rowspan='3'>各县（市、区）人民政府</td></tr>"
             "<tr><td>2</td><td>公开经营情况</td><td>按月公开。</td><td rowspan=2>市财政局</td></tr>"
             "<tr><td rowspan='2'>3</td><td>公开预算</td><td>全面公开。</td></tr>"
             "<tr><td>公开决算</td><td>细化到项级科目。</td><td>市审计局</td><td>市直各部门</td></tr>"
             "</table>")
    assert _rows(table) == [
        ["序号", "工作任务", "工作要求", "牵头单位", "责任单位"],
        ["一、推进重点领域信息公开"],
        ["1", "公开产权交易", "实现信息共享。", "市国资委", "各县（市、区）人民政府"],
        ["2", "公开经营情况", "按月公开。", "市财政局", "各县（市、区）人民政府"],
        ["3", "公开预算", "全面公开。", "市财政局", "各县（市、区）人民政府"],
        ["", "公开决算", "细化到项级科目。", "市审计局", "市直各部门"],  # a number (序号) is not repeated
    ]


def test_a_numbered_heading_cell_spanning_rows_is_given_once():
    """二、… merged over the rows of its numbered requirements: repeated, it would number each row
    again (as a 序号 would); left empty, the rows are the items under it."""
    table = ("<table><tr><td>工作任务</td><td>具体要求</td><td>责任单位</td></tr>"
             "<tr><td rowspan='2'>二、做好网站信息公开。</td><td>2.及时更新概况信息。</td><td rowspan='2'>区政府办公室</td></tr>"
             "<tr><td>3.及时更新新媒体信息。</td></tr></table>")
    assert _rows(table)[1:] == [["二、做好网站信息公开。", "2.及时更新概况信息。", "区政府办公室"],
                                ["", "3.及时更新新媒体信息。", "区政府办公室"]]


@pytest.mark.parametrize("text, given", [("12", ""), ("二、做好网站信息公开。", ""), ("（三）推进决策公开", ""),
                                         ("4.及时更新", ""), ("区政府办公室", "区政府办公室"),
                                         ("2023年底前", "2023年底前"), ("12月底前", "12月底前")])
def test_what_a_row_covered_by_a_merged_cell_gets(text, given):
    from analysis.readers.cells import spanned

    assert spanned(text) == given


def test_word_html_cells_keep_a_row_on_one_line():
    """Word's HTML puts each cell's text in <p> elements and indents the source between cells: each
    row came out over several lines, and no task was found. A unit a paragraph is a list."""
    row = ("<tr>\n  <td><p class=MsoNormal>1</p></td>\n  <td><p class=MsoNormal>加强政策解读</p></td>\n"
           "  <td><p>同步组织、同步审签。</p>\n  <p>通过新闻发布会解读\n政策。</p></td>\n"
           "  <td><p>县直各单位<br>各乡镇人民政府</p></td>\n</tr>")
    header = "<tr><td><p>序号</p></td><td><p>工作任务</p></td><td><p>工作要求</p></td><td><p>责任单位</p></td></tr>"
    assert _rows(f"<table>{header}\n{row}</table>") == [
        ["序号", "工作任务", "工作要求", "责任单位"],
        ["1", "加强政策解读", "同步组织、同步审签。通过新闻发布会解读政策。", "县直各单位、各乡镇人民政府"],
    ]


def test_a_page_laid_out_in_a_table_keeps_its_lines():
    article = "".join(f"<p>（{n}）做好第{n}项工作。</p>" for n in "一二三")
    rows = _rows(f"<table><tr><td>首页</td><td>{article}</td></tr></table>")
    assert [r[0] for r in rows[1:]] == ["（一）做好第一项工作。", "（二）做好第二项工作。", "（三）做好第三项工作。"]


def test_a_table_inside_a_cell_keeps_its_own_spans():
    inner = "<table><tr><td rowspan='2'>甲</td><td>乙</td></tr><tr><td>丙</td></tr></table>"
    rows = _rows(f"<table><tr><td rowspan='2'>外</td><td>{inner}</td></tr><tr><td>丁</td></tr></table>")
    assert ["甲", "丙"] in rows and ["外", "丁"] in rows


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.tuples(st.sampled_from(["", "0", "1", "2", "3", "9", "x", "-1"]),
                                   st.sampled_from(["", "1", "2", "3", "0"]),
                                   st.sampled_from(["单位", "7", "任务"])), min_size=0, max_size=5), max_size=6))
def test_any_row_and_column_spans_keep_every_cell(rows):
    """Whatever the spans (missing, zero, too large, not numbers), every cell is read, once at least."""
    def cell(k, rowspan, colspan, text):
        attrs = (f' rowspan="{rowspan}"' if rowspan else "") + (f' colspan="{colspan}"' if colspan else "")
        return f"<td{attrs}>{text}{k}</td>"
    cells = [[cell(f"{i}-{j}", *c) for j, c in enumerate(r)] for i, r in enumerate(rows)]
    text = html_to_text("<table>" + "".join(f"<tr>{''.join(r)}</tr>" for r in cells) + "</table>")
    for i, r in enumerate(rows):
        for j, (_, _, label) in enumerate(r):
            assert f"{label}{i}-{j}" in text


@pytest.mark.parametrize(("text", "document", "markup"), [
    ("<!DOCTYPE html><html><body><p>正文</p></body></html>", True, True),
    ("<html>正文", True, False),
    ("<p>一</p><p>二</p><br/>正文", False, True),
    ("关于印发<2017年湖南省政务公开工作要点>的通知", False, False),  # <…> as a title mark, not a tag
    ("纯文本，没有标签。", False, False),
])
def test_html_detection(text, document, markup):
    assert is_html_document(text) is document
    assert has_markup(text) is markup


def test_strip_tags_unescapes_entities_and_drops_comments():
    assert strip_tags("<p>政务&nbsp;公开&lt;要点&gt;</p><!-- 注释 -->") == "政务\xa0公开<要点>"


def test_html_file_is_recognised_by_content_whatever_its_suffix():
    raw = read_bytes(PAGE.encode("utf-8"), "page.txt")
    assert raw.kind == "html" and "统计代码" not in raw.text


# ---------------------------------------------------------------- DOCX
@pytest.mark.parametrize(("n", "written"), [
    (1, "一"), (9, "九"), (10, "十"), (11, "十一"), (19, "十九"), (20, "二十"), (21, "二十一"), (99, "九十九"),
])
def test_chinese_number(n, written):
    assert chinese_number(n) == written


def test_docx_renders_word_numbering_and_table_rows():
    raw = read_bytes(plan_docx(), "plan.docx")
    lines = raw.text.splitlines()
    assert raw.kind == "docx"
    assert "一、深化重点领域信息公开" in lines and "二、强化政策解读" in lines
    assert lines[lines.index("二、强化政策解读") + 1].startswith("（一）做好政策文件解读")  # level 2 restarts
    assert "序号\t工作任务\t责任单位" in lines and "1\t全面公开政府预决算和部门预决算，细化公开内容。\t市财政局" in lines


def test_docx_renders_numbering_that_comes_from_the_paragraph_style():
    lines = read_bytes(style_numbered_docx(), "plan.docx").text.splitlines()
    assert lines[1].startswith("1.加强政策解读") and lines[2].startswith("2.推进财政信息公开")
    assert lines[3] == "本段的编号已关闭。"


def test_docx_table_cells_are_tab_separated():
    lines = read_bytes(table_docx(), "table.docx").text.splitlines()
    assert lines[1] == "序号\t工作任务\t工作要求\t牵头单位\t责任单位"
    assert lines[2].split("\t")[::3] == ["1", "区政府办公室"]


def test_docx_merged_cells_fill_every_row_they_cover_but_a_number_comes_once():
    lines = read_bytes(merged_table_docx(), "merged.docx").text.splitlines()
    assert lines[2:] == [
        "一、深化重点领域信息公开",  # across columns: once
        "1\t加强政策解读\t同步组织、同步审签、同步部署。\t区政府办公室\t区直各有关单位",
        "2\t推进财政信息公开\t全面公开政府预决算。\t区财政金融局\t区直各有关单位",
        "3\t公开财政预算\t细化到功能分类项级科目。\t区财政金融局\t区直各单位",
        "\t公开审计结果\t公开审计发现问题的整改情况。\t区审计局\t区直各单位",  # 3 spans two rows: one item
        "二、回应社会关切",
        "4\t做好舆情回应\t及时回应社会关切。\t区委网信办\t区直各单位",  # two cells of the same text stay two
    ]


def test_docx_is_recognised_by_its_zip_signature_whatever_its_suffix():
    assert read_bytes(plan_docx(), "download.txt").kind == "docx"


# ---------------------------------------------------------------- PDF
def test_pdf_text_layer_is_read_and_footer_page_numbers_dropped():
    paragraphs = PLAN_TEXT.splitlines() * 3  # long enough for three pages
    raw = read_bytes(text_pdf(paragraphs), "plan.pdf")
    assert raw.kind == "pdf"
    compact = raw.text.replace("\n", "")
    assert "（一）加强财政预决算公开。全面公开政府预决算和部门预决算，细化公开内容。（责任单位：市财政局）" in compact
    assert "- 1 -" not in raw.text and "- 2 -" not in raw.text


def test_pdf_ruled_table_is_read_row_by_row():
    """pdfplumber's page text interleaves the wrapped lines of a table's cells (a requirement's
    second line landed between two rows); the table is read by its ruling instead."""
    lines = read_bytes(table_pdf(), "table.pdf").text.splitlines()
    assert lines == [
        "漳州市2019年政务公开工作任务分解表",
        "序号\t工作任务\t工作要求\t牵头单位\t责任单位",
        "一、推进重点领域信息公开",
        "1\t做好国有产权交易信息公开\t推动产权交易机构与公共资源交易平台实现信息共享，及时公开产权交易项目信息。\t市国资委\t"
        "各县（市、区）人民政府，漳州开发区管委会",
        "2\t做好国有企业经营情况公开\t按月公开国有及国有控股企业主要经济效益指标。\t市国资委，市财政局\t"
        "各县（市、区）人民政府，漳州开发区管委会",  # merged over rows 1-2
        "3\t推进财政预算公开\t全面公开政府预算和部门预算。\t市财政局\t市直各部门",
        "\t推进财政决算公开\t公开决算并解读变化原因。\t市审计局\t市直各部门",  # 3 over two rows: once
        "漳州市人民政府办公室",
        "2019年4月2日",
    ]


def test_pdf_text_beside_a_table_is_kept():
    text = read_bytes(table_pdf(note="注"), "table.pdf").text
    assert text.count("注") == 1


def test_pdf_tables_side_by_side_are_each_read_once():
    lines = read_bytes(side_by_side_tables_pdf(), "two.pdf").text.splitlines()
    assert sorted(lines) == sorted(f"{n}{k}0\t{n}{k}1\t{n}{k}2" for n in "甲乙" for k in range(3))


def test_pdf_whose_ruling_cannot_be_read_is_read_as_text(monkeypatch):
    import pdfplumber.page

    def broken(self, *args, **kwargs):
        raise ValueError("no sense to be made of these lines")

    monkeypatch.setattr(pdfplumber.page.Page, "find_tables", broken)
    text = read_bytes(table_pdf(), "table.pdf").text
    assert "做好国有产权交易信息公开" in text and "\t" not in text  # the page's text, as before tables were read


def test_pdf_is_recognised_by_its_signature_whatever_its_suffix():
    assert read_bytes(text_pdf(["2024年政务公开工作要点：加强政策解读，做好回应关切。"]), "file.bin").kind == "pdf"


# ---------------------------------------------------------------- unreadable files
@pytest.mark.parametrize(("name", "make", "reason"), [c[1:] for c in UNREADABLE], ids=[c[0] for c in UNREADABLE])
def test_unreadable_files_raise_read_error_with_the_reason(name, make, reason):
    with pytest.raises(ReadError, match=reason.replace(".", r"\.")):
        read_bytes(make(), name)


def test_file_too_large_is_refused_before_reading(monkeypatch, tmp_path):
    monkeypatch.setattr(readers, "MAX_RAW_BYTES", 1024)
    with pytest.raises(ReadError, match="too large"):
        read_bytes(b"x" * 2048, "big.txt")
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 2048)
    with pytest.raises(ReadError, match="too large"):
        read_path(big)


def test_missing_path_says_it_cannot_be_opened(tmp_path):
    with pytest.raises(ReadError, match="cannot open"):
        read_path(tmp_path / "absent.txt")


def test_read_path_never_changes_the_file(tmp_path):
    path = tmp_path / "plan.txt"
    data = SAMPLE.encode("gbk")
    path.write_bytes(data)
    before = path.stat().st_mtime_ns
    assert read_path(path).text == SAMPLE
    assert path.read_bytes() == data and path.stat().st_mtime_ns == before
