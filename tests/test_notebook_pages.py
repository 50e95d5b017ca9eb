"""`analysis notebooks`: choosing notebooks, injecting parameters, fonts in the page, a failing
notebook reported while the others are saved, the same bytes each run, charts drawn offline (the
five real notebooks: tests/test_notebooks.py)."""
import os
import subprocess
import sys

import nbformat
import pytest
from helpers_browser import LOCAL, needs_chromium, offline_page

from analysis import notebook_pages
from analysis.viz.fonts import DRAW_AFTER_FONT, EMBEDDED_FAMILY


def _notebook(path, *sources, parameters="LANG = 'zh'\nROOT = None"):
    cells = [nbformat.v4.new_markdown_cell("# 标题"),
             nbformat.v4.new_code_cell(parameters, metadata={"tags": ["parameters"]}),
             *(nbformat.v4.new_code_cell(s) for s in sources)]
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
    return path


def test_notebook_paths_by_start_of_name(tmp_path):
    for name in ("01_overview", "02_domains", "03_compare"):
        _notebook(tmp_path / f"{name}.ipynb")
    assert [p.stem for p in notebook_pages.notebook_paths(None, tmp_path)] == ["01_overview", "02_domains", "03_compare"]
    assert [p.stem for p in notebook_pages.notebook_paths(["03", "01_"], tmp_path)] == ["01_overview", "03_compare"]
    with pytest.raises(ValueError, match="no notebook in .* starts with 04, x"):
        notebook_pages.notebook_paths(["02", "04", "x"], tmp_path)


def test_parameters_are_injected_after_the_parameters_cell(tmp_path):
    nb = nbformat.read(_notebook(tmp_path / "a.ipynb", "print(LANG)"), as_version=4)
    notebook_pages.inject(nb, {"LANG": "en", "ROOT": "/data/项目"})
    assert [c.source for c in nb.cells[1:3]] == ["LANG = 'zh'\nROOT = None", "LANG = 'en'\nROOT = '/data/项目'"]
    assert nb.cells[2].metadata["tags"] == ["injected-parameters"]
    with pytest.raises(ValueError, match="no parameter REGIONS .*it has LANG, ROOT"):
        notebook_pages.inject(nb, {"REGIONS": ["丽水市"]})
    nb.cells[1].metadata["tags"] = []
    with pytest.raises(ValueError, match="no cell tagged 'parameters'"):
        notebook_pages.inject(nb, {"LANG": "en"})


def test_fonts_join_the_page_and_charts_wait_for_them():
    plotly = f"<script>/**\n{notebook_pages.PLOTLY_JS}4.1.1\n*/ var Plotly = {{}};</script>"
    page = (f"<html><head><title>t</title></head><body><p>承德市</p>{plotly}"
            "<script>Plotly.newPlot('id', [{\"name\": \"\\u4e3d\\u6c34\\u5e02 \\ud83d\\udcca\"}])</script></body></html>")  # a surrogate pair
    out = notebook_pages.with_fonts(page)
    head = out[:out.index("</head>")]
    assert f'@font-face{{font-family:"{EMBEDDED_FAMILY}"' in head
    assert f'--jp-ui-font-family:"{EMBEDDED_FAMILY}",' in head  # first: after the system fonts a cell showed boxes
    assert out.index(plotly) + len(plotly) == out.index(DRAW_AFTER_FONT) < out.index("Plotly.newPlot('id'")
    still = notebook_pages.with_fonts("<html><head></head><body><p>无图</p></body></html>")
    assert "@font-face" in still and DRAW_AFTER_FONT not in still  # plotly.js absent: nothing to wrap


def test_a_failing_notebook_is_reported_and_the_others_are_saved(tmp_path):
    good = _notebook(tmp_path / "01_good.ipynb", "print(LANG + '：政务公开')")
    bad = _notebook(tmp_path / "02_bad.ipynb", "raise ValueError('没有表格')")
    out = tmp_path / "pages"
    out.mkdir()
    (out / "02_bad.html").write_text("the previous page", encoding="utf-8")
    written, failed = notebook_pages.export([good, bad], out, {"LANG": "en"})
    assert written == [out / "01_good.html"]
    assert failed == {bad: "a cell raised ValueError: 没有表格"}
    assert "en：政务公开" in (out / "01_good.html").read_text(encoding="utf-8")
    assert (out / "02_bad.html").read_text(encoding="utf-8") == "the previous page"
    assert sorted(p.name for p in out.iterdir()) == ["01_good.html", "02_bad.html"]  # no temporary left


def test_cli_names_an_unknown_notebook():
    done = subprocess.run([sys.executable, "-m", "analysis", "notebooks", "99"], capture_output=True, text=True)
    assert done.returncode == 2
    assert "no notebook in" in done.stderr and "starts with 99" in done.stderr and "01_corpus_overview" in done.stderr


def test_cli_asks_for_a_build_first(tmp_path):
    env = {**os.environ, "ANALYSIS_ROOT": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "analysis", "notebooks"], capture_output=True, text=True, env=env)
    assert done.returncode == 2
    assert f"no tables in {tmp_path / 'data' / 'processed'}: run `make report`" in done.stderr
    assert not (tmp_path / "reports").exists()



@pytest.fixture(scope="module")
def two_chart_pages(tmp_path_factory):
    """One notebook with two plotly charts, exported twice."""
    path = _notebook(tmp_path_factory.mktemp("nb") / "charts.ipynb",
                     "import plotly.express as px\npx.bar(x=['丽水市', '承德市'], y=[1, 2])",
                     "px.line(x=[2017, 2018], y=[0.2, 0.3], title='雨湖区')")
    return [notebook_pages.to_html(notebook_pages.run(path, {"LANG": "en"})) for _ in range(2)]


def test_a_page_is_the_same_bytes_each_run(two_chart_pages):
    first, second = two_chart_pages
    assert first == second  # plotly draws a random id per chart, nbformat one per injected cell
    assert notebook_pages.CHART_ID.findall(first) == ["chart-1", "chart-2"]
    assert first.count("chart-1") == first.count("chart-2") == 4  # the div, its check, newPlot, the observer
    assert "tex-svg" not in first and "mathjax/2" in first  # the template's MathJax only, none per chart


@needs_chromium
def test_the_charts_draw_offline_in_chromium(two_chart_pages, tmp_path):
    (tmp_path / "charts.html").write_text(two_chart_pages[0], encoding="utf-8")
    with offline_page() as (page, errors, requests):
        page.goto((tmp_path / "charts.html").as_uri())
        page.wait_for_function("document.querySelectorAll('.plotly-graph-div .main-svg').length >= 2",
                               timeout=60_000)
        assert page.evaluate("[...document.querySelectorAll('.plotly-graph-div')].map(d => d.id)") == [
            "chart-1", "chart-2"]
        assert "雨湖区" in page.inner_text("#chart-2") and "丽水市" in page.inner_text("#chart-1")
    refused = sorted({u.split("/ajax/libs/")[-1].split("/")[0] for u in requests if not u.startswith(LOCAL)})
    assert refused == ["mathjax", "require.js"]  # the template's two, none of the charts'
    assert [e for e in errors if "ERR_FAILED" not in e] == []
