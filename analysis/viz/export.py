"""Writing figures: PNG/SVG/PDF for papers, standalone HTML for exploring; atomic and reproducible.

Every file is written to a temporary file beside its target and moved into place
(`analysis.atomic`), so a reader never sees half a figure. Outputs are byte-identical across runs
of the same figure: PNG, SVG and PDF carry no dates (SVG ids come from a fixed hash salt; clip
paths are numbered in order of use), their layout is rounded to 1e-9 of the figure before it is
drawn (`snap_layout`), HTML gets a fixed div id. PDF text is embedded as Type 3 glyphs: the bundled CJK font is
CFF-flavoured OpenType, which matplotlib cannot embed as Type 42.
"""
from __future__ import annotations

import io
import re
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import NamedTuple

import matplotlib as mpl
import pandas as pd
import plotly.graph_objects as go
from matplotlib.figure import Figure, FigureBase

from ..atomic import atomic_write_with
from ..forks import run_forked
from . import frames, interactive, static
from .fonts import webfont_head
from .palette import check_lang

STATIC_FORMATS = ("png", "svg", "pdf")
DPI = 300
_METADATA = {"png": {"Software": None}, "svg": {"Date": None}, "pdf": {"CreationDate": None, "ModDate": None}}
SVG_HASH_SALT = "analysis-viz"


def save_static(fig: Figure, name: str, folder: str | Path, formats: tuple[str, ...] = STATIC_FORMATS) -> list[Path]:
    """Write `fig` as folder/name.png (300 dpi), .svg and .pdf; return the paths in that order.

    The layout is computed once, snapped (`snap_layout`) and held while the formats are written
    (a 20-panel figure takes seconds per layout pass), then the figure's layout engine is restored.
    """
    unknown = [f for f in formats if f not in _METADATA]
    if unknown:
        raise ValueError(f"unknown static formats {unknown} (use {', '.join(STATIC_FORMATS)})")
    folder = Path(folder)
    engine = fig.get_layout_engine()
    fig.draw_without_rendering()
    snap_layout(fig)
    fig.set_layout_engine("none")
    paths = []
    try:
        with mpl.rc_context({"svg.hashsalt": SVG_HASH_SALT, "pdf.fonttype": 3}):
            for fmt in formats:
                path = folder / f"{name}.{fmt}"
                buffer = io.BytesIO()
                fig.savefig(buffer, format=fmt, dpi=DPI, metadata=_METADATA[fmt], facecolor="white")
                data = _renumber_clip_ids(buffer.getvalue()) if fmt == "svg" else buffer.getvalue()
                atomic_write_with(path, lambda fh, data=data: fh.write(data), durable=False)
                paths.append(path)
    finally:
        fig.set_layout_engine(engine)
    return paths


LAYOUT_DECIMALS = 9


def snap_layout(fig: FigureBase) -> None:
    """Round what the layout engine placed, in figure or panel fractions, to LAYOUT_DECIMALS:
    panels (subfigures), axes and their super-titles and -labels. Constrained layout's solver can
    place an axes one bit apart depending on what the process drew before, and that bit flipped a
    coordinate the SVG writer rounds to 6 decimals (a figure drawn by a forked worker differed from
    the same figure drawn in the parent). Rounded, the same figure is drawn from the same numbers."""
    for box in [sub.bbox_relative for sub in fig.subfigs] + [b for ax in fig._localaxes
                                                          for b in (ax._position, ax._originalPosition)]:
        box.set_points(box.get_points().round(LAYOUT_DECIMALS))
    for label in (fig._suptitle, fig._supxlabel, fig._supylabel):
        if label is not None:
            label.set_position(tuple(round(float(v), LAYOUT_DECIMALS) for v in label.get_position()))
    for sub in fig.subfigs:
        snap_layout(sub)


_CLIP_ID = re.compile(rb"\bp[0-9a-f]{10}\b")


def _renumber_clip_ids(svg: bytes) -> bytes:
    """Clip-path ids in order of first use (clip1, clip2, ...): matplotlib hashes the clip
    rectangle's exact floats, or a description of a clip path's transform, into each id. The same
    figure drawn in a forked worker once got other ids; the likely cause, a layout one bit apart,
    is now removed by `snap_layout`, and this keeps ids independent of any such detail."""
    ids: dict[bytes, bytes] = {}
    return _CLIP_ID.sub(lambda m: ids.setdefault(m.group(), b"clip%d" % (len(ids) + 1)), svg)


def save_interactive(fig: go.Figure, name: str, folder: str | Path) -> Path:
    """Write `fig` as folder/name.html, standalone and offline (plotly.js embedded, no CDN), with
    the glyphs of its labels (`fonts.webfont_head`): it renders where no Chinese font is installed."""
    from html import escape

    from plotly.offline import get_plotlyjs

    config = {**interactive.CONFIG, "toImageButtonOptions": {"format": "svg", "filename": name}}

    div = fig.to_html(include_plotlyjs=False, full_html=False, div_id=f"figure-{name}", config=config,
                      include_mathjax=False)
    page = (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{escape(name)}</title>'
            f'<script type="text/javascript">{get_plotlyjs()}</script>{webfont_head(div)}</head>'
            f"<body>{div}</body></html>")
    path = Path(folder) / f"{name}.html"
    atomic_write_with(path, lambda fh: fh.write(page.encode("utf-8")), durable=False)
    return path


class _View(NamedTuple):
    draw_static: Callable
    draw_interactive: Callable
    args: tuple
    static_kwargs: dict
    interactive_kwargs: dict


def _views(tables: dict[str, pd.DataFrame], domain: str | None,
           skipped: dict[str, LeftOut] | None = None) -> dict[str, _View]:
    """The views the tables allow, by file stem, with the arguments each library's function takes;
    `skipped`: `left_out_views(tables)`, when the caller has it."""
    if "emphasis" not in tables:
        raise KeyError(f"render_all needs at least the 'emphasis' table; got {sorted(tables)}")
    e = tables["emphasis"]
    if e.empty:  # no plan measured (a corpus of reports, or of unreadable files): nothing to draw
        return {}
    docs, tasks = tables.get("documents"), tables.get("tasks")
    measured = frames.chart_tasks(tasks, e["file"])
    plain, hover = {"documents": docs}, {"documents": docs, "tasks": measured}
    views = {}
    skipped = left_out_views(tables) if skipped is None else skipped
    per_plan = "domain_heatmap" not in skipped
    if per_plan:
        views["domain_heatmap"] = _View(static.domain_heatmap, interactive.domain_heatmap, (e,), plain, hover)
    if "emphasis_over_years" not in skipped:
        views["emphasis_over_years"] = _View(static.emphasis_over_years, interactive.emphasis_over_years, (e,), plain,
                                             hover)
    if per_plan:
        views["domain_composition"] = _View(static.domain_composition, interactive.domain_composition, (e,), plain,
                                            hover)
        focus = domain or most_varied(e)
        views[f"domain_dotplot_{focus}"] = _View(static.domain_dotplot, interactive.domain_dotplot, (e, focus),
                                                 plain, hover)
    else:  # too many plans for a row each: the means of provinces, levels and years instead
        means = group_means(tables)
        for by in frames.mean_groups(means):
            kwargs = {"emphasis": e, "documents": docs}
            views[f"emphasis_means_{by}"] = _View(static.group_heatmap, interactive.group_heatmap, (means, by),
                                                  kwargs, kwargs)
    terms = tables.get("distinctive_terms")
    if terms is not None:
        for group_by, part in terms.groupby("group_by", sort=True):
            kwargs = {"documents": docs, "tasks": measured}
            views[f"distinctive_terms_{group_by}"] = _View(static.distinctive_terms_chart,
                                                           interactive.distinctive_terms_chart, (part,), kwargs, kwargs)
    sim = tables.get("similarity")
    if sim is not None and len(sim) and "similarity_heatmap" not in skipped:
        views["similarity_heatmap"] = _View(static.similarity_heatmap, interactive.similarity_heatmap, (sim,), plain,
                                            plain)
    if tables.get("topics") is not None and len(tables["topics"]):
        kwargs = {"documents": docs, "tasks": measured}
        views["topic_clusters"] = _View(static.topic_clusters, interactive.topic_clusters, (tables["topics"],),
                                        kwargs, kwargs)
    return views


def group_means(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The tables' `emphasis_means`, computed from their emphasis when they lack it (tables of an older build)."""
    if "emphasis_means" in tables:
        return tables["emphasis_means"]
    from ..measure import emphasis_means

    return emphasis_means(tables["emphasis"], documents=tables.get("documents"))


class LeftOut(NamedTuple):
    """Why a view is not drawn: the corpus has `count` plans or governments (`unit`), more than
    the `limit` a chart draws one by one."""
    count: int
    unit: str  # "plans" or "governments"
    limit: int

    def __str__(self) -> str:
        return f"{self.count} {self.unit} > {self.limit}"


def left_out_views(tables: dict[str, pd.DataFrame]) -> dict[str, LeftOut]:
    """Views render_all does not draw because the corpus is too large to chart one by one, by
    name, with the reason: a row per plan above `frames.MAX_PLAN_ROWS` plans (heat maps,
    composition, dot plot, similarity, text reuse), a line per government above
    `frames.MAX_SERIES` governments (over years). The figures, the report and the build's
    summary all take their decisions from here."""
    e, docs = tables.get("emphasis"), tables.get("documents")
    out = {}
    if e is not None and (n := frames.n_plans(e)) > frames.MAX_PLAN_ROWS:
        why = LeftOut(n, "plans", frames.MAX_PLAN_ROWS)
        out |= dict.fromkeys(["domain_heatmap", "domain_composition", "domain_dotplot"], why)
    if e is not None and (n := frames.n_series(e, docs)) > frames.MAX_SERIES:
        out["emphasis_over_years"] = LeftOut(n, "governments", frames.MAX_SERIES)
    sim = tables.get("similarity")
    if sim is not None and len(sim) and (n := frames.n_plans(sim)) > frames.MAX_PLAN_ROWS:
        out["similarity_heatmap"] = LeftOut(n, "plans", frames.MAX_PLAN_ROWS)
    reuse = tables.get("text_reuse")
    if reuse is not None and len(reuse) and docs is not None:
        from ..measure.lineage_common import plan_documents

        if (n := len(plan_documents(docs))) > frames.MAX_PLAN_ROWS:
            out["lineage_text_reuse"] = LeftOut(n, "plans", frames.MAX_PLAN_ROWS)
    return out


def most_varied(emphasis: pd.DataFrame) -> str:
    """The codebook domain whose task_share varies most across plans (the dot plot's default); among
    domains that vary alike (a corpus of one plan: none varies), the one with the largest mean share."""
    shares = emphasis[emphasis["domain_group"] != "none"].groupby("domain")["task_share"]
    stats = pd.DataFrame({"spread": shares.std().fillna(0.0), "mean": shares.mean()})
    return str(stats.sort_values(["spread", "mean"], ascending=False, kind="mergesort").index[0])


def render_all(tables: dict[str, pd.DataFrame], folder: str | Path, lang: str = "zh", *, domain: str | None = None,
               formats: tuple[str, ...] = STATIC_FORMATS, html: bool = True, workers: int = 1) -> list[Path]:
    """Draw every view the tables allow and write it under folder; return the written paths.
    Views with a row per plan are left out above `frames.MAX_PLAN_ROWS` plans, the over-years
    view above `frames.MAX_SERIES` governments (chart a selection: `analysis.explore.select`);
    in their place, heat maps of the mean emphasis of provinces, levels and plan years
    (`emphasis_means_<province|level|plan_year>`, those with two groups or more).
    Files an earlier call wrote in `folder` for views this one does not draw are removed.

    `tables`: 'emphasis' (required), 'documents' (source notes, exclusions), 'tasks' (sample
    headings in hover text, plans behind terms and topics), 'distinctive_terms' (one chart per
    group_by), 'similarity', 'topics', and the lineage tables (interactive only). Files are named
    <view>_<lang>.<ext>; the dot plot shows
    `domain`, by default the domain whose share varies most between plans. `workers` processes draw
    the views (forked: they inherit the tables; the same files as one).
    """
    check_lang(lang)
    skipped = left_out_views(tables)
    views = _views(tables, domain, skipped)
    lineage = lineage_figures(tables, lang, skipped)
    jobs = [partial(_draw, view, f"{name}_{lang}", folder, lang, formats, html) for name, view in views.items()]
    if html:
        jobs += [partial(_save_interactive_list, fig, f"{name}_{lang}", folder) for name, fig in lineage.items()]
    written = [path for paths in run_forked(jobs, workers) for path in paths]
    _remove_stale(Path(folder), lang, {f"{name}_{lang}" for name in [*views, *lineage]})
    return written


def _draw(view: _View, stem: str, folder: str | Path, lang: str, formats: tuple[str, ...], html: bool) -> list[Path]:
    """Draw one view in the static formats and as HTML; the paths written."""
    written = []
    if formats:
        written += save_static(view.draw_static(*view.args, lang, **view.static_kwargs), stem, folder, formats)
    if html:
        written += _save_interactive_list(view.draw_interactive(*view.args, lang, **view.interactive_kwargs), stem,
                                          folder)
    return written


def _save_interactive_list(fig: go.Figure, stem: str, folder: str | Path) -> list[Path]:
    return [save_interactive(fig, stem, folder)]


#: Stems of the files render_all writes (then _<lang>.<ext>).
VIEW_STEMS = re.compile(r"(domain_heatmap|emphasis_over_years|emphasis_means_\w+|domain_composition|"
                        r"domain_dotplot_\w+|distinctive_terms_\w+|similarity_heatmap|topic_clusters|lineage_\w+)"
                        r"_(zh|en)\."
                        r"(png|svg|pdf|html)")


def _remove_stale(folder: Path, lang: str, drawn: set[str]) -> None:
    """Delete this language's figure files of views an earlier call drew and this one did not (a
    view now left out, the dot plot of another domain), so no figure outlives its data; files of
    the views drawn (in any format) and files of other names stay."""
    for path in folder.glob(f"*_{lang}.*"):
        if path.stem not in drawn and VIEW_STEMS.fullmatch(path.name):
            path.unlink(missing_ok=True)


def lineage_figures(tables: dict[str, pd.DataFrame], lang: str = "zh",
                    skipped: dict[str, LeftOut] | None = None) -> dict[str, go.Figure]:
    """Interactive lineage charts (citation graph, text reuse matrix, responsibility network) for the
    lineage tables present and not empty; the reuse matrix up to `frames.MAX_PLAN_ROWS` plans
    (`skipped`: `left_out_views(tables)`, when the caller has it)."""
    from ..measure import lineage_charts as charts

    docs, out = tables.get("documents"), {}
    if docs is None:
        return out
    links, reuse, resp = (tables.get(n) for n in ("citation_links", "text_reuse", "responsibility"))
    if links is not None and len(links):
        out["lineage_citations"] = charts.citation_graph_figure(links, docs, lang)
    skipped = left_out_views(tables) if skipped is None else skipped
    if reuse is not None and len(reuse) and "lineage_text_reuse" not in skipped:
        out["lineage_text_reuse"] = charts.reuse_matrix_figure(reuse, docs, lang)
    if resp is not None and len(resp):
        out["lineage_responsibility"] = charts.responsibility_figure(resp, lang)
    return out
