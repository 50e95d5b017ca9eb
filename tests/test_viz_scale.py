"""Figures and report of a corpus larger than the charts can draw plan by plan: the build
finishes, leaves those charts out and says so, caps the small multiples and the notes' name
lists, and a selection of the plans charts as before."""
from __future__ import annotations

from pathlib import Path

import pytest

from analysis import explore, pipeline
from analysis.viz import export, frames
from benchmarks.synthetic import generate

N = frames.MAX_PLAN_ROWS + 10


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A synthetic corpus of N plans built with figures and report, over figures of an earlier,
    smaller build (a heat map) and a file of the researcher's own."""
    root = tmp_path_factory.mktemp("scale")
    raw = generate(N, root / "raw")
    figures = root / "reports" / "figures"
    figures.mkdir(parents=True)
    (figures / "domain_heatmap_zh.png").write_bytes(b"an earlier build's heat map")
    (figures / "my_notes_zh.txt").write_text("mine", encoding="utf-8")
    processed = root / "data" / "processed"
    summary = pipeline.build(raw, processed, root / "reports", root / "cache", workers=1)
    tables = {name: pipeline.read_table(name, processed) for name in pipeline.available_tables(processed)}
    return root, summary, tables


def test_the_build_finishes_and_leaves_out_the_charts_with_a_row_per_plan(built):
    root, summary, tables = built
    assert summary.failed == [] and frames.n_plans(tables["emphasis"]) == N
    assert frames.n_series(tables["emphasis"], tables["documents"]) > frames.MAX_SERIES
    names = {p.name for p in (root / "reports" / "figures").iterdir()}
    for view in ("domain_heatmap", "domain_composition", "domain_dotplot", "emphasis_over_years", "similarity_heatmap",
                 "lineage_text_reuse"):
        assert not any(n.startswith(view) for n in names), view
    assert {"distinctive_terms_region_zh.png", "topic_clusters_zh.html"} <= names
    # in their place, the means of provinces (synthetic regions get theirs from overrides.csv), levels and years
    assert {"emphasis_means_province_zh.png", "emphasis_means_level_zh.png", "emphasis_means_plan_year_zh.html"} <= names
    assert "my_notes_zh.txt" in names  # not a figure of ours: kept
    assert set(summary.charts_left_out) == {"domain_heatmap", "domain_composition", "domain_dotplot",
                                            "emphasis_over_years", "similarity_heatmap", "lineage_text_reuse"}
    assert summary.charts_left_out["domain_heatmap"] == f"{N} plans > {frames.MAX_PLAN_ROWS}"
    report = (root / "reports" / "index.html").read_text(encoding="utf-8")
    assert report.count(f"语料有 {N} 份要点，超过逐一绘制的上限（{frames.MAX_PLAN_ROWS}）") == 3  # comparison, similarity, reuse
    assert "个地区，超过逐一绘制的上限" in report
    assert 'id="fig-heatmap"' not in report and 'id="fig-terms"' in report
    assert 'id="fig-means_level"' in report and 'id="fig-means_plan_year"' in report
    assert 'data-name="emphasis_means"' in report


def test_the_report_leaves_out_exactly_the_charts_the_figures_leave_out(built, monkeypatch):
    from analysis.report import render

    _, _, tables = built
    monkeypatch.setattr(frames, "MAX_PLAN_ROWS", N)  # now the plans fit; the governments still do not
    assert set(export.left_out_views(tables)) == {"emphasis_over_years"}
    html = render(tables, "en")
    assert all(f'id="fig-{name}"' in html for name in ("heatmap", "dotplot", "similarity", "reuse"))
    assert html.count("Charts left out here") == 1 and 'id="fig-years_policy"' not in html
    assert f"the corpus has {frames.n_series(tables['emphasis'], tables['documents'])} regions" in html


def test_small_multiples_show_the_groups_with_most_tasks_and_say_so(built, monkeypatch):
    _, _, tables = built
    terms, tasks, docs = tables["distinctive_terms"], tables["tasks"], tables["documents"]
    region_terms = terms[terms["group_by"] == "region"]
    total = region_terms["group"].nunique()
    assert len(frames.term_groups(region_terms["group"], "region", tasks, docs)) == min(total, frames.MAX_PANELS)
    shown = frames.term_groups(region_terms["group"], "region", tasks, docs, limit=8)
    assert len(shown) == 8 < total
    per_group = tasks["file"].map(frames.plans(frames.plan_rows(tasks), docs).set_index("file")["region"]) \
        .value_counts()
    hidden = set(region_terms["group"]) - set(shown)
    assert per_group[list(shown)].min() >= per_group[list(hidden)].max()
    monkeypatch.setattr(frames, "MAX_NOTE_NAMES", 5)
    note = frames.source_note(frames.plan_rows(tasks), "zh", docs, extra=frames.panels_note(
        region_terms["group"], shown, "地区", "zh"))
    assert f"图中为任务最多的 8 个地区（共 {total} 个）" in note
    regions = frames.n_series(tables["emphasis"], docs)
    assert f"等（另 {regions - 5} 个）" in note and note.count("、") < regions
    assert frames.panels_note(region_terms["group"], sorted(set(region_terms["group"])), "地区", "zh") == ()


def test_a_selection_of_the_plans_gets_every_chart(built):
    _, _, tables = built
    regions = sorted(tables["documents"]["region"].unique())[:4]
    part = explore.select(tables, regions=regions)
    views = set(export._views(part, None))
    assert {"domain_heatmap", "emphasis_over_years", "domain_composition", "similarity_heatmap"} <= views
    assert set(export._views(tables, None)).isdisjoint({"domain_heatmap", "emphasis_over_years", "similarity_heatmap"})
    assert export.left_out_views(part) == {}
    assert not any(v.startswith("emphasis_means") for v in views)  # a corpus charted plan by plan
    n = part["emphasis_means"].drop_duplicates(["group_by", "group"]).groupby("group_by")["n_plans"].sum()
    assert n["plan_year"] == n["level"] == frames.n_plans(part["emphasis"]) < N  # the selection's means


@pytest.mark.parametrize("name, says", [("03_cross_region_comparison", f"{N} plans: the charts below draw a row"),
                                        ("04_emphasis_across_years", "governments: the charts below draw one line")])
def test_the_notebooks_ask_for_a_selection_instead_of_drawing_every_plan(built, name, says):
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    root = built[0]
    path = Path(__file__).resolve().parents[1] / "notebooks" / f"{name}.ipynb"
    nb = nbformat.read(path, as_version=4)
    params = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    params.source = params.source.replace("ROOT = None", f"ROOT = {str(root)!r}")
    with pytest.raises(CellExecutionError, match=says):
        NotebookClient(nb, timeout=300, kernel_name="python3",
                       resources={"metadata": {"path": str(path.parent)}}).execute()
