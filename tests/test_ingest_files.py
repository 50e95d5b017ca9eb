"""Real files end to end: encodings, DOCX, PDF, unreadable files, and the `parse` command."""
from __future__ import annotations

import codecs
import json
import subprocess
import sys

import pdfplumber
import pytest
from helpers_docs import (
    PLAN_PATHS,
    PLAN_TEXT,
    UNREADABLE,
    merged_table_docx,
    merged_units_columns_docx,
    plan_docx,
    style_numbered_docx,
    table_docx,
    table_pdf,
    text_pdf,
)
from typer.testing import CliRunner

from analysis.__main__ import app
from analysis.ingest import parse_bytes, parse_file
from analysis.readers.docx import chinese_number

UNITS = [(["市财政局"], []), (["市发展改革委"], []), (["市政府办公室"], ["市直各部门"])]


def outline(doc) -> list[tuple]:
    return [(t.path, t.lead_units, t.cooperating_units) for t in doc.tasks]


# ---------------------------------------------------------------- encodings
@pytest.mark.parametrize(("encode", "encoding"), [
    (lambda t: t.encode("gbk"), "gb18030"),
    (lambda t: t.encode("utf-8-sig"), "utf-8-sig"),
    (lambda t: t.encode("utf-16"), "utf-16"),
    (lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"), "utf-16"),
], ids=["gbk", "utf-8-bom", "utf-16-le-bom", "utf-16-be-bom"])
def test_encoded_text_files_parse_like_utf8(tmp_path, encode, encoding):
    path = tmp_path / "plan.txt"
    path.write_bytes(encode(PLAN_TEXT))
    doc = parse_file(path)
    plain = parse_bytes(PLAN_TEXT.encode("utf-8"), "plan.txt")
    assert doc.encoding == encoding and not doc.failed
    assert outline(doc) == [(p, *u) for p, u in zip(PLAN_PATHS, UNITS, strict=True)]
    assert [t.text for t in doc.tasks] == [t.text for t in plain.tasks]
    assert (doc.title, doc.issuer, doc.doc_number) == ("2024年南昌市政务公开工作要点", "南昌市人民政府办公室",
                                                       "洪府办发〔2024〕21号")


def test_gbk_file_is_noted_as_decoded_from_gb18030(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_bytes(PLAN_TEXT.encode("gbk"))
    assert "decoded as gb18030" in parse_file(path).warnings


# ---------------------------------------------------------------- DOCX
def test_docx_with_word_numbering_heading_and_annex_table(tmp_path):
    path = tmp_path / "plan.docx"
    path.write_bytes(plan_docx())
    doc = parse_file(path)
    assert doc.kind == "docx" and not doc.failed
    assert (doc.region, doc.plan_year, doc.title, doc.published) == ("南昌市", 2024, "2024年南昌市政务公开工作要点",
                                                                     "2024-05-20")
    # Word restarts the second level under 二、, so the third item is (一) again
    assert [t.path for t in doc.tasks] == ["一/(一)", "一/(二)", "二/(一)"]
    assert outline(doc)[:2] == [("一/(一)", *UNITS[0]), ("一/(二)", *UNITS[1])]
    assert [t.annex_rows for t in doc.tasks] == [[1], [2], []]
    assert not any("annex" in w for w in doc.warnings)


def test_docx_items_numbered_by_their_style():
    doc = parse_bytes(style_numbered_docx(), "plan.docx")
    assert [(t.path, t.lead_units) for t in doc.tasks] == [("1", ["县政府办公室"]), ("2", ["县财政局"])]


def test_docx_task_table_with_a_number_column():
    doc = parse_bytes(table_docx(), "table.docx")
    assert [(t.path, t.heading, t.lead_units, t.cooperating_units) for t in doc.tasks] == [
        ("1", "加强政策解读", ["区政府办公室"], ["区直各有关单位"]),
        ("2", "推进财政信息公开", ["区财政金融局"], ["区直各单位"]),
        ("3", "做好舆情回应", ["区委网信办"], ["各乡镇人民政府"]),
    ]
    assert doc.tasks[0].content == "加强政策解读。坚持政策文件与解读材料同步组织、同步审签、同步部署。"


def test_docx_task_table_with_merged_cells():
    """A number spanning two rows is one item with a task per row (3/a, 3/b, as paragraphs split by
    their own markers are): the first row was lost. Merged unit cells belong to every row they cover."""
    doc = parse_bytes(merged_table_docx(), "merged.docx")
    assert [(t.path, t.heading, t.lead_units, t.cooperating_units) for t in doc.tasks] == [
        ("一/1", "加强政策解读", ["区政府办公室"], ["区直各有关单位"]),
        ("一/2", "推进财政信息公开", ["区财政金融局"], ["区直各有关单位"]),
        ("一/3/a", "公开财政预算", ["区财政金融局"], ["区直各单位"]),
        ("一/3/b", "公开审计结果", ["区审计局"], ["区直各单位"]),
        ("二/4", "做好舆情回应", ["区委网信办"], ["区直各单位"]),
    ]
    assert doc.tasks[3].content == "公开审计结果。公开审计发现问题的整改情况。"


def test_docx_task_table_row_with_its_unit_cells_merged():
    """A row one cell short (牵头单位 and 责任单位 merged) was read from the right: its task heading
    was empty and its requirement became its lead unit."""
    doc = parse_bytes(merged_units_columns_docx(), "merged-units.docx")
    assert [(t.path, t.heading, t.lead_units, t.cooperating_units) for t in doc.tasks][1] == \
        ("2", "做好政府信息公开年报", ["各乡镇人民政府"], [])
    assert doc.tasks[1].content == "做好政府信息公开年报。按时发布年度报告。"


def test_pdf_task_table():
    """The same 分解表 as a PDF: read as page text its rows interleaved, one task came out and the
    region was 市财政局府漳州市."""
    doc = parse_bytes(table_pdf(), "table.pdf")
    assert (doc.region, doc.plan_year, doc.issuer, doc.published) == ("漳州市", 2019, "漳州市人民政府办公室", "2019-04-02")
    counties = ["各县（市、区）人民政府", "漳州开发区管委会"]
    assert [(t.path, t.heading, t.lead_units, t.cooperating_units) for t in doc.tasks] == [
        ("一/1", "做好国有产权交易信息公开", ["市国资委"], counties),
        ("一/2", "做好国有企业经营情况公开", ["市国资委", "市财政局"], counties),
        ("一/3/a", "推进财政预算公开", ["市财政局"], ["市直各部门"]),
        ("一/3/b", "推进财政决算公开", ["市审计局"], ["市直各部门"]),
    ]
    assert doc.warnings == []


def test_pdf_task_table_over_several_pages_repeats_its_header():
    doc = parse_bytes(table_pdf(more=25), "long-table.pdf")
    assert [t.path for t in doc.tasks] == ["一/1", "一/2", "一/3/a", "一/3/b", *(f"一/{k}" for k in range(4, 29))]
    assert not any("工作任务" in t.text for t in doc.tasks)  # the header on each page is no task
    assert doc.tasks[-1].lead_units == ["市政府办公室"] and doc.warnings == []


# ---------------------------------------------------------------- PDF
ITEMS = ["加强财政预决算公开", "推进重大建设项目信息公开", "做好政策文件解读", "做好舆情回应", "加强政府网站管理",
         "推进政务新媒体规范发展", "深化基层政务公开", "做好建议提案办理结果公开", "加强政务公开培训", "强化监督考核",
         "推进社会救助信息公开", "推进教育领域信息公开", "推进医疗卫生信息公开", "做好政府开放日活动"]
BODY = ("。围绕群众关切，及时准确公开相关政策文件、办事指南和工作进展情况，主动回应社会关切，"
        "完善公开工作机制，丰富公开形式，提升公开质量和实效。（责任单位：{}）")
UNIT_CYCLE = ["县政府办公室", "县财政局", "县发展改革局"]


def test_pdf_over_several_pages_parses_with_hard_wraps_mended(tmp_path):
    lines = ["遂川县人民政府办公室", "关于印发2023年遂川县政务公开工作要点的通知", "遂府办字〔2023〕15号",
             "各乡镇人民政府，县直各单位：", "现将《2023年遂川县政务公开工作要点》印发给你们，请认真贯彻落实。",
             "遂川县人民政府办公室", "2023年5月8日", "（此件主动公开）", "2023年遂川县政务公开工作要点",
             "为深入贯彻落实国务院办公厅和省政府办公厅关于政务公开工作的部署要求，结合我县实际，制定本要点。",
             "一、深化重点领域信息公开"]
    lines += [f"（{chinese_number(k + 1)}）{item}{BODY.format(UNIT_CYCLE[k % 3])}" for k, item in enumerate(ITEMS)]
    path = tmp_path / "plan.pdf"
    path.write_bytes(text_pdf(lines))
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) >= 2
    doc = parse_file(path)
    assert doc.kind == "pdf" and not doc.failed
    assert {k: getattr(doc, k) for k in ("region", "plan_year", "title", "issuer", "published", "doc_number")} == {
        "region": "遂川县", "plan_year": 2023, "title": "2023年遂川县政务公开工作要点", "issuer": "遂川县人民政府办公室",
        "published": "2023-05-08", "doc_number": "遂府办字〔2023〕15号"}  # notice lines are not run together
    assert [t.path for t in doc.tasks] == [f"一/({chinese_number(k + 1)})" for k in range(len(ITEMS))]
    for k, task in enumerate(doc.tasks):
        assert task.heading == ITEMS[k]
        assert task.text == ITEMS[k] + BODY.format(UNIT_CYCLE[k % 3])  # wraps joined, no page number left
        assert task.lead_units == [UNIT_CYCLE[k % 3]]


# ---------------------------------------------------------------- unreadable files
@pytest.mark.parametrize(("name", "make", "reason"), [c[1:] for c in UNREADABLE], ids=[c[0] for c in UNREADABLE])
def test_unreadable_file_gives_a_failed_document_that_says_why(tmp_path, name, make, reason):
    path = tmp_path / name
    path.write_bytes(make())
    doc = parse_file(path)
    assert doc.failed and not doc.is_plan and doc.tasks == []
    assert len(doc.warnings) == 1 and doc.warnings[0].startswith("unreadable: ")
    assert reason in doc.warnings[0]
    assert doc.sha256 is not None  # the bytes were read, so the file is still identified


def test_missing_file_gives_a_failed_document(tmp_path):
    doc = parse_file(tmp_path / "absent.txt")
    assert doc.failed and doc.warnings[0].startswith("unreadable: ")


# ---------------------------------------------------------------- the parse command
def test_parse_command_exits_1_and_still_prints_every_file(tmp_path):
    (tmp_path / "good.txt").write_text(PLAN_TEXT, encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    result = subprocess.run([sys.executable, "-m", "analysis", "parse", "good.txt", "empty.txt", "--json"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stderr
    good, empty = json.loads(result.stdout)
    assert (good["source"], empty["source"]) == ("good.txt", "empty.txt")
    assert [t["path"] for t in good["tasks"]] == PLAN_PATHS and good["warnings"] == []
    assert empty["tasks"] == [] and empty["warnings"] == ["unreadable: empty file"]


def test_parse_command_exits_0_when_every_file_parses(tmp_path):
    (tmp_path / "good.txt").write_text(PLAN_TEXT, encoding="utf-8")
    result = CliRunner().invoke(app, ["parse", str(tmp_path / "good.txt"), "--json"])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)) == 1


@pytest.mark.parametrize("args", [["parse"], ["parse", "--json"], ["parse", "x.txt", "--no-such-option"],
                                  ["validate"]],
                         ids=["no-paths", "only-option", "unknown-option", "missing-required-option"])
def test_usage_errors_exit_2(args):
    assert CliRunner().invoke(app, args).exit_code == 2


def test_to_dict_is_asdict_on_real_plans(seed_docs):
    """The shallow to_dict methods give what dataclasses.asdict gives (the cache format), copies included."""
    from dataclasses import asdict

    from analysis.domains import classify_tasks

    for doc in seed_docs.values():
        plain = doc.to_dict()
        assert plain == asdict(doc)
        assert plain["tasks"][0]["lead_units"] is not doc.tasks[0].lead_units
        assert [s.to_dict() for s in classify_tasks(doc.tasks)] == [asdict(s) for s in classify_tasks(doc.tasks)]
