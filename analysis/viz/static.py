"""Journal-ready matplotlib views: one function per chart, each returning a `Figure`.

Figures are built without pyplot (nothing is shown twice in Jupyter, nothing leaks between
calls) and show themselves in Jupyter as PNG (`ChartFigure`); sizes follow the number of plans
and domains so 19 domain labels never overlap.
Every figure carries a title, axis labels with units and, at the bottom, a source note
computed from the data. Saving is the caller's job (see `analysis.viz.export`).
"""
from __future__ import annotations

import io
import math

import numpy as np
import pandas as pd
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure, SubFigure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from . import frames
from .fonts import use_cjk_font
from .labels import em_width, group_name, t, wrap
from .palette import (
    GROUP_LABELS,
    GROUP_RULE,
    NOTE_GREY,
    PROCESS_SHADE,
    SHARE_RAMP,
    SIMILARITY_RAMP,
    check_lang,
    domain_colors,
    domain_group,
    domain_labels,
    text_color,
)

TITLE_PT, LABEL_PT, TICK_PT, CELL_PT, NOTE_PT = 10.0, 8.0, 7.5, 6.5, 6.5
MARGIN_IN = 0.1  # between the figure's side edges and any text, the note's included
SHARE_CMAP = LinearSegmentedColormap.from_list("domain_share", SHARE_RAMP)
SIMILARITY_CMAP = LinearSegmentedColormap.from_list("plan_similarity", SIMILARITY_RAMP)


#: Jupyter shows a figure as a PNG drawn at REPR_DPI and displayed at the size SHOWN_DPI gives
#: it (sharp on high-density screens; the 7.5 pt ticks about 15 px high).
REPR_DPI, SHOWN_DPI = 200, 150


class ChartFigure(Figure):
    """A matplotlib Figure that shows itself in Jupyter: without pyplot, nothing registers a
    display for figures, and a chart returned by a cell showed only "<Figure size …>"."""

    def _repr_png_(self) -> tuple[bytes, dict]:
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", dpi=REPR_DPI, facecolor="white")
        width, height = self.get_size_inches()
        return buffer.getvalue(), {"width": round(width * SHOWN_DPI), "height": round(height * SHOWN_DPI)}


# --- layout helpers -------------------------------------------------------------------------

def _figure(width: float, height: float, note: str) -> tuple[ChartFigure, SubFigure]:
    """A figure of `height` inches for the chart (the returned body) over a strip holding the note.

    The body is a constrained-layout subfigure, so titles, legends and super-labels are laid
    out inside it and never run into the note, and the longest tick label keeps MARGIN_IN
    from the figure's edge.
    """
    use_cjk_font()
    note = wrap(note, max_em=(width - 0.25) * 72 / NOTE_PT)
    note_h = 0.14 + (note.count("\n") + 1) * NOTE_PT * 1.35 / 72
    fig = ChartFigure(figsize=(width, height + note_h), layout="constrained")
    fig.get_layout_engine().set(h_pad=0.03, w_pad=MARGIN_IN, hspace=0, wspace=0)
    body, strip = fig.subfigures(2, 1, height_ratios=[height, note_h])
    strip.text(MARGIN_IN / width, 1 - 0.04 / note_h, note, ha="left", va="top", fontsize=NOTE_PT, color=NOTE_GREY)
    return fig, body


def _title(body: SubFigure, text: str) -> None:
    body.suptitle(text, fontsize=TITLE_PT)


def _pct(value: float) -> str:
    """Cell text for a share in percent: integers, '<1' for small non-zero shares."""
    if value is None or np.isnan(value):
        return ""
    pct = value * 100
    return "<1" if 0 < pct < 0.5 else f"{pct:.0f}"


def _max_em(labels) -> float:
    return max((max(em_width(line) for line in str(s).split("\n")) for s in labels), default=1.0)


def _domain_tick_labels(domains: list[str], lang: str) -> list[str]:
    labels = domain_labels(lang)
    return [wrap(labels[d], 12 if lang == "zh" else 18, max_lines=2) for d in domains]


def _group_header(ax, domains: list[str], lang: str) -> None:
    """Brackets naming the policy and process groups above the domain columns, and rules between them."""
    runs = frames.group_runs(domains)
    for g, first, last in runs:
        if first > 0:
            ax.axvline(first - 0.5, color="white", lw=3.0)
            ax.axvline(first - 0.5, color=GROUP_RULE, lw=1.0)
        if g == "none":
            continue
        trans = ax.get_xaxis_transform()
        ax.plot([first - 0.4, last + 0.4], [1.02, 1.02], color=GROUP_RULE, lw=0.8, transform=trans, clip_on=False)
        ax.text((first + last) / 2, 1.035, GROUP_LABELS[lang][g], transform=trans, ha="center", va="bottom",
                fontsize=LABEL_PT)


# --- 1. heatmap -----------------------------------------------------------------------------

def domain_heatmap(emphasis: pd.DataFrame, lang: str = "zh", *, value: str = "task_share",
                   documents: pd.DataFrame | None = None) -> Figure:
    """Plans (rows) × domains (columns) of the share of tasks, cells annotated in percent.

    Domains run in codebook order, policy then process (then 'unclassified'), separated by a
    rule and named by a bracket above. The image array is the pivot of `value` × 100.
    """
    check_lang(lang)
    m = frames.share_matrix(emphasis, value, lang, documents)
    note = frames.source_note(emphasis, lang, documents, extra=(t("note_weights", lang),))
    return _share_grid(m, lang, note, t("heatmap_title", lang), t("plan", lang), t(value, lang))


def group_heatmap(means: pd.DataFrame, by: str, lang: str = "zh", *, emphasis: pd.DataFrame | None = None,
                  documents: pd.DataFrame | None = None) -> Figure:
    """Groups of plans (rows: the provinces, levels or years of `emphasis_means`, with their
    number of plans) × domains of the mean share of tasks, drawn as `domain_heatmap` draws plans;
    the source note counts the plans of `emphasis` when given."""
    check_lang(lang)
    m = frames.means_matrices(means, by, lang)["mean"]
    group_by = t(f"group_{by}", lang)
    note = frames.source_note(emphasis, lang, documents, extra=frames.means_notes(by, lang, emphasis, documents))
    return _share_grid(m, lang, note, t("means_title", lang, group_by=group_by), group_by, t("mean_share", lang))


def _share_grid(m: pd.DataFrame, lang: str, note: str, title: str, row_title: str, bar_title: str) -> Figure:
    """Rows × domains of shares (0-1) as a heat map annotated in percent, domain groups bracketed."""
    domains = list(m.columns)
    n_rows, n_cols = m.shape
    row_em = _max_em(m.index)
    width = 1.1 + row_em * TICK_PT / 72 + n_cols * 0.40 + 0.9
    height = 1.6 + n_rows * 0.26 + (0.9 if lang == "zh" else 1.0)
    fig, body = _figure(width, height, note)
    ax = body.add_subplot()
    values = m.to_numpy(dtype=float) * 100
    vmax = max(5.0, math.ceil(np.nanmax(values) / 5) * 5)
    image = ax.imshow(values, cmap=SHARE_CMAP, vmin=0, vmax=vmax, aspect="auto", interpolation="nearest")
    for i in range(n_rows):
        for j in range(n_cols):
            v = values[i, j]
            colour = text_color(_hex(SHARE_CMAP(min(v / vmax, 1.0)))) if v > 0 else "#A0A0A0"
            ax.text(j, i, _pct(v / 100), ha="center", va="center", fontsize=CELL_PT, color=colour)
    ax.set_xticks(range(n_cols), _domain_tick_labels(domains, lang), rotation=45, ha="right",
                  rotation_mode="anchor", multialignment="right", fontsize=TICK_PT)
    ax.set_yticks(range(n_rows), list(m.index), fontsize=TICK_PT)
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    _group_header(ax, domains, lang)
    ax.set_xlabel(t("domain", lang), fontsize=LABEL_PT)
    ax.set_ylabel(row_title, fontsize=LABEL_PT)
    bar = body.colorbar(image, ax=ax, shrink=min(1.0, 3.0 / max(n_rows * 0.26, 1.0)), aspect=20, pad=0.01)
    bar.set_label(bar_title, fontsize=LABEL_PT)
    bar.ax.tick_params(labelsize=TICK_PT)
    _title(body, title)
    return fig


def _hex(rgba) -> str:
    return "#{:02X}{:02X}{:02X}".format(*(round(c * 255) for c in rgba[:3]))


# --- 2. emphasis across years ---------------------------------------------------------------

def _dodge(regions: list[str]) -> dict[str, float]:
    step = min(0.12, 0.6 / max(len(regions), 1))
    return {r: (k - (len(regions) - 1) / 2) * step for k, r in enumerate(regions)}


def emphasis_over_years(emphasis: pd.DataFrame, lang: str = "zh", *, value: str = "task_share",
                        domains: list[str] | None = None, documents: pd.DataFrame | None = None,
                        ncols: int = 5) -> Figure:
    """Small multiples, one panel per domain (shared axes): share by plan year, one series per region.

    Points carry 95% interval bars; a line joins a region's plans only in consecutive years, so a
    year without a plan is a gap, never a zero. Regions with a single plan are points only.
    Process-domain panels are shaded.
    """
    check_lang(lang)
    long = frames.emphasis_long(emphasis, value, lang, documents)
    order = domains or frames.domain_order(long["domain"])
    long = long[long["domain"].isin(order) & long["plan_year"].notna()]  # a plan without a year: in the note
    regions = list(dict.fromkeys(long.sort_values("plan_order")["region"].dropna()))
    style, dodge = frames.region_styles(regions, documents), _dodge(regions)
    n = len(order)
    ncols = min(ncols, n)
    nrows = math.ceil(n / ncols)
    width = 0.8 + ncols * 1.75 + 0.4 + _max_em(regions) * TICK_PT / 72
    height = 1.2 + nrows * 1.45
    note = frames.source_note(emphasis, lang, documents,
                              extra=(t("note_intervals", lang), t("note_gaps", lang), t("note_shaded", lang),
                                     *frames.year_notes(emphasis, lang, documents)))
    fig, body = _figure(width, height, note)
    axes = body.subplots(nrows, ncols, sharex=True, sharey=True, squeeze=False).ravel()
    labels = domain_labels(lang)
    for ax, domain in zip(axes, order, strict=False):
        ax.set_title(wrap(labels[domain], 15.5, max_lines=2), fontsize=TICK_PT, pad=3)
        if domain_group(domain) == "process":
            ax.set_facecolor(PROCESS_SHADE)
        part = long[long["domain"] == domain]
        for region in regions:
            s = part[part["region"] == region].sort_values("plan_year")
            if s.empty:
                continue
            colour, marker, _ = style[region]
            x = s["plan_year"].astype(float).to_numpy() + dodge[region]
            y, lo, hi = (s[c].to_numpy() * 100 for c in ("share", "lo", "hi"))
            if len(s) > 1:
                gaps = np.diff(s["plan_year"].astype(int).to_numpy()) > 1
                xs, ys = _break_at(x, gaps), _break_at(y, gaps)
                ax.plot(xs, ys, color=colour, lw=1.0, zorder=2, gid=f"line:{region}")
            ax.errorbar(x, y, yerr=[y - lo, hi - y], fmt=marker, ms=3.2, color=colour, ecolor=colour,
                        elinewidth=0.7, capsize=1.2, linestyle="none", zorder=3, label=region)
        ax.tick_params(labelsize=TICK_PT - 0.5, length=2)
        ax.grid(axis="y", color="#DDDDDD", lw=0.5)
        ax.set_axisbelow(True)
    for ax in axes[n:]:
        ax.remove()
    for k in range(n):  # panels with no panel below show their year labels
        if k + ncols >= n:
            axes[k].xaxis.set_tick_params(labelbottom=True)
    axes[0].xaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
    axes[0].set_ylim(bottom=0)
    years = long["plan_year"].astype(int)
    axes[0].set_xlim(years.min() - 0.6, years.max() + 0.6)
    body.supxlabel(t("year", lang), fontsize=LABEL_PT)
    body.supylabel(t(value, lang), fontsize=LABEL_PT)
    n_plans = long.drop_duplicates("file")["region"].value_counts()
    handles = [Line2D([], [], color=style[r][0], marker=style[r][1], ms=4, lw=1.0 if n_plans[r] > 1 else 0)
               for r in regions]
    body.legend(handles, regions, loc="outside right upper", fontsize=TICK_PT, frameon=False,
                title=t("region", lang), title_fontsize=TICK_PT)
    _title(body, t("years_title", lang))
    return fig


def _break_at(values: np.ndarray, gaps: np.ndarray) -> np.ndarray:
    """Insert NaN after each position followed by a gap, so a line does not bridge missing years."""
    out = []
    for k, v in enumerate(values):
        out.append(v)
        if k < len(gaps) and gaps[k]:
            out.append(np.nan)
    return np.array(out, dtype=float)


# --- 3. stacked composition -----------------------------------------------------------------

def domain_composition(emphasis: pd.DataFrame, lang: str = "zh", *, value: str = "task_share",
                       documents: pd.DataFrame | None = None) -> Figure:
    """One 100% bar per plan, stacked by domain: policy domains first, then process, then unclassified.

    A black rule marks where policy ends and process begins in each bar, and the policy total
    is written beside it; segments of 6% or more carry their percentage.
    """
    check_lang(lang)
    m = frames.share_matrix(emphasis, value, lang, documents)
    domains = list(m.columns)
    colors, labels = domain_colors(), domain_labels(lang)
    groups = [domain_group(d) for d in domains]
    n_rows = len(m)
    row_em = _max_em(m.index)
    legend_rows = len(domains) + 2
    width = 0.9 + row_em * TICK_PT / 72 + 5.0 + (2.3 if lang == "zh" else 3.0)
    height = max(1.3 + n_rows * 0.34, 0.8 + legend_rows * TICK_PT * 1.5 / 72)
    note = frames.source_note(emphasis, lang, documents, extra=(t("note_weights", lang), t("note_rule", lang)))
    fig, body = _figure(width, height, note)
    ax = body.add_subplot()
    y = np.arange(n_rows)
    left = np.zeros(n_rows)
    values = m.fillna(0.0).to_numpy() * 100
    for j, d in enumerate(domains):
        w = values[:, j]
        ax.barh(y, w, left=left, height=0.72, color=colors[d], edgecolor="white", linewidth=0.4, label=labels[d])
        for i in np.nonzero(w >= 6)[0]:
            ax.text(left[i] + w[i] / 2, y[i], f"{w[i]:.0f}", ha="center", va="center", fontsize=CELL_PT,
                    color=text_color(colors[d]))
        left += w
    policy = values[:, [g == "policy" for g in groups]].sum(axis=1)
    for i, p in enumerate(policy):
        ax.plot([p, p], [i - 0.42, i + 0.42], color="black", lw=1.6, solid_capstyle="butt", zorder=4)
        ax.text(101, i, t("policy_share", lang, value=f"{p:.0f}%"), ha="left", va="center", fontsize=CELL_PT,
                clip_on=False)
    ax.set_yticks(y, list(m.index), fontsize=TICK_PT)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xticks(range(0, 101, 20))
    ax.tick_params(axis="x", labelsize=TICK_PT)
    ax.tick_params(axis="y", length=0)
    ax.set_xlabel(t(value, lang), fontsize=LABEL_PT)
    ax.set_ylabel(t("plan", lang), fontsize=LABEL_PT)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    handles, names = [], []
    for g in ("policy", "process", "none"):
        members = [d for d, gd in zip(domains, groups, strict=True) if gd == g]
        if not members:
            continue
        if g != "none":
            handles.append(Patch(visible=False))
            names.append(GROUP_LABELS[lang][g])
        handles += [Patch(facecolor=colors[d], edgecolor="none") for d in members]
        names += [wrap(labels[d], 30, max_lines=2) for d in members]
    legend = body.legend(handles, names, loc="outside right upper", fontsize=TICK_PT, frameon=False,
                        handlelength=1.2, handletextpad=0.5, labelspacing=0.3)
    for text, name in zip(legend.get_texts(), names, strict=True):
        if name in GROUP_LABELS[lang].values() and name != GROUP_LABELS[lang]["none"]:
            text.set_fontsize(LABEL_PT)
            text.set_x(-18)
    _title(body, t("stacked_title", lang))
    return fig


# --- 4. dot plot for one domain -------------------------------------------------------------

def domain_dotplot(emphasis: pd.DataFrame, domain: str, lang: str = "zh", *, value: str = "task_share",
                   documents: pd.DataFrame | None = None) -> Figure:
    """Plans sorted by their share of one domain, with 95% intervals and the all-plan mean as a dashed line."""
    check_lang(lang)
    long = frames.emphasis_long(emphasis, value, lang, documents)
    if domain not in set(long["domain"]):
        raise ValueError(f"domain {domain!r} is not in the emphasis table")
    part = long[long["domain"] == domain].sort_values(["share", "plan_order"], ascending=[False, True],
                                                      kind="mergesort").reset_index(drop=True)
    colour = domain_colors()[domain]
    label = domain_labels(lang)[domain]
    width = 1.6 + _max_em(part["plan"]) * TICK_PT / 72 + 4.2
    height = 1.3 + len(part) * 0.26
    note = frames.source_note(emphasis, lang, documents, extra=(t("note_intervals", lang),))
    fig, body = _figure(width, height, note)
    ax = body.add_subplot()
    y = np.arange(len(part))
    x, lo, hi = (part[c].to_numpy() * 100 for c in ("share", "lo", "hi"))
    ax.errorbar(x, y, xerr=[x - lo, hi - x], fmt="o", ms=5, color=colour, mec="black", mew=0.6,
                ecolor="#444444", elinewidth=0.9, capsize=2, linestyle="none", zorder=3)
    mean = float(emphasis.loc[emphasis["domain"] == domain, "corpus_mean_share"].iloc[0]) * 100 \
        if value == "task_share" and "corpus_mean_share" in emphasis else float(np.mean(x))
    ax.axvline(mean, color="#777777", ls="--", lw=0.9, zorder=1)
    ax.text(mean, -0.9, t("corpus_mean", lang, value=f"{mean:.1f}%"), ha="left", va="bottom",
            fontsize=CELL_PT, color="#555555")
    ax.set_yticks(y, list(part["plan"]), fontsize=TICK_PT)
    ax.set_ylim(len(part) - 0.5, -1.2)
    ax.set_xlim(left=0, right=max(5.0, math.ceil(np.nanmax(hi) / 5 + 0.05) * 5))
    ax.tick_params(axis="x", labelsize=TICK_PT)
    ax.grid(axis="x", color="#E5E5E5", lw=0.5)
    ax.set_axisbelow(True)
    ax.set_xlabel(t(value, lang), fontsize=LABEL_PT)
    ax.set_ylabel(t("plan", lang), fontsize=LABEL_PT)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    _title(body, t("dotplot_title", lang, domain=label))
    return fig


# --- 5. distinctive terms -------------------------------------------------------------------

def distinctive_terms_chart(terms: pd.DataFrame, lang: str = "zh", *, n_terms: int = 10, ncols: int = 4,
                            tasks: pd.DataFrame | None = None, documents: pd.DataFrame | None = None) -> Figure:
    """Small multiples, one per group (region or year): its top terms as horizontal bars of z.

    Bars are sorted with rank 1 on top and carry the term's count; x is shared across panels.
    Pass `tasks` (the tasks the terms were counted on) for a source note listing the plans.
    """
    check_lang(lang)
    frames.require(terms, ["group_by", "group", "term", "count", "z", "rank"], "distinctive terms chart")
    group_by = str(terms["group_by"].iloc[0])
    top = terms[terms["rank"] <= n_terms].sort_values(["group", "rank"], kind="mergesort")
    groups = frames.term_groups(top["group"], group_by, tasks, documents)
    ncols = min(ncols, len(groups))
    nrows = math.ceil(len(groups) / ncols)
    term_em = _max_em(top["term"])
    width = ncols * (1.35 + term_em * TICK_PT / 72) + 0.6
    height = 1.4 + nrows * (0.45 + n_terms * 0.17)
    gname = group_name(group_by, lang)
    note = frames.source_note(frames.plan_rows(tasks), lang, documents, groups=(gname, groups),
                              extra=(t("note_terms", lang, n=n_terms), *frames.panels_note(top["group"], groups, gname, lang)))
    fig, body = _figure(width, height, note)
    axes = body.subplots(nrows, ncols, sharex=True, squeeze=False).ravel()
    style = frames.region_styles(groups, documents) if group_by == "region" else {}
    zmax = float(top["z"].max())
    for ax, group in zip(axes, groups, strict=False):
        part = top[top["group"] == group]
        colour = style.get(group, ("#4477AA",))[0]
        y = np.arange(len(part))
        ax.barh(y, part["z"], color=colour, height=0.7)
        for yi, (z, c) in enumerate(zip(part["z"], part["count"], strict=True)):
            ax.text(z + zmax * 0.02, yi, str(int(c)), va="center", ha="left", fontsize=CELL_PT - 0.5, color="#444444")
        ax.set_yticks(y, list(part["term"]), fontsize=TICK_PT)
        ax.set_ylim(n_terms - 0.5, -0.6)
        ax.set_title(str(group), fontsize=LABEL_PT, pad=3)
        ax.tick_params(axis="x", labelsize=TICK_PT - 0.5, length=2)
        ax.tick_params(axis="y", length=0)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    axes[0].set_xlim(0, zmax * 1.18)
    for ax in axes[len(groups):]:
        ax.remove()
    for k in range(len(groups)):
        if k + ncols >= len(groups):
            axes[k].xaxis.set_tick_params(labelbottom=True)
    body.supxlabel(t("z", lang, group_by=gname), fontsize=LABEL_PT)
    _title(body, t("terms_title", lang, group_by=gname))
    return fig


# --- 6. similarity matrix -------------------------------------------------------------------

def similarity_heatmap(similarity: pd.DataFrame, lang: str = "zh", *,
                       documents: pd.DataFrame | None = None) -> Figure:
    """Symmetric plan × plan matrix of cosine similarity (diagonal 1), cells annotated, regions ruled off."""
    check_lang(lang)
    m = frames.similarity_matrix(similarity, documents)
    n = len(m)
    em = _max_em(m.index)
    cell = 0.42 if n <= 20 else max(0.12, 8.0 / n)
    width = 1.6 + em * TICK_PT / 72 + n * cell + 0.9
    height = 1.5 + em * TICK_PT / 72 * 0.75 + n * cell
    sides = pd.concat([similarity[["file_a", "region_a", "year_a"]].set_axis(["file", "region", "plan_year"], axis=1),
                       similarity[["file_b", "region_b", "year_b"]].set_axis(["file", "region", "plan_year"], axis=1)])
    note = frames.source_note(sides, lang, documents, extra=(t("note_similarity", lang),))
    fig, body = _figure(width, height, note)
    ax = body.add_subplot()
    values = m.to_numpy(dtype=float)
    image = ax.imshow(values, cmap=SIMILARITY_CMAP, vmin=0, vmax=1, interpolation="nearest")
    if n <= 30:
        for i in range(n):
            for j in range(n):
                if not np.isnan(values[i, j]):
                    ax.text(j, i, f"{values[i, j]:.2f}", ha="center", va="center", fontsize=CELL_PT - 0.5,
                            color=text_color(_hex(SIMILARITY_CMAP(values[i, j]))))
    ax.set_xticks(range(n), list(m.columns), rotation=45, ha="right", rotation_mode="anchor", fontsize=TICK_PT)
    ax.set_yticks(range(n), list(m.index), fontsize=TICK_PT)
    ax.tick_params(length=0)
    regions = [label.rsplit(" ", 1)[0] for label in m.index]
    for k in range(1, n):
        if regions[k] != regions[k - 1]:
            ax.axhline(k - 0.5, color="white", lw=1.5)
            ax.axvline(k - 0.5, color="white", lw=1.5)
    for spine in ax.spines.values():
        spine.set_visible(False)
    bar = body.colorbar(image, ax=ax, shrink=0.8, aspect=25, pad=0.02)
    bar.set_label(t("cosine", lang), fontsize=LABEL_PT)
    bar.ax.tick_params(labelsize=TICK_PT)
    _title(body, t("similarity_title", lang))
    return fig


# --- 7. topic clusters ----------------------------------------------------------------------

def topic_clusters(topics: pd.DataFrame, lang: str = "zh", *, n_terms: int = 8, tasks: pd.DataFrame | None = None,
                   documents: pd.DataFrame | None = None) -> Figure:
    """One row per topic: a bar of its size coloured by its closest codebook domain, and its top terms.

    Row labels name the topic, the closest domain and the topic–domain similarity; topics are
    sorted by size. Pass `tasks` (the tasks the model was fitted on) for the source note.
    """
    check_lang(lang)
    frames.require(topics, ["topic", "n_tasks", "top_terms", "matched_domain", "domain_similarity"],
                   "topic chart")
    data = topics.sort_values(["n_tasks", "topic"], ascending=[False, True], kind="mergesort").reset_index(drop=True)
    colors, labels = domain_colors(), domain_labels(lang)
    frames.domain_order(data["matched_domain"])
    rows = [f"{t('topic', lang, n=int(k))} · {labels[d]} ({s:.2f})"
            for k, d, s in zip(data["topic"], data["matched_domain"], data["domain_similarity"], strict=True)]
    sep = "、" if lang == "zh" else ", "
    term_text = [wrap(sep.join(frames.as_list(terms)[:n_terms]), 30) for terms in data["top_terms"]]
    lines = max(s.count("\n") + 1 for s in term_text)
    row_h = 0.12 + 0.12 * lines
    terms_w = _max_em(term_text) * TICK_PT / 72 + 0.2
    width = 0.6 + _max_em(rows) * TICK_PT / 72 + 2.0 + terms_w
    height = 1.2 + len(data) * row_h
    note = frames.source_note(frames.plan_rows(tasks), lang, documents, extra=(t("note_topics", lang),))
    fig, body = _figure(width, height, note)
    ax_bar, ax_terms = body.subplots(1, 2, sharey=True, gridspec_kw={"width_ratios": [2.0, terms_w]})
    y = np.arange(len(data))
    sizes = data["n_tasks"].astype(int).to_numpy()
    ax_bar.barh(y, sizes, color=[colors[d] for d in data["matched_domain"]], edgecolor="#333333", linewidth=0.4,
                height=0.7)
    for yi, s in zip(y, sizes, strict=True):
        ax_bar.text(s + sizes.max() * 0.02, yi, str(s), va="center", fontsize=CELL_PT)
    ax_bar.set_yticks(y, rows, fontsize=TICK_PT)
    ax_bar.set_ylim(len(data) - 0.5, -0.5)
    ax_bar.set_xlim(0, sizes.max() * 1.15)
    ax_bar.set_xlabel(t("topic_size", lang), fontsize=LABEL_PT)
    ax_bar.tick_params(axis="x", labelsize=TICK_PT)
    ax_bar.tick_params(axis="y", length=0)
    for side in ("top", "right"):
        ax_bar.spines[side].set_visible(False)
    ax_terms.set_axis_off()
    ax_terms.set_xlim(0, 1)
    for yi, text in zip(y, term_text, strict=True):
        ax_terms.text(0.0, yi, text, va="center", ha="left", fontsize=TICK_PT)
    ax_terms.set_title(t("top_terms", lang), fontsize=LABEL_PT, loc="left")
    _title(body, t("topics_title", lang))
    return fig


VIEWS = {
    "domain_heatmap": domain_heatmap,
    "emphasis_over_years": emphasis_over_years,
    "domain_composition": domain_composition,
    "domain_dotplot": domain_dotplot,
    "distinctive_terms": distinctive_terms_chart,
    "similarity_heatmap": similarity_heatmap,
    "topic_clusters": topic_clusters,
}
