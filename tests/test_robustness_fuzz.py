"""Fuzzing the parser: no exception escapes and every call returns in bounded time, on random text
(hypothesis, per-example deadline), on long pathological strings, and on mutants of the real plans
(flipped, cut, re-encoded, duplicated, NUL-filled, wrapped in HTML) parsed in killable workers.

benchmarks/fuzz_seeds.py runs the mutation part at scale (20,000 mutants and more)."""
from __future__ import annotations

import re
import time
from collections import Counter
from datetime import timedelta

import pytest
from fuzz.mutate import KINDS, mutants
from fuzz.runner import BAD, run
from helpers_docs import PLAN_TEXT, plan_docx, text_pdf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import config
from analysis.ingest import layout, tables
from analysis.ingest.citations import find_citations
from analysis.ingest.document import Document, parse_bytes, parser
from analysis.ingest.metadata import extract_metadata
from analysis.ingest.normalize import normalize
from analysis.ingest.numbering import MARKER, build_tree, candidates, select
from analysis.ingest.patterns import load_patterns
from analysis.ingest.regions import region_table
from analysis.ingest.units import UnitParser

#: Seconds one call may take on hostile input. Real plans parse in a tenth of that; the margin is for a
#: loaded CI machine, while a quadratic regression on the inputs below takes ten to a hundred times more.
BOUND = 10
PATTERNS = load_patterns()
UNITS = UnitParser(PATTERNS)

#: Plan fragments and hostile bits glued together at random: outline markers, brackets, responsibility
#: wording, dates, table headers, furniture, spam, markup, control and exotic characters.
PIECES = [
    "一、", "二、", "十一、", "（一）", "(二)", "（ 三 ）", "1.", "2、", "10．", "(1)", "（2）", "①", "⑳", "第一部分",
    "（", "）", "(", ")", "〔", "〕", "[", "]", "【", "】", "<", ">", "《", "》", "“", "”", "‘",
    "（责任单位：", "(牵头单位:", "责任时限：", "配合单位：", "牵头", "配合", "负责落实", "按职责分工负责", "会同",
    "市财政局", "县政府办公室", "各县（市、区）人民政府", "区直各有关单位", "、", "，", "。", "；", "：", ":",
    "\n", "\n\n", " ", "  ", "\t", "|", "｜", "\r\n", "\u3000", "\u200b", "\ufeff", "\x00", "\x0c",
    "2020年6月8日", "6月底前", "年内完成", "2021年", "〔2022〕12号", "国办发 2018 23 号", "第 3 页",
    "附件", "附件：", "抄送：", "关于印发", "的通知", "政务公开工作要点", "实施方案", "工作报告", "落实情况",
    "工作任务", "工作要求", "牵头单位", "责任单位", "序号", "当前位置：首页 > ", "浏览次数：12", "分享到：",
    "政務公開", "國務院辦公廳", "(zhèng)", "bet365体育", "www.abc123.com", "<p>", "</td><td>", "<script>",
    "&nbsp;", "&#x4e00;", "ＡＢ１２", "𠀀", "\U0001f600", "\ufffd",
]
texts = st.lists(st.one_of(st.sampled_from(PIECES),
                           st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), max_size=8),
                           st.text(max_size=6)),
                 max_size=150).map("".join)
lines = texts.map(lambda t: t.split("\n"))
fuzz = settings(max_examples=80, deadline=timedelta(seconds=BOUND), suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module", autouse=True)
def warm():
    """Load the pattern file, region table and converter once, outside the per-example deadline."""
    parser().parse_text("政務公開（一）做好公开。（责任单位：市财政局）")


# ---------------------------------------------------------------- the whole parser and its pieces
@fuzz
@given(texts, st.sampled_from(["txt", "html", "pdf", "docx"]))
def test_parse_text_returns_a_document(text, kind):
    doc = parser().parse_text(text, "fuzz.txt", kind)
    assert isinstance(doc, Document) and all(t.text.strip() for t in doc.tasks)


@fuzz
@given(texts)
def test_normalize(text):
    out, notes = normalize(text)
    assert isinstance(out, str) and all(isinstance(n, str) for n in notes)


@fuzz
@given(texts)
def test_layout_functions(text):
    assert isinstance(layout.undo_line_index(text)[0], str)
    cleaned, pages = layout.remove_page_numbers(text)
    assert isinstance(cleaned, str) and pages == sorted(pages)
    assert isinstance(layout.break_table_headers(text, PATTERNS), str)
    columns = layout.table_columns(text, PATTERNS)
    assert columns is None or set(columns) <= {"task", "requirement", "lead", "responsible", "cooperating", "deadline"}
    rows = text.split("\n")
    assert isinstance(layout.reflow(rows, re.compile(r"\s*(?:" + MARKER.pattern + ")")), list)
    assert all(isinstance(x, str) for x in layout.drop_furniture(rows, PATTERNS))


@fuzz
@given(lines)
def test_extract_metadata(rows):
    meta = extract_metadata(rows, PATTERNS)
    assert meta.title is None or isinstance(meta.title, str)
    assert meta.published is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", meta.published)


@fuzz
@given(texts)
def test_numbering_select_and_tree(text):
    warnings: list[str] = []
    kept = select(candidates(text), warnings, text)
    assert all(a.end <= b.start for a, b in zip(kept, kept[1:]))
    build_tree(kept, len(text))


@fuzz
@given(texts)
def test_unit_parser(text):
    found = UNITS.find(text)
    assert all(0 <= m.start < m.end <= len(text) for m in found)
    UNITS.units(text)
    UNITS.parse_fields(text[:400])
    UNITS.deadlines_in(text)


@fuzz
@given(texts)
def test_annex_tables_citations_and_regions(text):
    rows = tables.parse_annex(text)
    tables.link_annex(rows, [("一/(一)", text[:200])])
    tables.split_flat_row(text, ["task", "requirement", "lead", "responsible"])
    tables.split_cell_row(text.split("\t"), ["task", "lead", "deadline"])
    find_citations(text, PATTERNS)
    region_table().resolve([text[:300]], text)


# ---------------------------------------------------------------- long pathological strings
PATHOLOGICAL = ["（", "(", "【", "一、", "（一）", "①", "1.", "、", "责任单位：", "（责任单位：", "牵头", "关于", "《",
                "附件", "\n", "\n十", "（①", "(【", "\n（市财政局牵头）", "工作任务 牵头单位 ", "2020年", "〔2020〕1号"]


@pytest.mark.parametrize("piece", PATHOLOGICAL, ids=[repr(p) for p in PATHOLOGICAL])
def test_ten_thousand_repeats_parse_in_bounded_time(piece):
    text = piece * (10_000 // len(piece) + 1)
    started = time.monotonic()
    parser().parse_text(text, "long.txt")
    assert time.monotonic() - started < BOUND


#: Inputs that once took quadratic time (seconds at 10,000 characters, minutes at 80,000).
QUADRATIC_ONCE = {
    "letters (spam domain pattern)": "a" * 40_000,
    "base64 blob": "iVBORw0KGgoAAAANSUhEUgAA" * 2_000,
    "spaces inside a task": "一、做好公开a" + " " * 40_000 + "b。（责任单位：市财政局）",
    "tabs inside a task": "一、做好公开a" + "\t" * 40_000 + "b。",
    "whitespace line": "一、做好公开。\n" + " \t" * 20_000 + "x\n二、推进。",
    "spaces before Chinese": "一、做好公开" + " " * 40_000 + "中。",
    "spaces in a title": "2020年" + " " * 40_000 + "政务公开工作要点\n一、做好。",
    "spaces after a label": "发布机构：" + " " * 40_000 + "x",
}


@pytest.mark.parametrize("text", QUADRATIC_ONCE.values(), ids=QUADRATIC_ONCE.keys())
def test_inputs_that_were_quadratic_now_parse_quickly(text):
    started = time.monotonic()
    parser().parse_text(text, "long.txt")
    assert time.monotonic() - started < BOUND / 2


def test_parsing_that_runs_too_long_is_stopped_with_a_reason(monkeypatch):
    from analysis.ingest import document

    monkeypatch.setattr(document, "PARSE_SECONDS", 1)
    started = time.monotonic()
    doc = parse_bytes(("（①" * 60_000).encode(), "soup.txt")
    assert time.monotonic() - started < BOUND
    assert doc.failed and doc.warnings[0].startswith("unreadable: parsing stopped after 1 s"), doc.warnings


# ---------------------------------------------------------------- mutants of the real plans
def seed_files() -> dict[str, bytes]:
    """The seed plans of data/raw/, the shared development plans when present, one DOCX and one PDF."""
    files = {p.name: p.read_bytes() for p in sorted(config.RAW_DIR.glob("*.txt"))}
    extra = config.SHARED_DIR / "extra"
    if extra.is_dir():
        files |= {p.name: p.read_bytes() for p in sorted(extra.glob("*.txt"))}
    files["generated-plan.docx"] = plan_docx()
    files["generated-plan.pdf"] = text_pdf(PLAN_TEXT.splitlines())
    return files


def test_three_hundred_mutants_of_the_real_plans_parse_or_fail_with_a_reason():
    results = list(run(mutants(seed_files(), 300, seed=20240601), timeout=60, workers=2))
    outcomes = Counter((r.kind, r.outcome) for r in results)
    bad = [r for r in results if r.outcome in BAD]
    assert not bad, "\n\n".join(f"{r.label} ({r.name}): {r.outcome}\n{r.detail[-1500:]}" for r in bad[:5])
    assert len(results) == 300
    assert {kind for kind, _ in outcomes} == set(KINDS)
    assert sum(n for (_, outcome), n in outcomes.items() if outcome == "parsed") > 50  # much damage is survivable
    assert max(r.seconds for r in results) < BOUND * 3
