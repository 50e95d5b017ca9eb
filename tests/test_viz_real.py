"""The charts on real plans: data/raw seeds plus the shared extras, measured by analysis.measure.

Skipped when the shared development data (config.SHARED_DIR/extra) is absent. Checks that the
measure tables have the columns the charts were built against (the synthetic frames), that
every view renders cleanly in both languages, and that drawn numbers equal the tables.
"""
from __future__ import annotations

import numpy as np
import pytest
from test_viz_frames import EMPHASIS_COLUMNS, SIMILARITY_COLUMNS, TERMS_COLUMNS, TOPIC_COLUMNS
from test_viz_static import assert_renders_cleanly

from analysis.config import RAW_DIR, SHARED_DIR
from analysis.viz import frames, interactive, static

EXTRA = SHARED_DIR / "extra"
pytestmark = pytest.mark.skipif(not EXTRA.is_dir(), reason=f"shared development data absent ({EXTRA})")


@pytest.fixture(scope="module")
def real():
    from analysis.domains import TopicModel
    from analysis.measure import distinctive_terms, emphasis, plan_similarity
    from analysis.tables import build_tables, load_corpus

    paths = sorted(RAW_DIR.glob("*.txt")) + sorted(EXTRA.glob("*.txt"))
    t = build_tables(load_corpus(paths))
    e = emphasis(t["tasks"], t["task_domains"], t["documents"], n_boot=200)
    measured = t["tasks"][t["tasks"]["file"].isin(e["file"])]
    return {
        "emphasis": e, "documents": t["documents"], "tasks": measured,
        "terms": distinctive_terms(measured, by="region"),
        "similarity": plan_similarity(measured, t["documents"]),
        "topics": TopicModel(k=8, random_state=0).fit(measured, key="task_id", text="content").topics(measured),
    }


def test_measure_tables_have_the_columns_the_charts_expect(real):
    assert list(real["emphasis"].columns) == EMPHASIS_COLUMNS
    assert list(real["terms"].columns) == TERMS_COLUMNS
    assert list(real["similarity"].columns) == SIMILARITY_COLUMNS
    assert list(real["topics"].columns) == TOPIC_COLUMNS


def _draw(view: str, lang: str, r: dict):
    docs, tasks, e = r["documents"], r["tasks"], r["emphasis"]
    return {
        "domain_heatmap": lambda: static.domain_heatmap(e, lang, documents=docs),
        "emphasis_over_years": lambda: static.emphasis_over_years(e, lang, documents=docs),
        "domain_composition": lambda: static.domain_composition(e, lang, documents=docs),
        "domain_dotplot": lambda: static.domain_dotplot(e, "platforms", lang, documents=docs),
        "distinctive_terms": lambda: static.distinctive_terms_chart(r["terms"], lang, tasks=tasks, documents=docs),
        "similarity_heatmap": lambda: static.similarity_heatmap(r["similarity"], lang, documents=docs),
        "topic_clusters": lambda: static.topic_clusters(r["topics"], lang, tasks=tasks, documents=docs),
    }[view]()


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("view", list(static.VIEWS))
def test_every_static_view_renders_cleanly_on_real_plans(real, view, lang):
    assert_renders_cleanly(_draw(view, lang, real))


def test_real_heatmap_is_the_pivot_of_task_share(real):
    e = real["emphasis"]
    ax = static.domain_heatmap(e, "zh", documents=real["documents"]).axes[0]
    plans = frames.plans(e)
    files = [dict(zip(plans["label"], plans["file"], strict=True))[t.get_text()] for t in ax.get_yticklabels()]
    pivot = e.pivot(index="file", columns="domain", values="task_share").fillna(0.0)
    columns = frames.domain_order(e["domain"])
    assert np.allclose(np.asarray(ax.images[0].get_array()), pivot.loc[files, columns].to_numpy() * 100)


def test_real_year_traces_equal_the_table(real):
    e = real["emphasis"]
    fig = interactive.emphasis_over_years(e, "en", documents=real["documents"], tasks=real["tasks"])
    for trace in fig.data:
        rows = e[(e["domain"] == trace.meta) & (e["region"] == trace.name)].sort_values("plan_year")
        assert np.allclose([v for v in trace.y if v is not None], rows["task_share"].to_numpy(dtype=float) * 100)


def test_real_source_note_names_the_excluded_files(real):
    note = frames.source_note(real["emphasis"], "zh", real["documents"])
    assert "平潭综合实验区 2014（非工作要点）" in note
    assert "菏泽市 2018（文本不完整）" in note
