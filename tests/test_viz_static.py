"""matplotlib views: every view builds in both languages, renders every glyph, shows the table's numbers."""
from __future__ import annotations

import io
import itertools
import math
import warnings
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.text import Text
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

from analysis.viz import domain_colors, domain_labels, frames, static
from analysis.viz.fonts import CJK_FONT_FILE, use_cjk_font
from analysis.viz.labels import t
from analysis.viz.palette import GROUP_LABELS

E = synthetic_emphasis()
DOCS = synthetic_documents()
TASKS = synthetic_tasks(E)
LANGS = ["zh", "en"]


@cache
def build(view: str, lang: str) -> Figure:
    """Each view drawn from the synthetic tables (cached: the tests using it only read the figure)."""
    return {
        "domain_heatmap": lambda: static.domain_heatmap(E, lang, documents=DOCS),
        "emphasis_over_years": lambda: static.emphasis_over_years(E, lang, documents=DOCS),
        "domain_composition": lambda: static.domain_composition(E, lang, documents=DOCS),
        "domain_dotplot": lambda: static.domain_dotplot(E, "platforms", lang, documents=DOCS),
        "distinctive_terms": lambda: static.distinctive_terms_chart(synthetic_terms(), lang, tasks=TASKS,
                                                                    documents=DOCS),
        "similarity_heatmap": lambda: static.similarity_heatmap(synthetic_similarity(), lang, documents=DOCS),
        "topic_clusters": lambda: static.topic_clusters(synthetic_topics(), lang, tasks=TASKS, documents=DOCS),
    }[view]()


def texts(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


def drawn_texts(fig: Figure) -> list[Text]:
    """Text artists that are actually drawn: tick labels only within the axis view, non-empty, visible."""
    ticks = set()
    shown = []
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            lo, hi = sorted(axis.get_view_interval())
            for tick, loc in zip(axis.get_major_ticks(), axis.get_majorticklocs(), strict=False):
                for label in (tick.label1, tick.label2):
                    ticks.add(id(label))
                    if label.get_visible() and lo - 1e-9 <= loc <= hi + 1e-9 and ax.get_visible():
                        shown.append(label)
    shown += [t for t in fig.findobj(Text) if id(t) not in ticks]
    return [t for t in shown if t.get_visible() and t.get_text().strip()]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("view", list(static.VIEWS))
def test_every_view_builds_with_title_units_and_source_note(view, lang):
    fig = build(view, lang)
    assert isinstance(fig, Figure)
    words = " ".join(texts(fig))
    title = {"domain_heatmap": "heatmap_title", "emphasis_over_years": "years_title",
             "domain_composition": "stacked_title", "similarity_heatmap": "similarity_title",
             "topic_clusters": "topics_title"}.get(view)
    if title:
        assert t(title, lang) in words
    assert ("数据：" if lang == "zh" else "Data: ") in words or ("地区（" in words or "regions (" in words)
    if view in ("domain_heatmap", "emphasis_over_years", "domain_composition", "domain_dotplot"):
        assert {"zh": "任务占比（%）", "en": "share of tasks (%)"}[lang] in words


@pytest.mark.parametrize("view", list(static.VIEWS))
def test_every_view_shows_itself_in_jupyter_as_png(view):
    """What IPython displays for a figure a notebook cell returns (built without pyplot, nothing
    else registers a display for it: the notebooks showed "<Figure size …>")."""
    from IPython.core.formatters import PNGFormatter

    fig = build(view, "zh")
    data, meta = PNGFormatter()(fig)
    assert data.startswith(b"\x89PNG")
    width, height = fig.get_size_inches()
    assert meta == {"width": round(width * static.SHOWN_DPI), "height": round(height * static.SHOWN_DPI)}
    assert abs(int.from_bytes(data[16:20], "big") - width * static.REPR_DPI) <= 1  # drawn sharper than shown


def assert_renders_cleanly(fig: Figure) -> None:
    """PNG rendering with warnings as errors: a missing glyph ('Glyph … missing from font') fails;
    every drawn text uses the bundled CJK font, no two horizontal labels overlap, none is cut off
    or touches a side edge (the longest term of a terms chart did, 0.03 in from it)."""
    canvas = FigureCanvasAgg(fig)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        canvas.print_png(io.BytesIO())
    renderer = canvas.get_renderer()
    drawn = drawn_texts(fig)
    for text in drawn:
        assert font_manager.findfont(text.get_fontproperties()).endswith(CJK_FONT_FILE), text.get_text()
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in drawn if t.get_rotation() == 0]
    clashes = []
    for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2):
        both = box_a.intersection(box_a, box_b)
        if both is not None and both.width > 1 and both.height > 1:
            clashes.append((a, b))
    assert not clashes
    inset = static.MARGIN_IN * fig.dpi - 1
    for text, box in boxes:
        assert box.x0 >= fig.bbox.x0 + inset and box.x1 <= fig.bbox.x1 - inset, f"{text!r} touches a side edge"
        assert box.y0 >= fig.bbox.y0 - 1 and box.y1 <= fig.bbox.y1 + 1, f"{text!r} is cut off"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("view", list(static.VIEWS))
def test_renders_every_glyph_and_no_two_labels_overlap(view, lang):
    assert_renders_cleanly(build(view, lang))


def test_the_glyph_check_catches_a_missing_glyph():
    use_cjk_font()
    fig = Figure()
    fig.text(0.5, 0.5, "\ue000")  # private-use code point: in no font
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(UserWarning, match="Glyph"):
            fig.savefig(io.BytesIO(), format="png", dpi=20)


def test_use_cjk_font_is_idempotent_and_sets_the_minus():
    import matplotlib as mpl

    first = use_cjk_font()
    families = list(mpl.rcParams["font.sans-serif"])
    registered = len(font_manager.fontManager.ttflist)
    assert use_cjk_font() == first == "Noto Sans CJK SC"
    assert list(mpl.rcParams["font.sans-serif"]) == families and families[0] == first
    assert len(font_manager.fontManager.ttflist) == registered
    assert mpl.rcParams["axes.unicode_minus"] is False
    assert any(Path(f.fname).name == CJK_FONT_FILE for f in font_manager.fontManager.ttflist)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("view", ["domain_heatmap", "similarity_heatmap"])
def test_rotated_column_labels_have_room(view, lang):
    """45° labels do not touch when the column pitch × sin 45° exceeds their line height."""
    fig = build(view, lang)
    ax = fig.axes[0]
    width_pt = ax.get_position().width * fig.get_figwidth() * 72
    pitch = width_pt / len(ax.get_xticks())
    for label in ax.get_xticklabels():
        assert label.get_rotation() == 45
        lines = label.get_text().count("\n") + 1
        assert pitch * math.sin(math.radians(45)) >= lines * label.get_fontsize() * 1.2


# --- the numbers drawn are the table's --------------------------------------------------------

def _plan_files(labels: list[str]) -> list[str]:
    by_label = {frames.plan_label(r, y): f for f, r, _, _, y, _ in PLANS}
    return [by_label[label] for label in labels]


def test_heatmap_cells_are_the_pivot_of_task_share():
    fig = static.domain_heatmap(E, "en")
    ax = fig.axes[0]
    rows = [t.get_text() for t in ax.get_yticklabels()]
    pivot = E.pivot(index="file", columns="domain", values="task_share").fillna(0.0)
    expected = pivot.loc[_plan_files(rows), [*CB.ids, "unclassified"]].to_numpy() * 100
    assert np.allclose(np.asarray(ax.images[0].get_array()), expected)
    labels = domain_labels("en")
    assert [t.get_text().replace("\n", " ") for t in ax.get_xticklabels()][0] == labels[CB.ids[0]]
    cells = [t.get_text() for t in ax.texts if t.get_text() not in GROUP_LABELS["en"].values()]
    assert cells[:len(CB.ids) + 1] == [static._pct(v / 100) for v in expected[0]]


def test_heatmap_separates_policy_from_process_columns():
    ax = static.domain_heatmap(E, "zh").axes[0]
    n_policy = sum(CB.group_of(d) == "policy" for d in CB.ids)
    rules = [line.get_xdata()[0] for line in ax.lines if len(set(line.get_xdata())) == 1]
    assert n_policy - 0.5 in rules
    assert {"政策领域", "过程领域"} <= {t.get_text() for t in ax.texts}


def test_years_points_are_each_regions_plans_only_with_intervals():
    fig = static.emphasis_over_years(E, "en")
    labels = domain_labels("en")
    title_to_domain = {labels[d]: d for d in labels}
    plans = E.drop_duplicates("file")
    checked = 0
    for ax in fig.axes:
        domain = title_to_domain[ax.get_title().replace("\n", " ")]
        for container in ax.containers:
            region = container.get_label()
            rows = E[(E["domain"] == domain) & (E["region"] == region)].sort_values("plan_year")
            line = container.lines[0]
            x, y = np.asarray(line.get_xdata()), np.asarray(line.get_ydata())
            assert np.allclose(np.round(x), rows["plan_year"])  # never a year without a plan
            assert np.allclose(y, rows["task_share"] * 100)
            segments = container.lines[2][0].get_segments()
            assert np.allclose([s[0][1] for s in segments], rows["task_share_lo"] * 100)
            assert np.allclose([s[1][1] for s in segments], rows["task_share_hi"] * 100)
            checked += 1
        for line in ax.lines:
            if str(line.get_gid()).startswith("line:"):
                region = line.get_gid()[5:]
                assert len(plans[plans["region"] == region]) > 1  # one plan: points only
                years = np.round(np.asarray(line.get_xdata(), dtype=float))
                runs = [list(g) for nan, g in itertools.groupby(years, key=np.isnan) if not nan]
                assert all(np.all(np.diff(run) == 1) for run in runs)  # lines join consecutive years only
    expected = E[E["domain"].isin(CB.ids + ["unclassified"])].groupby(["domain", "region"]).ngroups
    assert checked == expected


def test_years_line_breaks_at_a_missing_year():
    ax = static.emphasis_over_years(E, "en").axes[0]
    fujian = next(line for line in ax.lines if line.get_gid() == "line:福建省")
    assert np.isnan(np.asarray(fujian.get_xdata(), dtype=float)).sum() == 1  # 2017 → 2019


def test_single_plan_region_is_points_only():
    fig = static.emphasis_over_years(E, "zh")
    assert not any(line.get_gid() == "line:丽水市" for ax in fig.axes for line in ax.lines)
    assert any(c.get_label() == "丽水市" for ax in fig.axes for c in ax.containers)


def test_composition_bars_are_the_shares_and_sum_to_100():
    fig = static.domain_composition(E, "zh")
    ax = fig.axes[0]
    rows = [t.get_text() for t in ax.get_yticklabels()]
    files = _plan_files(rows)
    labels = domain_labels("zh")
    total = np.zeros(len(files))
    for container, d in zip(ax.containers, [*CB.ids, "unclassified"], strict=True):
        assert container.get_label() == labels[d]
        widths = np.array([p.get_width() for p in container.patches])
        shares = E[E["domain"] == d].set_index("file")["task_share"].reindex(files).fillna(0.0)
        assert np.allclose(widths, shares * 100)
        assert to_hex(container.patches[0].get_facecolor()).upper() == domain_colors()[d]
        total += widths
    assert np.allclose(total, 100)


def test_dotplot_is_sorted_and_shows_the_domain_shares():
    fig = static.domain_dotplot(E, "platforms", "en")
    ax = fig.axes[0]
    x = np.asarray(ax.containers[0].lines[0].get_xdata())
    assert np.all(np.diff(x) <= 0)
    files = _plan_files([t.get_text() for t in ax.get_yticklabels()])
    shares = E[E["domain"] == "platforms"].set_index("file")["task_share"]
    assert np.allclose(x, shares.loc[files] * 100)
    with pytest.raises(ValueError, match="not in the emphasis table"):
        static.domain_dotplot(E, "astrology", "en")


def test_terms_panels_show_each_groups_top_terms_by_z():
    terms = synthetic_terms()
    fig = static.distinctive_terms_chart(terms, "zh", n_terms=8, tasks=TASKS, documents=DOCS)
    assert [ax.get_title() for ax in fig.axes] == ["福建省", "丽水市", "平潭综合实验区"]
    for ax in fig.axes:
        top = terms[(terms["group"] == ax.get_title()) & (terms["rank"] <= 8)].sort_values("rank")
        assert [t.get_text() for t in ax.get_yticklabels()] == list(top["term"])
        assert np.allclose([p.get_width() for p in ax.patches], top["z"])


def test_similarity_matrix_is_symmetric_with_unit_diagonal_and_the_tables_values():
    s = synthetic_similarity()
    ax = static.similarity_heatmap(s, "zh").axes[0]
    m = np.asarray(ax.images[0].get_array())
    assert np.allclose(m, m.T) and np.allclose(np.diag(m), 1)
    rows = _plan_files([t.get_text() for t in ax.get_yticklabels()])
    for a, b, c in zip(s["file_a"], s["file_b"], s["cosine"], strict=True):
        assert m[rows.index(a), rows.index(b)] == pytest.approx(c)


def test_topic_bars_are_sizes_coloured_by_matched_domain():
    topics = synthetic_topics()
    ax = static.topic_clusters(topics, "zh").axes[0]
    ordered = topics.sort_values("n_tasks", ascending=False)
    assert [p.get_width() for p in ax.patches] == list(ordered["n_tasks"])
    assert [to_hex(p.get_facecolor()).upper() for p in ax.patches] == [domain_colors()[d] for d in
                                                                        ordered["matched_domain"]]
    assert all(domain_labels("zh")[d] in t.get_text() for d, t in zip(ordered["matched_domain"],
                                                                        ax.get_yticklabels(), strict=True))
    # the row names the topic by the number the topics table gives it (the report shows both)
    assert [t.get_text().split(" · ")[0] for t in ax.get_yticklabels()] == [f"主题 {k}" for k in ordered["topic"]]


def test_topics_read_as_stored_by_the_pipeline_draw_the_same():
    fitted = static.topic_clusters(synthetic_topics(), "zh").axes[1]
    stored = static.topic_clusters(stored_topics(), "zh").axes[1]
    assert [t.get_text() for t in stored.texts] == [t.get_text() for t in fitted.texts]
    assert "主题0词0、主题0词1" in stored.texts[0].get_text()


def test_char_share_is_drawn_when_asked():
    ax = static.domain_heatmap(E, "en", value="char_share").axes[0]
    pivot = E.pivot(index="file", columns="domain", values="char_share").fillna(0.0)
    files = _plan_files([t.get_text() for t in ax.get_yticklabels()])
    assert np.allclose(np.asarray(ax.images[0].get_array()), pivot.loc[files, [*CB.ids, "unclassified"]] * 100)


def test_bad_language_and_missing_columns_fail_clearly():
    with pytest.raises(ValueError, match="lang"):
        static.domain_heatmap(E, "fr")
    with pytest.raises(ValueError, match="task_share_lo"):
        static.domain_heatmap(E.drop(columns="task_share_lo"), "zh")

