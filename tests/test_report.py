"""The HTML report: self-contained, every chart rendered in a real browser with the network
blocked, Chinese text present, tables downloadable; both languages."""
import base64
import io
import re
from html import unescape
from pathlib import Path

import pandas as pd
import pytest
from helpers_browser import LOCAL, needs_chromium, offline_page

from analysis.report import render
from analysis.tables import build_tables, load_corpus

ROOT = Path(__file__).resolve().parents[1]
#: The charts with something drawn past the right edge of their column (clipped, or reached only
#: by scrolling the chart sideways).
OVERFLOWING = """() => [...document.querySelectorAll('figure.chart')].filter(fig => {
  const edge = fig.getBoundingClientRect().right;
  return [...fig.querySelectorAll('.main-svg *')].some(el => el.getBoundingClientRect().right > edge + 1);
}).map(fig => fig.dataset.name)"""


@pytest.fixture(scope="module", autouse=True)
def fixed_build_date():
    """Renders compared with each other must not straddle a minute (the page states its build time)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", "1700000000")
        yield


@pytest.fixture(scope="module")
def tables():
    from analysis.corpus import corpus_tables

    t = build_tables(load_corpus(sorted((ROOT / "data" / "raw").glob("*.txt"))))
    t.update(corpus_tables(t))
    return t


@pytest.fixture(scope="module")
def reports(tables, tmp_path_factory):
    folder = tmp_path_factory.mktemp("report")
    out = {}
    for lang in ("zh", "en"):
        path = folder / f"index_{lang}.html"
        path.write_text(render(tables, lang, raw_dir=ROOT / "data" / "raw", versions={"parser": "test"}),
                        encoding="utf-8")
        out[lang] = path
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_report_is_self_contained(reports, lang):
    html = reports[lang].read_text(encoding="utf-8")
    assert "<script src=" not in html and "<link" not in html
    # the inlined plotly.js names CDN and map-tile URLs as defaults; the page itself must load nothing
    page = re.sub(r"<script[^>]*>.*?</script>", "<script></script>", html, flags=re.S)
    assert re.search(r"(?:src|href)=[\"']?https?://", page) is None
    assert re.search(r"https?://[^\"' ]+\.(?:js|css|woff2?)", page) is None
    assert "Plotly" in html  # plotly.js inlined
    assert "丽水市" in html  # Chinese region names in both languages
    assert html.count('class="chart"') >= 6


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_tables_download_as_csv(reports, lang):
    html = reports[lang].read_text(encoding="utf-8")
    links = re.findall(r'download="([^"]+)\.csv" href="data:text/csv;charset=utf-8;base64,([^"]+)"', html)
    names = {name for name, _ in links}
    assert {"plans", "task_shares", "raw_files", "codebook"} <= names
    plans = dict(links)["plans"]
    text = base64.b64decode(plans).decode("utf-8-sig")
    assert text.splitlines()[0].startswith("file,") and "lishui-2020.txt" in text
    cells = re.findall(r"<td>([^<]*)</td>", html)
    assert cells and not [c for c in cells if re.fullmatch(r"-?\d+\.\d{4,}", c)]  # shown rounded, CSV in full


def test_shares_are_shown_with_the_places_they_were_rounded_to(reports):
    table = re.search(r'data-name="task_shares".*?</table>', reports["en"].read_text(encoding="utf-8"), re.S).group()
    numbers = re.findall(r"<td>(-?\d+\.\d+)</td>", table)
    assert len(numbers) > 20 and {len(n.split(".")[1]) for n in numbers} == {1}  # 5.9, not 5.900
    assert re.findall(r"<td>(-?\d+)</td>", table) == []  # a column of whole shares reads 2.0 beside 3.3


@pytest.mark.parametrize(("values", "places"), [([5.9, 0.0, 17.6], 1), ([1.0, 2.0], 0), ([0.25, 0.5], 2),
                                                 ([1 / 3, 0.5], 3), ([], 0), ([1e-12, 2.0], 0)])
def test_a_float_column_is_shown_with_the_fewest_places_that_keep_it(values, places):
    from analysis.report.build import decimals

    assert decimals(pd.Series(values, dtype=float)) == places


def test_a_table_too_large_to_embed_points_to_the_processed_tables(tables, monkeypatch):
    """At 20,000 plans the embedded CSVs made the report 56 MB; large ones are left to data/processed/."""
    from analysis.report import build as report

    monkeypatch.setattr(report, "MAX_EMBEDDED_CSV", 2000)
    html = render(tables, "en", raw_dir=ROOT / "data" / "raw", versions={"parser": "test"})
    links = set(re.findall(r'download="([^"]+)\.csv"', html))
    assert "pipeline_versions" in links and "codebook" not in links  # a few hundred bytes; over 2,000
    assert re.search(r"This table&#x27;s CSV \(0\.\d MB\) is too large to embed", html)
    assert html.count('data-name="codebook"') == 1  # the table itself is still shown


def test_zh_table_heads_name_columns_in_chinese_and_the_csv_keeps_the_names(reports):
    zh, en = (re.findall(r"<th[^>]*>([^<]*)</th>", reports[k].read_text(encoding="utf-8")) for k in ("zh", "en"))
    assert {"地区（region）", "年度（plan_year）", "文件（file）"} <= set(zh)
    assert [h for h in zh if re.fullmatch(r"[A-Za-z0-9_]+", h)] == []  # every machine name has a Chinese label
    assert {"region", "plan_year", "file"} <= set(en)


def test_the_report_carries_the_glyphs_of_every_character_it_shows(reports, tables):
    """A machine without any Chinese font still renders the report: the bundled face is embedded,
    cut down to the page's characters, the same bytes each time."""
    import io

    from fontTools.ttLib import TTFont

    html = reports["zh"].read_text(encoding="utf-8")
    (font,) = re.findall(r'@font-face\{font-family:"Noto Sans CJK SC";src:url\(data:font/woff;base64,([^)]+)\)', html)
    covered = set(TTFont(io.BytesIO(base64.b64decode(font))).getBestCmap())
    page = html[html.index("<body>"):]
    shown = {c for c in page if ord(c) > 0x2E80} | {"丽", "政"}
    assert shown and not {c for c in shown if ord(c) not in covered}
    assert len(base64.b64decode(font)) < 1_000_000  # a subset, not the 16 MB face
    assert render(tables, "zh", raw_dir=ROOT / "data" / "raw", versions={"parser": "test"}) == html


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_chart_is_drawn_in_the_embedded_cjk_face(reports, lang):
    """plotly's default family has no Chinese glyphs: a chart that names no font shows boxes
    where no Chinese font is installed."""
    from analysis.viz.fonts import EMBEDDED_FAMILY

    calls = reports[lang].read_text(encoding="utf-8").split("Plotly.newPlot(")[1:]
    charts = {re.match(r'\s*"([^"]+)"', c).group(1): c.split("</script>")[0] for c in calls}
    from analysis import config

    assert len(charts) >= 6 and ("fig-validation" in charts or not (config.SHARED_DIR / "gold").exists())
    assert [name for name, call in charts.items() if EMBEDDED_FAMILY not in call] == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_chart_offers_to_upload_itself(reports, lang):
    """plotly.js 3 puts a "Share chart" button on every chart that posts its data to
    cloud.plotly.com; the report's charts have none."""
    calls = reports[lang].read_text(encoding="utf-8").split("Plotly.newPlot(")[1:]
    assert len(calls) >= 6
    assert [c[:40] for c in calls if '"showSendToCloud": false' not in c.split("</script>")[0]] == []


def _corpus_paragraph(page: str) -> str:
    section = page[page.index('id="corpus"'):]
    return unescape(re.sub(r"<[^>]+>", " ", section[: section.index("</p>")]))


def test_the_corpus_summary_counts_the_plans_measured_and_names_those_left_out(tmp_path):
    """The report's first numbers are those of its charts: plans left out of every measure (a
    truncated text, a plan whose tasks were not read, one whose region is unknown) are counted apart and named, not counted
    among the plans, regions and tasks the charts show."""
    from analysis.corpus import corpus_tables

    empty = tmp_path / "no-tasks-2021.txt"
    empty.write_text("龙泉市人民政府办公室关于印发2021年龙泉市政务公开工作要点的通知\n各部门：\n"
                     "《2021年龙泉市政务公开工作要点》已经市政府同意，现印发给你们。\n龙泉市人民政府办公室\n2021年4月2日\n",
                     encoding="utf-8")
    nowhere = tmp_path / "template.txt"  # a template site's plan, with no place in it
    nowhere.write_text("xx镇人民政府2023年政务公开工作实施方案\n一、主动公开政府信息。通过政府网站主动公开机构设置。\n"
                       "二、依申请公开政府信息。依法答复公民的申请。\n", encoding="utf-8")
    t = build_tables(load_corpus([*sorted((ROOT / "data" / "raw").glob("*.txt")), empty, nowhere]))
    t.update(corpus_tables(t))
    docs, measured = t["documents"], set(t["emphasis"]["file"])
    plans = docs[docs["is_plan"].fillna(False)]
    left_out = sorted(set(plans["file"]) - measured)
    assert {"no-tasks-2021.txt", "template.txt"} <= set(left_out) and len(left_out) >= 3  # and the truncated seed
    text = _corpus_paragraph(render(t, "en", raw_dir=ROOT / "data" / "raw", versions={"parser": "test"}))
    regions = docs.loc[docs["file"].isin(measured), "region"].nunique()
    n_tasks = int(t["tasks"]["file"].isin(measured).sum())
    assert f"{len(plans)} of them plans; {len(measured)} measured, from {regions} regions" in text
    assert f"with {n_tasks} tasks" in text
    assert all(file in text for file in left_out) and not any(file in text for file in measured)
    zh = _corpus_paragraph(render(t, "zh", raw_dir=ROOT / "data" / "raw", versions={"parser": "test"}))
    assert f"{len(measured)} 份计入度量，覆盖 {regions} 个地区" in zh and "未识别出任务 1 份（no-tasks-2021.txt）" in zh
    assert "地区不明 1 份（template.txt；若为某地的要点，可在 data/raw/overrides.csv 中填写其 region）" in zh


def test_the_corpus_summary_names_departments_plans_apart_from_the_governments(tmp_path):
    """A county bureau's own plan is read (its tasks are in the tables) but is no government's plan:
    no measure counts it, the summary names it with its department, and a chart's note says why."""
    from analysis.corpus import corpus_tables
    from analysis.viz import frames

    bureau = ROOT / "tests" / "fixtures" / "layouts" / "department_task_table.txt"
    t = build_tables(load_corpus([*sorted((ROOT / "data" / "raw").glob("*.txt")), bureau]))
    t.update(corpus_tables(t))
    docs = t["documents"].set_index("file")
    assert docs.loc[bureau.name, "department"] == "交通运输局" and not docs.loc[bureau.name, "is_plan"]
    assert bureau.name in set(t["tasks"]["file"]) and bureau.name not in set(t["emphasis"]["file"])
    assert docs["department"].notna().sum() == 1
    en = _corpus_paragraph(render(t, "en", raw_dir=ROOT / "data" / "raw", versions={"parser": "test"}))
    assert f"1 more are departments' own plans ({bureau.name}: 宁远县交通运输局)" in en
    zh = _corpus_paragraph(render(t, "zh", raw_dir=ROOT / "data" / "raw", versions={"parser": "test"}))
    assert f"另有 1 份为政府部门自身的工作要点（{bureau.name}: 宁远县交通运输局）" in zh
    assert "宁远县交通运输局 2022（部门自身的要点）" in frames.source_note(t["emphasis"], "zh", t["documents"])


def test_the_corpus_summary_names_the_documents_that_are_no_plans(tmp_path):
    """An annual report and a government's rules of procedure filed beside the plans are read but are
    no plans: the summary named neither, so a reader saw fewer plans than files and no list of the
    ones left out."""
    from analysis.corpus import corpus_tables

    rules = tmp_path / "taihu-rules.txt"
    rules.write_text("太湖县人民政府关于印发《太湖县人民政府工作规则》的通知\n各乡、镇人民政府：\n现予印发，请遵照执行。\n"
                     "太湖县人民政府\n2019年1月17日\n太湖县人民政府工作规则\n一、县政府要进一步推进政务公开。\n"
                     "二、各部门要加强协调配合。\n", encoding="utf-8")
    report = ROOT / "tests" / "fixtures" / "layouts" / "annual_report.txt"
    t = build_tables(load_corpus([*sorted((ROOT / "data" / "raw").glob("*.txt")), report, rules]))
    t.update(corpus_tables(t))
    zh = _corpus_paragraph(render(t, "zh", raw_dir=ROOT / "data" / "raw", versions={"parser": "test"}))
    assert ("另有 2 份不是工作要点（annual_report.txt: 广州市海珠区2021年政府信息公开工作年度报告、"
            "taihu-rules.txt: 太湖县人民政府工作规则），未计入") in zh
    assert "政府部门自身" not in zh
    en = _corpus_paragraph(render(t, "en", raw_dir=ROOT / "data" / "raw", versions={"parser": "test"}))
    assert ("2 more are no plans (annual_report.txt: 广州市海珠区2021年政府信息公开工作年度报告, "
            "taihu-rules.txt: 太湖县人民政府工作规则) and are not counted") in en


def test_languages_differ(reports):
    zh, en = (reports[k].read_text(encoding="utf-8") for k in ("zh", "en"))
    assert "跨地区比较" in zh and "Comparison across plans" in en and "跨地区比较" not in en


@needs_chromium
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_chart_renders_in_headless_chromium_offline(reports, lang, tmp_path):
    with offline_page() as (page, errors, requests):
        page.goto(reports[lang].as_uri())
        page.wait_for_function("document.querySelectorAll('figure.chart .main-svg').length >= "
                               "document.querySelectorAll('figure.chart').length", timeout=60_000)
        charts = page.locator("figure.chart")
        assert charts.count() >= 6
        for k in range(charts.count()):
            assert charts.nth(k).locator(".main-svg").count() >= 1, charts.nth(k).get_attribute("data-name")
        text = page.inner_text("body")
        assert "丽水市" in text and ("语料" in text if lang == "zh" else "Corpus" in text)
        assert page.evaluate("[...document.fonts].filter(f => f.family.includes('Noto Sans CJK SC'))"
                             ".map(f => f.status)") == ["loaded"]  # the embedded face, not a system font
        page.screenshot(path=str(tmp_path / f"report_{lang}.png"), full_page=True)
        for width in (1000, 1280, 1920):
            page.set_viewport_size({"width": width, "height": 900})
            page.wait_for_timeout(500)  # charts without a fixed width follow the window after plotly's resize
            assert page.evaluate(OVERFLOWING) == [], width
    assert errors == []
    assert [u for u in requests if not u.startswith(LOCAL)] == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_domain_columns_show_the_domains_names_and_the_csv_keeps_their_ids(reports, tables, lang):
    from analysis.viz.palette import domain_labels

    html = reports[lang].read_text(encoding="utf-8")
    names, ids = domain_labels(lang), set(domain_labels(lang))
    table = re.search(r'data-name="topics".*?</table>', html, re.S).group()
    rows = re.findall(r"<tr>\s*<td>(\d+)</td>(?:\s*<td>[^<]*</td>){2}\s*<td>([^<]*)</td>", table)
    assert rows and [unescape(cell) for _, cell in rows] == [names[d] for d in tables["topics"]["matched_domain"]]
    csv = base64.b64decode(re.search(r'download="topics\.csv" href="data:text/csv;charset=utf-8;base64,([^"]+)"',
                                     html).group(1)).decode("utf-8-sig")
    assert set(pd.read_csv(io.StringIO(csv))["matched_domain"]) <= ids
    outside_codebook = re.sub(r'data-name="codebook".*?</table>', "", html, flags=re.S)  # defines the ids
    cells = {unescape(c) for c in re.findall(r"<td>([^<]*)</td>", outside_codebook)}
    assert not cells & (ids - set(names.values()))  # no other table shows a bare id


def test_group_shares_follow_the_charts_rows_and_sum_to_100():
    """The province's plans first, as in the charts (the table was sorted by label: 丽水市, 平潭…, 福建省)."""
    from test_viz_frames import synthetic_tables

    from analysis.explore import share_table
    from analysis.report.build import _groups

    t = synthetic_tables()
    keys = ["file", "region", "parent", "province", "level", "plan_year", "domain_group"]
    t["emphasis_groups"] = t["emphasis"].groupby(keys, dropna=False)["task_share"].sum().reset_index()
    table = re.search(r'data-name="group_shares".*?</table>', _groups(t, "en", {}, t["tasks"]), re.S).group()
    assert re.findall(r"<th[^>]*>([^<]*)</th>", table) == ["plan", "policy", "process", "none"]
    rows = re.findall(r"<tr>\s*<td>([^<]*)</td>((?:\s*<td>[^<]*</td>)*)", table)
    assert [plan for plan, _ in rows] == list(share_table(t["emphasis"], "en").index)
    assert rows[0][0].startswith("福建省")
    for _, cells in rows:
        assert abs(sum(float(c) for c in re.findall(r"<td>([^<]*)</td>", cells)) - 100) < 0.2  # no blank cell


def test_table_columns_keep_their_text_on_lines_of_readable_width():
    """Chinese text breaks between any two characters: a table wider than its box had its titles and
    issuers squeezed to one or two characters a line (8 lines for a 16-character title). Each head
    now asks for its column's longest cell, 12 em at most; a Chinese name wraps after 4 characters."""
    from analysis.report.build import COLUMN_EM, _table

    frame = pd.DataFrame({"region": ["隆阳区", "平潭综合实验区"], "title": ["隆阳区2020年政务公开工作计划", "要点"],
                          "n_tasks": [14, 9], "file": ["longyang-2020.txt", "a.txt"]})
    for lang, heads in (("zh", ["地区（region）", "标题（title）", "任务数（n_tasks）", "文件（file）"]),
                        ("en", ["region", "title", "n_tasks", "file"])):
        html = _table(frame, "plans", lang)
        widths = dict(re.findall(r'<th style="min-width:([\d.]+)em">([^<]*)</th>', html)[k][::-1] for k in range(4))
        assert list(widths) == heads
        region, title, n_tasks, file = (float(widths[h]) for h in heads)
        assert region == 7.0  # 平潭综合实验区 on one line
        assert title == COLUMN_EM  # 隆阳区2020年政务公开工作计划 (17.2 em) on two lines
        assert file == round(sum(0.55 for _ in "longyang-2020.txt"), 1)
        assert abs(n_tasks - (3.0 if lang == "zh" else 7 * 0.55)) < 0.06  # its name (任务数; n_tasks) beats 14
    assert "<td>隆阳区2020年政务公开工作计划</td>" in html  # cells as before
