"""plotly views: every view builds in both languages; traces carry the table's numbers; hover and legends work."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_viz_frames import (
    CB,
    PLANS,
    stored_topics,
    synthetic_documents,
    synthetic_emphasis,
    synthetic_similarity,
    synthetic_tasks,
    synthetic_terms,
    synthetic_topics,
)

from analysis.viz import domain_colors, domain_labels, frames, interactive
from analysis.viz.fonts import PLOTLY_FONT_FAMILY

E = synthetic_emphasis()
DOCS = synthetic_documents()
TASKS = synthetic_tasks(E)
LANGS = ["zh", "en"]
VIEWS = {
    "domain_heatmap": lambda lang: interactive.domain_heatmap(E, lang, documents=DOCS, tasks=TASKS),
    "emphasis_over_years": lambda lang: interactive.emphasis_over_years(E, lang, documents=DOCS, tasks=TASKS),
    "domain_composition": lambda lang: interactive.domain_composition(E, lang, documents=DOCS, tasks=TASKS),
    "domain_dotplot": lambda lang: interactive.domain_dotplot(E, "platforms", lang, documents=DOCS, tasks=TASKS),
    "distinctive_terms": lambda lang: interactive.distinctive_terms_chart(synthetic_terms(), lang, tasks=TASKS,
                                                                          documents=DOCS),
    "similarity_heatmap": lambda lang: interactive.similarity_heatmap(synthetic_similarity(), lang, documents=DOCS),
    "topic_clusters": lambda lang: interactive.topic_clusters(synthetic_topics(), lang, tasks=TASKS, documents=DOCS),
}


def _values(seq) -> list:
    return [v for v in seq if v is not None]


def _file(label: str) -> str:
    return {frames.plan_label(r, y): f for f, r, _, _, y, _ in PLANS}[label]


def test_the_views_match_the_static_ones():
    from analysis.viz import static

    assert set(VIEWS) == set(interactive.VIEWS) == set(static.VIEWS)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("view", list(VIEWS))
def test_every_view_builds_with_font_title_and_source_note(view, lang):
    fig = VIEWS[view](lang)
    assert isinstance(fig, go.Figure)
    assert fig.layout.font.family == PLOTLY_FONT_FAMILY
    assert fig.layout.title.text
    notes = [a for a in fig.layout.annotations if a.name == "source_note"]
    assert len(notes) == 1 and ("数据：" in notes[0].text or "Data: " in notes[0].text)
    assert len(fig.data) > 0
    fig.to_json()  # serialisable: no pandas objects left in the figure


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("view", list(VIEWS))
def test_every_view_fits_the_report_column(view, lang):
    """A chart wider than MAX_WIDTH runs past its report column (the heatmap, years, stacked,
    terms and topic charts did: 1,070–1,330 px)."""
    assert VIEWS[view](lang).layout.width <= interactive.MAX_WIDTH


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("view", list(VIEWS))
def test_every_title_sits_between_the_mode_bar_row_and_the_plot(view, lang):
    """plotly shows its mode bar (about 26 px high) at a chart's top right on hover; a narrow chart's
    centred title sat in that row, under the buttons (the similarity heatmap of four plans did)."""
    layout = VIEWS[view](lang).layout
    title = layout.title
    assert (title.yref, title.y, title.yanchor) == ("container", 1, "top")
    assert title.pad.t >= 28
    assert layout.margin.t >= title.pad.t + title.font.size * 1.4  # the title's line fits above the plot


def test_terms_panels_wrap_into_full_rows_that_fit():
    fig = interactive.distinctive_terms_chart(synthetic_terms("plan_year"), "zh")  # 6 years, ncols=4
    columns = {tuple(ax.domain) for ax in fig.select_xaxes()}
    rows = {tuple(ax.domain) for ax in fig.select_yaxes()}
    assert (len(columns), len(rows)) == (3, 2) and fig.layout.width <= interactive.MAX_WIDTH


def test_heatmap_z_is_the_pivot_of_task_share():
    fig = interactive.domain_heatmap(E, "en")
    trace = fig.data[0]
    pivot = E.pivot(index="file", columns="domain", values="task_share").fillna(0.0)
    files = [_file(label) for label in trace.y]
    assert np.allclose(np.asarray(trace.z, dtype=float), pivot.loc[files, [*CB.ids, "unclassified"]] * 100)
    labels = domain_labels("en")
    assert list(trace.x) == [labels[d] for d in [*CB.ids, "unclassified"]]
    n_policy = sum(CB.group_of(d) == "policy" for d in CB.ids)
    assert any(shape.x0 == n_policy - 0.5 for shape in fig.layout.shapes)


def test_heatmap_hover_names_plan_domain_share_interval_and_sample_headings():
    fig = interactive.domain_heatmap(E, "zh", tasks=TASKS)
    trace = fig.data[0]
    i = list(trace.y).index("福建省 2016")
    row = E[(E["file"] == "fujian-2016.txt")].set_index("domain")
    j = int(np.argmax([row.loc[d, "task_share"] for d in CB.ids]))
    hover = trace.customdata[i][j]
    d = CB.ids[j]
    assert "福建省 2016" in hover and domain_labels("zh")[d] in hover
    assert f"{row.loc[d, 'task_share'] * 100:.1f}%" in hover
    assert f"{row.loc[d, 'task_share_lo'] * 100:.1f}–{row.loc[d, 'task_share_hi'] * 100:.1f}%" in hover
    assert "示例任务" in hover and f"的{d}任务" in hover


def test_years_traces_hold_each_regions_plans_only_and_break_at_gaps():
    fig = interactive.emphasis_over_years(E, "en", tasks=TASKS)
    seen_legend = {}
    for trace in fig.data:
        rows = E[(E["domain"] == trace.meta) & (E["region"] == trace.name)].sort_values("plan_year")
        y = np.array(_values(trace.y), dtype=float)
        x = np.array(_values(trace.x), dtype=float)
        assert np.allclose(y, rows["task_share"] * 100)
        assert np.allclose(np.round(x), rows["plan_year"])  # no zero for a year without a plan
        assert np.allclose(_values(trace.error_y.array), (rows["task_share_hi"] - rows["task_share"]) * 100)
        assert np.allclose(_values(trace.error_y.arrayminus), (rows["task_share"] - rows["task_share_lo"]) * 100)
        gaps = int((np.diff(rows["plan_year"]) > 1).sum())
        assert list(trace.y).count(None) == gaps
        assert trace.mode == ("markers" if len(rows) == 1 else "lines+markers")
        assert trace.legendgroup == trace.name
        seen_legend[trace.name] = seen_legend.get(trace.name, 0) + bool(trace.showlegend)
    assert seen_legend == {r: 1 for r in E["region"].unique()}  # one legend entry toggles a region everywhere


def test_composition_traces_are_the_shares_grouped_policy_and_process():
    fig = interactive.domain_composition(E, "en")
    bars = [tr for tr in fig.data if tr.type == "bar"]
    assert [tr.meta for tr in bars] == [*CB.ids, "unclassified"]
    total = np.zeros(len(bars[0].y))
    for tr in bars:
        files = [_file(label) for label in tr.y]
        shares = E[E["domain"] == tr.meta].set_index("file")["task_share"].reindex(files).fillna(0.0)
        assert np.allclose(tr.x, shares * 100)
        assert tr.marker.color == domain_colors()[tr.meta]
        assert tr.legendgroup == ("none" if tr.meta == "unclassified" else CB.group_of(tr.meta))
        total += np.asarray(tr.x)
    assert np.allclose(total, 100)
    assert fig.layout.legend.groupclick == "toggleitem"


def test_dotplot_orders_plans_by_share_with_a_trace_per_region():
    fig = interactive.domain_dotplot(E, "platforms", "zh", tasks=TASKS)
    order = list(fig.layout.yaxis.categoryarray)
    shares = E[E["domain"] == "platforms"].set_index("file")["task_share"]
    values = [shares[_file(label)] for label in order]
    assert values == sorted(values, reverse=True)
    assert {tr.name for tr in fig.data} == set(E["region"])
    for tr in fig.data:
        assert np.allclose(tr.x, [shares[_file(label)] * 100 for label in tr.y])


def test_terms_bars_are_z_scores_per_group():
    terms = synthetic_terms("plan_year")
    fig = interactive.distinctive_terms_chart(terms, "en", n_terms=5)
    assert [tr.name for tr in fig.data] == sorted(terms["group"].unique())
    for tr in fig.data:
        top = terms[(terms["group"] == tr.name) & (terms["rank"] <= 5)].sort_values("rank")
        assert list(tr.y) == list(top["term"]) and np.allclose(tr.x, top["z"])


def test_similarity_z_is_symmetric_with_unit_diagonal():
    s = synthetic_similarity()
    trace = interactive.similarity_heatmap(s, "en").data[0]
    z = np.asarray(trace.z, dtype=float)
    assert np.allclose(z, z.T) and np.allclose(np.diag(z), 1)
    files = [_file(label) for label in trace.y]
    for a, b, c in zip(s["file_a"], s["file_b"], s["cosine"], strict=True):
        assert z[files.index(a), files.index(b)] == pytest.approx(c)


def test_topics_one_trace_per_matched_domain_with_sizes_and_examples():
    topics = synthetic_topics()
    fig = interactive.topic_clusters(topics, "zh")
    assert [tr.meta for tr in fig.data] == [d for d in domain_colors() if d in set(topics["matched_domain"])]
    for tr in fig.data:
        part = topics[topics["matched_domain"] == tr.meta]
        assert sorted(tr.x) == sorted(part["n_tasks"]) and tr.marker.color == domain_colors()[tr.meta]
        assert all("示例任务" in h for h in tr.customdata)
        assert sorted(tr.y) == sorted(f"主题 {k}" for k in part["topic"])  # the topics table's numbers


@pytest.mark.parametrize("lang", LANGS)
def test_topic_legend_has_its_title_on_top_and_room_for_its_rows(lang):
    """With its title on the left plotly laid the legend's rows out past the chart's right edge
    ('Standardization & institutions' cut off in the English report of 11 plans)."""
    fig = interactive.topic_clusters(synthetic_topics(), lang)
    legend = fig.layout.legend
    assert (legend.orientation, legend.title.side) == ("h", "top")
    names = [tr.name for tr in fig.data]
    rows = interactive._legend_rows(names, fig.layout.width - fig.layout.margin.l - 20)
    assert rows >= 2 and fig.layout.margin.t >= interactive.MODEBAR_PX + 22 + 28 * rows  # chart title, then the legend


@given(st.integers(0, 10**7))
def test_size_ticks_are_round_numbers_about_five_of_them(top):
    step = interactive.nice_step(top)
    digits = str(step).rstrip("0")
    assert digits in ("1", "2", "5") and top / step <= 5 and (step == 1 or top / step > 1)


def test_topic_size_ticks_on_a_large_corpus_are_round():
    topics = synthetic_topics().assign(n_tasks=lambda d: d["n_tasks"] * 27)  # 810 tasks in the largest
    ticks = list(interactive.topic_clusters(topics, "zh").layout.xaxis.tickvals)
    assert ticks == [0, 200, 400, 600, 800]


def test_topics_read_as_stored_by_the_pipeline_draw_the_same():
    fitted = interactive.topic_clusters(synthetic_topics(), "en")
    stored = interactive.topic_clusters(stored_topics(), "en")
    for a, b in zip(fitted.data, stored.data, strict=True):
        assert list(a.text) == list(b.text) and list(a.customdata) == list(b.customdata)
        assert [int(x) for x in a.x] == [int(x) for x in b.x]


def test_hover_without_tasks_has_no_sample_headings():
    fig = interactive.domain_composition(E, "en")
    assert not any("sample tasks" in h for tr in fig.data if tr.type == "bar" for h in tr.customdata)
