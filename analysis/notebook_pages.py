"""The notebooks as pages to share: run each notebook of notebooks/ on the processed tables and save
it as one HTML file whose interactive charts work offline, for co-authors who do not run Jupyter.

In a Jupyter kernel plotly gives a chart only its own output type, which JupyterLab draws and an
HTML export (JupyterLab's "Save and Export Notebook As → HTML", `jupyter nbconvert`) leaves blank.
The kernels started here use plotly's `notebook` renderer beside it (PLOTLY_RENDERER): each chart
also comes as HTML, and plotly.js (4.8 MB) goes into the page once.
"""
from __future__ import annotations

import ast
import os
import re
from pathlib import Path

import nbformat

from . import config
from .atomic import atomic_write_text

RENDERER = "plotly_mimetype+notebook"
PLOTLY_JS = "* plotly.js v"  # how the copy of plotly.js the renderer puts into a page begins
CELL_TIMEOUT = 600  # seconds a cell may take (a large corpus's charts)
CHART_ID = re.compile(r'<div class="plotly-graph-div" id="([^"]+)"')  # a random UUID per chart
CHART_MATHJAX = re.compile(r'<script src="[^"]*/mathjax/[^"]*"></script>(?=<script>if \(window\.MathJax)')


def notebook_paths(names: list[str] | None = None, folder: Path = config.NOTEBOOKS_DIR) -> list[Path]:
    """The notebooks whose file name starts with one of `names` ('03', '03_cross'), or all of them."""
    paths = sorted(folder.glob("*.ipynb"))
    if not names:
        return paths
    unknown = [n for n in names if not any(p.name.startswith(n) for p in paths)]
    if unknown:
        raise ValueError(f"no notebook in {folder} starts with {', '.join(unknown)} "
                         f"(there are {', '.join(p.stem for p in paths)})")
    return [p for p in paths if any(p.name.startswith(n) for n in names)]


def inject(nb: nbformat.NotebookNode, parameters: dict) -> None:
    """Add a cell setting `parameters` after the cell tagged 'parameters' (papermill's convention:
    tagged 'injected-parameters'); a name that cell does not assign is an error."""
    at = next((k for k, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])), None)
    if at is None:
        raise ValueError("the notebook has no cell tagged 'parameters'")
    known = {t.id for node in ast.walk(ast.parse(nb.cells[at].source)) if isinstance(node, ast.Assign)
             for t in node.targets if isinstance(t, ast.Name)}
    unknown = sorted(set(parameters) - known)
    if unknown:
        raise ValueError(f"the notebook has no parameter {', '.join(unknown)} (it has {', '.join(sorted(known))})")
    source = "\n".join(f"{name} = {value!r}" for name, value in parameters.items())
    nb.cells.insert(at + 1, nbformat.v4.new_code_cell(source, id="injected-parameters",
                                                      metadata={"tags": ["injected-parameters"]}))


def run(path: Path, parameters: dict | None = None, timeout: int = CELL_TIMEOUT) -> nbformat.NotebookNode:
    """The notebook at `path` executed in a new kernel started in its folder (reading the tables
    of this project, or of ANALYSIS_ROOT's), with `parameters` injected; nbclient's
    CellExecutionError when a cell fails."""
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    if parameters:
        inject(nb, parameters)
    env = {**os.environ, "PLOTLY_RENDERER": RENDERER}
    NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}},
                   extra_arguments=["--IPKernelApp.log_level=ERROR"]).execute(env=env)
    return nb


def to_html(nb: nbformat.NotebookNode) -> str:
    """One HTML page (nbconvert's JupyterLab template): text, tables, images and charts, with the
    bundled Chinese face as the report has it (`with_fonts`)."""
    from nbconvert import HTMLExporter

    return with_fonts(stable_charts(HTMLExporter(template_name="lab").from_notebook_node(nb)[0]))


def stable_charts(page: str) -> str:
    """The page the same bytes for the same notebook: plotly's random chart ids numbered in page
    order (chart-1, chart-2 …), and the MathJax 3 each chart would fetch on its own left to the
    page's MathJax 2 (the template's; plotly configures MathJax 2 when it finds it)."""
    ids = dict.fromkeys(CHART_ID.findall(page))
    if ids:
        names = {old: f"chart-{k}" for k, old in enumerate(ids, 1)}
        page = re.sub("|".join(map(re.escape, ids)), lambda m: names[m.group()], page)
    return CHART_MATHJAX.sub("", page)


def with_fonts(page: str) -> str:
    """The page rendering on a machine without Chinese fonts: the bundled face, cut down to the
    page's characters, heads the template's font stacks for text and tables, as in the report (after
    the system fonts, a table cell's 财政金融 still showed as boxes in Chromium), joins the code's
    after its monospace fonts, and the charts wait for it (`fonts.DRAW_AFTER_FONT`, right after plotly.js)."""
    from .viz.fonts import DRAW_AFTER_FONT, EMBEDDED_FAMILY, page_characters, webfont_css

    face = f'"{EMBEDDED_FAMILY}"'
    stacks = (f':root{{--jp-ui-font-family:{face},system-ui,-apple-system,"Segoe UI",helvetica,arial,sans-serif;'
              f'--jp-content-font-family:var(--jp-ui-font-family);'
              f'--jp-code-font-family:menlo,consolas,"DejaVu Sans Mono",{face},monospace}}')
    page = page.replace("</head>", f"<style>{webfont_css(page_characters(page))}{stacks}</style></head>", 1)
    plotly_js = page.find(PLOTLY_JS)
    if plotly_js < 0:  # no interactive chart
        return page
    end = page.index("</script>", plotly_js) + len("</script>")
    return page[:end] + DRAW_AFTER_FONT + page[end:]


def export(paths: list[Path], out_dir: Path = config.NOTEBOOK_PAGES_DIR,
           parameters: dict | None = None) -> tuple[list[Path], dict[Path, str]]:
    """Run and save each notebook as out_dir/<name>.html (written atomically); a notebook that
    fails leaves its previous page as it was and is returned with the reason, the others go on."""
    from nbclient.exceptions import CellExecutionError

    written, failed = [], {}
    for path in paths:
        try:
            page = to_html(run(path, parameters))
        except CellExecutionError as exc:
            failed[path] = f"a cell raised {exc.ename}: {exc.evalue}"
            continue
        except Exception as exc:  # a kernel that died, a timeout, an unknown parameter
            failed[path] = f"{type(exc).__name__}: {exc}"
            continue
        target = out_dir / f"{path.stem}.html"
        atomic_write_text(target, page)
        written.append(target)
    return written, failed
