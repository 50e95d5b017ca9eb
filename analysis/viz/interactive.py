"""Interactive plotly views, twins of `analysis.viz.static`: one function per chart returning a `go.Figure`.

Same data, order, colours and labels as the matplotlib views. Hovering shows region, year,
domain, share and its 95% interval, plus sample task headings when a `tasks` frame is
passed; clicking a legend entry hides a region or domain. Saving is the caller's job.

Importing this module sets plotly's notebook renderers to `CONFIG`, as the report and the
saved pages use it: no "Share chart" button (plotly.js 3 shows one by default, uploading the
chart's data to cloud.plotly.com when clicked; plans and findings stay on the machine).
"""
from __future__ import annotations

import math
from html import escape

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots

from . import frames
from .fonts import PLOTLY_FONT_FAMILY
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

FONT_PX, NOTE_PX = 12, 11
#: The title starts this many px below the chart's top edge, under the row where plotly shows its
#: mode bar on hover (a narrow chart's centred title ran under the buttons); every `top` leaves it room.
MODEBAR_PX = 30
CONFIG = {"displaylogo": False, "responsive": True, "showSendToCloud": False}
for _renderer in pio.renderers:  # the charts of a notebook too (see the module docstring)
    if isinstance(getattr(pio.renderers[_renderer], "config", None), dict):
        pio.renderers[_renderer].config.update(CONFIG)
#: The widest a chart is drawn, in px: the report's column (report.css) in a 1000 px window with a
#: scroll bar, so no chart runs past its column there or in any wider window.
MAX_WIDTH = 860


def _scale(ramp) -> list[list]:
    return [[k / (len(ramp) - 1), c] for k, c in enumerate(ramp)]


def _br(text: str) -> str:
    return escape(text).replace("\n", "<br>")


def _layout(fig: go.Figure, title: str, note: str, width: int, height: int, *, left: int, below: int,
            top: int = 70) -> go.Figure:
    """Title, font and size, and the source note under everything.

    `height` is the plot area in px; `left` and `below` are the px the y labels and the x labels
    (tick labels and axis title) need, so the note sits under the x labels, never on them.
    """
    note = wrap(note, max_em=(width - 30) / NOTE_PX)
    note_px = (note.count("\n") + 1) * int(NOTE_PX * 1.45)
    bottom = below + note_px + 16
    fig.update_layout(
        title={"text": escape(title), "x": 0.5, "xanchor": "center", "font": {"size": 16},
               "y": 1, "yref": "container", "yanchor": "top", "pad": {"t": MODEBAR_PX}},
        font={"family": PLOTLY_FONT_FAMILY, "size": FONT_PX}, template="plotly_white",
        width=width, height=top + height + bottom, margin={"t": top, "b": bottom, "l": left, "r": 20},
        hoverlabel={"font": {"family": PLOTLY_FONT_FAMILY}},
    )
    fig.add_annotation(text=_br(note), xref="paper", yref="paper", x=0, y=0, xanchor="left", yanchor="top",
                       xshift=-(left - 10), yshift=-below, showarrow=False, align="left",
                       font={"size": NOTE_PX, "color": NOTE_GREY}, name="source_note")
    return fig


def _hover_plan(row, lang: str, headings: dict, value: str) -> str:
    """Hover text for one plan × domain: plan, domain, share with its interval, sample headings."""
    interval = t("interval", lang)
    text = (f"<b>{escape(str(row.plan))}</b><br>{escape(row.domain_label)}<br>"  # its label: a year may be unknown
            f"{escape(t(value, lang))}: {row.share * 100:.1f}%<br>{interval}: {row.lo * 100:.1f}–{row.hi * 100:.1f}%")
    samples = headings.get((row.file, row.domain), [])
    if samples:
        text += f"<br><i>{escape(t('examples', lang))}:</i><br>" + "<br>".join(
            "· " + escape(wrap(s, 24, max_lines=1)) for s in samples)
    return text


def _cell_hover(emphasis, value, lang, documents, headings, plans, domains) -> list[list[str]]:
    """Hover text of every plan × domain cell (plans and domains in matrix order; absent rows are 0%)."""
    long = frames.emphasis_long(emphasis, value, lang, documents)
    rows = {(r.plan, r.domain): r for r in long.itertuples()}
    labels = domain_labels(lang)
    return [[_hover_plan(rows[(p, d)], lang, headings, value) if (p, d) in rows
             else f"<b>{escape(p)}</b><br>{escape(labels[d])}<br>0%" for d in domains] for p in plans]


def _px(em: float, size: int = FONT_PX) -> int:
    return int(em * size) + 10


def _legend_rows(names: list[str], width: int) -> int:
    """Rows a horizontal legend with its title on top takes: the title's, then each name beside its
    40 px symbol in rows of `width` px."""
    rows, used = 2, 0
    for item in (_px(em_width(n)) + 40 for n in names):
        if used and used + item > width:
            rows, used = rows + 1, 0
        used += item
    return rows


def _columns(n: int, ncols: int, panel: int, fixed: int) -> int:
    """Columns of a grid of n panels `panel` px wide beside `fixed` px: at most ncols, as many as fit
    MAX_WIDTH, spread evenly over the rows they need (4 panels in 3 columns become 2 × 2)."""
    fit = max(1, min(ncols, n, (MAX_WIDTH - fixed) // panel))
    return math.ceil(n / math.ceil(n / fit))


# --- 1. heatmap -----------------------------------------------------------------------------

def domain_heatmap(emphasis: pd.DataFrame, lang: str = "zh", *, value: str = "task_share",
                   documents: pd.DataFrame | None = None, tasks: pd.DataFrame | None = None) -> go.Figure:
    """Plans × domains heatmap of shares in percent (cells annotated), policy | process columns ruled apart."""
    check_lang(lang)
    m = frames.share_matrix(emphasis, value, lang, documents)
    headings = frames.example_headings(tasks)
    hover = _cell_hover(emphasis, value, lang, documents, headings, list(m.index), list(m.columns))
    note = frames.source_note(emphasis, lang, documents, extra=(t("note_weights", lang),))
    return _share_grid(m, hover, lang, note, t("heatmap_title", lang), t("plan", lang), t(value, lang))


def group_heatmap(means: pd.DataFrame, by: str, lang: str = "zh", *, emphasis: pd.DataFrame | None = None,
                  documents: pd.DataFrame | None = None) -> go.Figure:
    """Groups of plans (provinces, levels or years of `emphasis_means`) × domains of the mean share
    of tasks; hovering shows the mean, its 95% interval over resampled plans and the number of plans."""
    check_lang(lang)
    mats = frames.means_matrices(means, by, lang)
    m, labels = mats["mean"], domain_labels(lang)
    hover = [[f"<b>{escape(g)}</b><br>{escape(labels[d])}<br>{escape(t('mean_share', lang))}: {m.at[g, d] * 100:.1f}%"
              f"<br>{escape(t('interval', lang))}: {mats['lo'].at[g, d] * 100:.1f}–{mats['hi'].at[g, d] * 100:.1f}%"
              for d in m.columns] for g in m.index]
    group_by = t(f"group_{by}", lang)
    note = frames.source_note(emphasis, lang, documents, extra=frames.means_notes(by, lang, emphasis, documents))
    return _share_grid(m, hover, lang, note, t("means_title", lang, group_by=group_by), group_by,
                       t("mean_share", lang))


def _share_grid(m: pd.DataFrame, hover: list[list[str]], lang: str, note: str, title: str, row_title: str,
                bar_title: str) -> go.Figure:
    """Rows × domains of shares (0-1) as a heat map annotated in percent, domain groups ruled apart and named."""
    domains, rows = list(m.columns), list(m.index)
    labels = domain_labels(lang)
    x = [labels[d] for d in domains]
    values = m.to_numpy(dtype=float) * 100
    cells = [["<1" if 0 < v < 0.5 else f"{v:.0f}" for v in row] for row in values]
    vmax = max(5.0, math.ceil(np.nanmax(values) / 5) * 5)
    fig = go.Figure(go.Heatmap(
        z=values, x=x, y=rows, text=cells, texttemplate="%{text}", textfont={"size": 10},
        customdata=np.array(hover, dtype=object), hovertemplate="%{customdata}<extra></extra>",
        colorscale=_scale(SHARE_RAMP), zmin=0, zmax=vmax, xgap=1, ygap=1,
        colorbar={"title": {"text": escape(bar_title), "side": "right"}, "thickness": 14},
    ))
    for group, first, last in frames.group_runs(domains):
        if first > 0:
            fig.add_vline(x=first - 0.5, line={"color": GROUP_RULE, "width": 2})
        if group != "none":
            fig.add_annotation(x=(first + last) / 2, y=1.0, xref="x", yref="paper", yanchor="bottom", showarrow=False,
                               text=f"<b>{escape(GROUP_LABELS[lang][group])}</b>", font={"size": 13})
    fig.update_xaxes(tickangle=-45, title_text=escape(t("domain", lang)), side="bottom")
    fig.update_yaxes(autorange="reversed", title_text=escape(row_title))
    left = _px(max(em_width(r) for r in rows)) + 40
    cell = min(46, (MAX_WIDTH - left - 130) // len(domains))
    width = left + cell * len(domains) + 130
    return _layout(fig, title, note, width, 30 * len(rows), left=left,
                   below=_px(max(em_width(s) for s in x) * 0.72) + 45, top=90)


# --- 2. emphasis across years ---------------------------------------------------------------

def _with_gaps(values: list, gaps: np.ndarray) -> list:
    """None after each position followed by a gap of more than one year (plotly breaks the line)."""
    out = []
    for k, v in enumerate(values):
        out.append(v)
        if k < len(gaps) and gaps[k]:
            out.append(None)
    return out


YEARS_PANEL_PX = 150


def emphasis_over_years(emphasis: pd.DataFrame, lang: str = "zh", *, value: str = "task_share",
                        domains: list[str] | None = None, documents: pd.DataFrame | None = None,
                        tasks: pd.DataFrame | None = None, ncols: int = 5) -> go.Figure:
    """Small multiples per domain (shared axes): share by year, one series per region with 95% intervals.

    Lines join only consecutive years (a missing year is a gap, never a zero); a region with one
    plan is drawn as points. One legend entry per region toggles it in every panel. At most
    `ncols` columns, fewer when they would not fit MAX_WIDTH.
    """
    check_lang(lang)
    long = frames.emphasis_long(emphasis, value, lang, documents)
    order = domains or frames.domain_order(long["domain"])
    long = long[long["domain"].isin(order) & long["plan_year"].notna()]  # a plan without a year: in the note
    headings = frames.example_headings(tasks)
    regions = list(dict.fromkeys(long.sort_values("plan_order")["region"].dropna()))
    style = frames.region_styles(regions, documents)
    step = min(0.12, 0.6 / max(len(regions), 1))
    dodge = {r: (k - (len(regions) - 1) / 2) * step for k, r in enumerate(regions)}
    labels = domain_labels(lang)
    n = len(order)
    ncols = _columns(n, ncols, YEARS_PANEL_PX, 80 + 170)
    nrows = math.ceil(n / ncols)
    titles = [_br(wrap(labels[d], YEARS_PANEL_PX / 11, max_lines=2)) for d in order]
    fig = make_subplots(rows=nrows, cols=ncols, shared_xaxes="all", shared_yaxes="all", subplot_titles=titles,
                        horizontal_spacing=0.03, vertical_spacing=0.32 / nrows + 0.02)
    shown = set()
    for k, domain in enumerate(order):
        row, col = k // ncols + 1, k % ncols + 1
        if domain_group(domain) == "process":
            fig.add_shape(type="rect", xref=f"x{k + 1 if k else ''} domain", yref=f"y{k + 1 if k else ''} domain",
                          x0=0, x1=1, y0=0, y1=1, fillcolor=PROCESS_SHADE, line_width=0, layer="below")
        part = long[long["domain"] == domain]
        for region in regions:
            s = part[part["region"] == region].sort_values("plan_year")
            if s.empty:
                continue
            colour, _, symbol = style[region]
            years = s["plan_year"].astype(int).to_numpy()
            gaps = np.diff(years) > 1
            x = _with_gaps(list(years + dodge[region]), gaps)
            y = _with_gaps(list(s["share"] * 100), gaps)
            plus = _with_gaps(list((s["hi"] - s["share"]) * 100), gaps)
            minus = _with_gaps(list((s["share"] - s["lo"]) * 100), gaps)
            hover = _with_gaps([_hover_plan(r, lang, headings, value) for r in s.itertuples()], gaps)
            fig.add_trace(go.Scatter(
                x=x, y=y, mode="lines+markers" if len(s) > 1 else "markers", name=region, legendgroup=region,
                showlegend=region not in shown, line={"color": colour, "width": 1.5},
                marker={"color": colour, "symbol": symbol, "size": 7},
                error_y={"type": "data", "array": plus, "arrayminus": minus, "thickness": 1, "width": 2,
                         "color": colour},
                customdata=hover, hovertemplate="%{customdata}<extra></extra>", meta=domain,
            ), row=row, col=col)
            shown.add(region)
    years = long["plan_year"].astype(int)
    fig.update_xaxes(range=[years.min() - 0.6, years.max() + 0.6], dtick=1 if years.max() - years.min() <= 4 else 2,
                     tickformat="d", showgrid=False)
    fig.update_yaxes(range=[0, float(long["hi"].max()) * 100 * 1.05], gridcolor="#E5E5E5")
    for c in range(1, ncols + 1):
        fig.update_xaxes(title_text=escape(t("year", lang)) if c == (ncols + 1) // 2 else None, row=nrows, col=c)
    for r in range(1, nrows + 1):
        fig.update_yaxes(title_text=escape(t(value, lang)) if r == (nrows + 1) // 2 else None, row=r, col=1)
    for annotation in fig.layout.annotations:
        annotation.font = {"size": 11}
    fig.update_layout(legend={"title": {"text": escape(t("region", lang))}, "itemclick": "toggle"})
    note = frames.source_note(emphasis, lang, documents,
                              extra=(t("note_intervals", lang), t("note_gaps", lang), t("note_shaded", lang),
                                     *frames.year_notes(emphasis, lang, documents)))
    lines = max(title.count("<br>") for title in titles[:ncols]) + 1
    return _layout(fig, t("years_title", lang), note, width=80 + YEARS_PANEL_PX * ncols + 170, height=190 * nrows,
                   left=80, below=55, top=56 + 14 * lines)


# --- 3. stacked composition -----------------------------------------------------------------

def domain_composition(emphasis: pd.DataFrame, lang: str = "zh", *, value: str = "task_share",
                       documents: pd.DataFrame | None = None, tasks: pd.DataFrame | None = None) -> go.Figure:
    """One 100% bar per plan stacked by domain; legend grouped policy / process (click to hide a domain).

    A black tick marks where policy domains end in each bar, with the policy total beside the bar.
    """
    check_lang(lang)
    m = frames.share_matrix(emphasis, value, lang, documents)
    colors, labels = domain_colors(), domain_labels(lang)
    plans = list(m.index)
    hovers = _cell_hover(emphasis, value, lang, documents, frames.example_headings(tasks), plans, list(m.columns))
    fig = go.Figure()
    for j, d in enumerate(m.columns):
        g = domain_group(d)
        hover = [row[j] for row in hovers]
        shares = m[d].to_numpy() * 100
        fig.add_trace(go.Bar(
            x=shares, y=plans, orientation="h", name=labels[d], marker={"color": colors[d], "line": {"width": 0.5,
                                                                                                    "color": "white"}},
            legendgroup=g, legendgrouptitle_text=GROUP_LABELS[lang][g] if g != "none" else None, customdata=hover,
            hovertemplate="%{customdata}<extra></extra>", meta=d,
            text=[f"{v:.0f}" if v >= 6 else "" for v in shares], textposition="inside", insidetextanchor="middle",
            textfont={"color": text_color(colors[d]), "size": 10},
        ))
    policy = m[[d for d in m.columns if domain_group(d) == "policy"]].sum(axis=1).to_numpy() * 100
    fig.add_trace(go.Scatter(
        x=policy, y=plans, mode="markers", name=t("note_rule", lang), showlegend=False,
        marker={"symbol": "line-ns", "size": 24, "line": {"width": 2.5, "color": "black"}},
        hovertemplate="%{y}<br>" + escape(t("policy_share", lang, value="%{x:.0f}%")) + "<extra></extra>"))
    fig.add_trace(go.Scatter(
        x=[100] * len(plans), y=plans, mode="text", showlegend=False, hoverinfo="skip", cliponaxis=False,
        text=[escape(t("policy_share", lang, value=f"{p:.0f}%")) for p in policy], textposition="middle right",
        textfont={"size": 10}))
    fig.update_layout(barmode="stack", bargap=0.25,
                      legend={"groupclick": "toggleitem", "tracegroupgap": 12, "traceorder": "grouped"})
    left = _px(max(em_width(p) for p in plans)) + 40
    legend = 60 + _px(max(em_width(s) for s in labels.values()))
    bars = min(620, MAX_WIDTH - left - 70 - legend)
    fig.update_xaxes(range=[0, 100 + 70 * 100 / bars], tickvals=list(range(0, 101, 20)), showgrid=False,
                     title_text=escape(t(value, lang)))
    fig.update_yaxes(autorange="reversed", title_text=escape(t("plan", lang)))
    width = left + bars + 70 + legend
    height = max(34 * len(plans), 20 * (len(m.columns) + 4))
    note = frames.source_note(emphasis, lang, documents, extra=(t("note_weights", lang), t("note_rule", lang)))
    return _layout(fig, t("stacked_title", lang), note, width, height, left=left, below=55)


# --- 4. dot plot for one domain -------------------------------------------------------------

def domain_dotplot(emphasis: pd.DataFrame, domain: str, lang: str = "zh", *, value: str = "task_share",
                   documents: pd.DataFrame | None = None, tasks: pd.DataFrame | None = None) -> go.Figure:
    """Plans sorted by their share of one domain, 95% intervals, dashed all-plan mean; one legend entry per region."""
    check_lang(lang)
    long = frames.emphasis_long(emphasis, value, lang, documents)
    if domain not in set(long["domain"]):
        raise ValueError(f"domain {domain!r} is not in the emphasis table")
    part = long[long["domain"] == domain].sort_values(["share", "plan_order"], ascending=[False, True],
                                                      kind="mergesort").reset_index(drop=True)
    headings = frames.example_headings(tasks)
    style = frames.region_styles(part["region"].dropna(), documents)
    fig = go.Figure()
    for region in dict.fromkeys(part["region"]):
        s = part[part["region"] == region]
        colour, _, symbol = style[region]
        fig.add_trace(go.Scatter(
            x=s["share"] * 100, y=s["plan"], mode="markers", name=region, legendgroup=region,
            marker={"color": colour, "symbol": symbol, "size": 10, "line": {"width": 0.8, "color": "black"}},
            error_x={"type": "data", "array": (s["hi"] - s["share"]) * 100, "arrayminus": (s["share"] - s["lo"]) * 100,
                     "color": "#555555", "thickness": 1.2, "width": 3},
            customdata=[_hover_plan(r, lang, headings, value) for r in s.itertuples()],
            hovertemplate="%{customdata}<extra></extra>"))
    mean = (float(emphasis.loc[emphasis["domain"] == domain, "corpus_mean_share"].iloc[0]) * 100
            if value == "task_share" and "corpus_mean_share" in emphasis else float(part["share"].mean() * 100))
    fig.add_vline(x=mean, line={"dash": "dash", "color": "#777777", "width": 1.2},
                  annotation={"text": escape(t("corpus_mean", lang, value=f"{mean:.1f}%")), "font": {"size": 11}},
                  annotation_position="top right")
    fig.update_xaxes(range=[0, max(5.0, math.ceil(part["hi"].max() * 100 / 5 + 0.05) * 5)], title_text=escape(t(value, lang)))
    fig.update_yaxes(categoryorder="array", categoryarray=list(part["plan"]), autorange="reversed",
                     title_text=escape(t("plan", lang)))
    fig.update_layout(legend={"title": {"text": escape(t("region", lang))}})
    note = frames.source_note(emphasis, lang, documents, extra=(t("note_intervals", lang),))
    title = t("dotplot_title", lang, domain=domain_labels(lang)[domain])
    left = _px(max(em_width(p) for p in part["plan"])) + 40
    return _layout(fig, title, note, width=min(left + 700, MAX_WIDTH), height=32 * len(part) + 20, left=left,
                   below=55)


# --- 5. distinctive terms -------------------------------------------------------------------

def distinctive_terms_chart(terms: pd.DataFrame, lang: str = "zh", *, n_terms: int = 10, ncols: int = 4,
                            tasks: pd.DataFrame | None = None, documents: pd.DataFrame | None = None) -> go.Figure:
    """Small multiples per group (region or year): top terms as horizontal bars of z, count beside each bar.

    At most `ncols` columns, fewer when they would not fit MAX_WIDTH."""
    check_lang(lang)
    frames.require(terms, ["group_by", "group", "term", "count", "z", "rank"], "distinctive terms chart")
    group_by = str(terms["group_by"].iloc[0])
    top = terms[terms["rank"] <= n_terms].sort_values(["group", "rank"], kind="mergesort")
    groups = frames.term_groups(top["group"], group_by, tasks, documents)
    term_px = _px(max(em_width(s) for s in top["term"]))
    ncols = _columns(len(groups), ncols, 230 + term_px, 40)
    nrows = math.ceil(len(groups) / ncols)
    style = frames.region_styles(groups, documents) if group_by == "region" else {}
    width, height = 40 + ncols * (230 + term_px), nrows * (60 + 22 * n_terms)
    fig = make_subplots(rows=nrows, cols=ncols, subplot_titles=[escape(g) for g in groups], shared_xaxes="all",
                        horizontal_spacing=(term_px + 30) / width, vertical_spacing=70 / height)  # 70 px per gap
    for k, group in enumerate(groups):
        part = top[top["group"] == group]
        fig.add_trace(go.Bar(
            x=part["z"], y=part["term"], orientation="h", name=group, showlegend=False,
            marker={"color": style.get(group, ("#4477AA",))[0]}, text=part["count"].astype(int).astype(str),
            textposition="outside", textfont={"size": 10}, cliponaxis=False,
            customdata=np.stack([part["count"], part["log_odds"].round(3)], axis=1) if "log_odds" in part else None,
            hovertemplate=f"<b>{escape(group)}</b><br>%{{y}}<br>z = %{{x:.2f}}<br>{escape(t('count', lang))}: "
                          "%{customdata[0]}<br>log-odds = %{customdata[1]}<extra></extra>"),
            row=k // ncols + 1, col=k % ncols + 1)
        fig.update_yaxes(autorange="reversed", row=k // ncols + 1, col=k % ncols + 1)
    gname = group_name(group_by, lang)
    fig.update_xaxes(range=[0, float(top["z"].max()) * 1.2])
    for c in range(1, ncols + 1):
        fig.update_xaxes(title_text=escape(t("z", lang, group_by=gname)) if c == 1 else None, row=nrows, col=c)
    fig.update_annotations(font={"size": 13}, selector={"xref": "x domain"})
    note = frames.source_note(frames.plan_rows(tasks), lang, documents, groups=(gname, groups),
                              extra=(t("note_terms", lang, n=n_terms), *frames.panels_note(top["group"], groups, gname, lang)))
    return _layout(fig, t("terms_title", lang, group_by=gname), note, width, height, left=term_px + 20, below=55)


# --- 6. similarity matrix -------------------------------------------------------------------

def similarity_heatmap(similarity: pd.DataFrame, lang: str = "zh", *,
                       documents: pd.DataFrame | None = None) -> go.Figure:
    """Symmetric plan × plan heatmap of cosine similarity (diagonal 1), hover names both plans."""
    check_lang(lang)
    m = frames.similarity_matrix(similarity, documents)
    labels = list(m.index)
    values = m.to_numpy(dtype=float)
    hover = [[f"{escape(a)} ↔ {escape(b)}<br>{escape(t('cosine', lang))}: {values[i, j]:.3f}"
              for j, b in enumerate(labels)] for i, a in enumerate(labels)]
    fig = go.Figure(go.Heatmap(
        z=values, x=labels, y=labels, colorscale=_scale(SIMILARITY_RAMP), zmin=0, zmax=1, xgap=1, ygap=1,
        text=[[f"{v:.2f}" for v in row] for row in values], texttemplate="%{text}" if len(labels) <= 30 else None,
        textfont={"size": 10}, customdata=np.array(hover, dtype=object), hovertemplate="%{customdata}<extra></extra>",
        colorbar={"title": {"text": escape(t("cosine", lang)), "side": "right"}, "thickness": 14}))
    fig.update_xaxes(tickangle=-45)
    fig.update_yaxes(autorange="reversed")
    sides = pd.concat([similarity[[f"file_{s}", f"region_{s}", f"year_{s}"]].set_axis(["file", "region", "plan_year"],
                                                                                      axis=1) for s in "ab"])
    note = frames.source_note(sides, lang, documents, extra=(t("note_similarity", lang),))
    label_px = _px(max(em_width(s) for s in labels))
    size = 40 * len(labels)
    return _layout(fig, t("similarity_title", lang), note, width=label_px + 20 + size + 130, height=size,
                   left=label_px + 20, below=int(label_px * 0.72) + 20)


# --- 7. topic clusters ----------------------------------------------------------------------

def _fitting_terms(head: str, terms: list[str], sep: str, max_em: float) -> str:
    """`head` and the first of `terms` joined by `sep`, as many as fit max_em (at least one)."""
    k = len(terms)
    while k > 1 and em_width(head + sep.join(terms[:k])) > max_em:
        k -= 1
    return head + sep.join(terms[:k])


def topic_clusters(topics: pd.DataFrame, lang: str = "zh", *, n_terms: int = 8, tasks: pd.DataFrame | None = None,
                   documents: pd.DataFrame | None = None) -> go.Figure:
    """Topic sizes as bars coloured by the closest codebook domain (one legend entry per domain, above
    the bars); top terms beside each bar (as many as fit MAX_WIDTH); hover adds all `n_terms` and sample
    task headings."""
    check_lang(lang)
    frames.require(topics, ["topic", "n_tasks", "top_terms", "matched_domain", "domain_similarity"], "topic chart")
    data = topics.sort_values(["n_tasks", "topic"], ascending=[False, True], kind="mergesort").reset_index(drop=True)
    frames.domain_order(data["matched_domain"])
    colors, labels = domain_colors(), domain_labels(lang)
    sep = "、" if lang == "zh" else ", "
    data["row"] = [t("topic", lang, n=int(k)) for k in data["topic"]]
    data["terms"] = [sep.join(frames.as_list(x)[:n_terms]) for x in data["top_terms"]]
    order = [d for d in domain_colors() if d in set(data["matched_domain"])]
    left = _px(max(em_width(r) for r in data["row"])) + 10
    room = (MAX_WIDTH - left - 20 - 120) / 11  # ems beside a bar at least 120 px long
    data["text"] = [_fitting_terms(f"{labels[d]} ({sim:.2f}) — ", frames.as_list(x)[:n_terms], sep, room)
                    for d, sim, x in zip(data["matched_domain"], data["domain_similarity"], data["top_terms"],
                                         strict=True)]
    fig = go.Figure()
    for d in order:
        s = data[data["matched_domain"] == d]
        examples = [frames.as_list(x) for x in s["example_headings"]] if "example_headings" in s else [[]] * len(s)
        hover = [f"<b>{escape(r)}</b> · {escape(labels[d])} ({sim:.2f})<br>{escape(t('top_terms', lang))}: "
                 f"{_br(wrap(terms, 30))}" + ("<br><i>" + escape(t("examples", lang)) + ":</i><br>" + "<br>".join(
                     "· " + escape(wrap(e, 24, max_lines=1)) for e in ex) if len(ex) else "")
                 for r, sim, terms, ex in zip(s["row"], s["domain_similarity"], s["terms"], examples, strict=True)]
        fig.add_trace(go.Bar(
            x=s["n_tasks"], y=s["row"], orientation="h", name=labels[d], legendgroup=d,
            marker={"color": colors[d], "line": {"width": 0.5, "color": "#333333"}},
            text=list(s["text"]),
            textposition="outside", cliponaxis=False, textfont={"size": 11},
            customdata=hover, hovertemplate="%{customdata}<extra></extra>", meta=d))
    max_n = int(data["n_tasks"].max())
    text_em = max(em_width(x) for x in data["text"])
    bar_px = min(260, MAX_WIDTH - left - 20 - int(text_em * 11))
    width = int(left + bar_px + text_em * 11 + 20)
    fig.update_xaxes(range=[0, max_n * (1 + text_em * 11 / bar_px)], title_text=escape(t("topic_size", lang)),
                     tickvals=list(range(0, max_n + 1, nice_step(max_n))))
    fig.update_yaxes(categoryorder="array", categoryarray=list(data["row"]), autorange="reversed")
    fig.update_layout(bargap=0.3, legend={"title": {"text": escape(t("matched", lang)), "side": "top"},
                                          "orientation": "h", "x": 0, "xanchor": "left", "y": 1, "yanchor": "bottom"})
    rows = _legend_rows([labels[d] for d in order], width - left - 20)  # its title on the left, plotly ran rows past the edge
    note = frames.source_note(frames.plan_rows(tasks), lang, documents, extra=(t("note_topics", lang),))
    return _layout(fig, t("topics_title", lang), note, width=width, height=28 * len(data), left=left, below=55,
                   top=56 + 30 * rows)


def nice_step(top: float, ticks: int = 5) -> int:
    """A whole tick step of 1, 2 or 5 times a power of ten giving at most about `ticks` steps up
    to `top` (0, 200, 400, … rather than 0, 163, 326, …)."""
    raw = max(1.0, top / ticks)
    magnitude = 10 ** math.floor(math.log10(raw))
    return int(next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw))


VIEWS = {
    "domain_heatmap": domain_heatmap,
    "emphasis_over_years": emphasis_over_years,
    "domain_composition": domain_composition,
    "domain_dotplot": domain_dotplot,
    "distinctive_terms": distinctive_terms_chart,
    "similarity_heatmap": similarity_heatmap,
    "topic_clusters": topic_clusters,
}

