"""Every notebook runs on the seed corpus without errors or warnings, is stored without
outputs, matches its paired py:percent script, and makes an HTML page whose charts work offline
(`analysis.notebook_pages`, `make notebooks`)."""
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import jupytext
import nbformat
import pytest

from analysis import notebook_pages
from analysis.viz.fonts import DRAW_AFTER_FONT, EMBEDDED_FAMILY

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
CELL_TIMEOUT = 300
#: A code line that draws a matplotlib chart of analysis.viz.static (shown or passed to display).
DRAWS_STATIC = re.compile(r"^\s*(?:display\()?static\.\w+\(", re.M)


def test_there_are_five_notebooks():
    assert len(NOTEBOOKS) == 5


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_stored_without_outputs_and_paired(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{path.name}: outputs committed"
    script = path.with_suffix(".py")
    assert script.exists(), f"{script.name} missing: run `jupytext --sync {path}`"
    paired = jupytext.read(script)
    assert [(c.cell_type, c.source.strip()) for c in nb.cells] == \
           [(c.cell_type, c.source.strip()) for c in paired.cells], f"{path.name} and {script.name} differ"
    assert "parameters" in nb.cells[1].metadata.get("tags", []) or "parameters" in nb.cells[0].metadata.get("tags", [])


@pytest.fixture(scope="module")
def built_project(tmp_path_factory):
    project = tmp_path_factory.mktemp("project")
    shutil.copytree(ROOT / "data" / "raw", project / "data" / "raw")
    env = {**os.environ, "ANALYSIS_ROOT": str(project)}
    subprocess.run([sys.executable, "-m", "analysis", "build", "--quiet", "--no-report"], env=env, check=True,
                   cwd=project)
    return project


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_executes_without_errors_or_warnings(path, built_project, monkeypatch):
    monkeypatch.setenv("ANALYSIS_ROOT", str(built_project))
    started = time.perf_counter()
    nb = notebook_pages.run(path, timeout=CELL_TIMEOUT)
    print(f"{path.name}: {time.perf_counter() - started:.1f} s")
    problems = []
    for k, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                problems.append(f"cell {k}: {out.ename}: {out.evalue}")
            if out.output_type == "stream" and out.name == "stderr" and out.text.strip():
                problems.append(f"cell {k} printed to stderr: {out.text.strip()[:300]}")
            shown = out.get("data", {})
            if shown.get("text/plain", "").startswith("<Figure size") and "image/png" not in shown:
                problems.append(f"cell {k} shows a figure as text: {shown['text/plain']}")
        if cell.cell_type == "code" and DRAWS_STATIC.search(cell.source) and not any(
                "image/png" in out.get("data", {}) for out in cell.get("outputs", [])):
            problems.append(f"cell {k} draws a static chart but shows no image")
    assert problems == []
    _check_page(nb, notebook_pages.to_html(nb))


def _check_page(nb, page: str) -> None:
    """Each plotly chart has an HTML twin (JupyterLab shows the plotly output, an HTML page the twin);
    the page holds plotly.js once, has the Chinese face, and draws charts only after the font waits."""
    charts = [out for cell in nb.cells for out in cell.get("outputs", [])
              if "application/vnd.plotly.v1+json" in out.get("data", {})]
    assert all("text/html" in out["data"] for out in charts)
    assert page.count(notebook_pages.PLOTLY_JS) == (1 if charts else 0)
    head = page[:page.index("</head>")]
    assert f'@font-face{{font-family:"{EMBEDDED_FAMILY}"' in head and "--jp-content-font-family" in head
    assert '"showSendToCloud": true' not in page and '"showSendToCloud":true' not in page
    if charts:
        assert page.count("Plotly.newPlot(") >= len(charts)
        assert page.index(notebook_pages.PLOTLY_JS) < page.index(DRAW_AFTER_FONT) < page.index("Plotly.newPlot(")
