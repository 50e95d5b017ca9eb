"""Charts of the lineage tables: one function per view, each returning a plotly `go.Figure`
(saving is the caller's job)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..domains import load_codebook
from ..viz import frames
from ..viz.fonts import PLOTLY_FONT_FAMILY
from ..viz.interactive import MAX_WIDTH
from ..viz.labels import em_width
from .lineage_common import LEVEL_DEPTH, depth, earlier_matrix, plan_documents

TEXT = {
    "zh": {
        "reuse_title": "文本复用：行中计划的句子在列中计划里出现的比例<br><sub>红：列中计划更早，可能是来源；灰：不更早，仅为重合</sub>",
        "copying": "计划", "source": "比对的计划", "share": "复用比例",
        "earlier": "更早，可能是来源", "not_earlier": "不更早，仅为重合",
        "graph_title": "引用网络：各计划落实（实线）与引用（虚线）的上级文件",
        "implements": "落实", "cites": "引用", "corpus_plan": "语料中的计划", "upstream": "语料外的上级文件",
        "resp_title": "责任单位 × 领域（牵头任务的领域权重合计）", "unit": "单位", "domain": "领域", "weight": "权重",
        "levels": {"national": "国家", "province": "省级", "city": "市级", "zone": "区县级", "district": "区县级",
                   "county": "区县级", "township": "乡镇级"},
    },
    "en": {
        "reuse_title": "Text reuse: share of the row plan's sentences found in the column plan<br><sub>red: the column "
                       "plan is earlier, a possible source; grey: it is not, overlap only</sub>",
        "copying": "plan", "source": "plan compared", "share": "reuse share",
        "earlier": "earlier: a possible source", "not_earlier": "not earlier: overlap only",
        "graph_title": "Citation network: upstream documents each plan implements (solid) or cites (dashed)",
        "implements": "implements", "cites": "cites", "corpus_plan": "plan in the corpus",
        "upstream": "upstream document not in the corpus",
        "resp_title": "Responsible units × domains (summed domain weight of the tasks they lead)",
        "unit": "unit", "domain": "domain", "weight": "weight",
        "levels": {"national": "national", "province": "province", "city": "city", "zone": "county-level",
                   "district": "county-level", "county": "county-level", "township": "township"},
    },
}
LEVEL_COLORS = {0: "#b2182b", 1: "#ef8a62", 2: "#67a9cf", 3: "#2166ac", 4: "#053061"}
#: Heatmaps with up to this many rows name each row (taller as they grow); above it plotly picks.
MAX_NAMED_ROWS = 60


def _text(lang: str) -> dict:
    if lang not in TEXT:
        raise ValueError(f"unknown language {lang!r} (use {', '.join(TEXT)})")
    return TEXT[lang]


def _ordered_plans(documents: pd.DataFrame) -> pd.DataFrame:
    """The plans by level, province, region, year and file, each with its `label` as the other
    charts write it (`viz.frames.plans`: namesakes get their parent city, two plans of one region
    and year their file name)."""
    plans = plan_documents(documents)
    labels = frames.plans(plans, documents).set_index("file")["label"]
    plans = plans.assign(_depth=plans["level"].map(depth), label=plans["file"].map(labels))
    return plans.sort_values(["_depth", "province", "region", "plan_year", "file"], na_position="last", kind="mergesort")


def reuse_matrix_figure(text_reuse: pd.DataFrame, documents: pd.DataFrame, lang: str = "zh") -> go.Figure:
    """Heatmap of reuse_share: rows are the plans whose sentences are looked for, columns the plans
    they are found in, plans ordered by level, province, region and year; pairs without overlap are
    0, the diagonal is blank. Red cells have an earlier column plan (`earlier_matrix`, as
    `reuse_index` counts sources); grey ones do not (a plan cannot copy a later one: the later may
    have copied it, or both a third). One colour scale runs to the largest share (at least 10 %),
    and non-zero cells are labelled."""
    t = _text(lang)
    plans = _ordered_plans(documents)
    files = list(plans["file"])
    labels = dict(zip(files, plans["label"], strict=True))
    matrix = pd.DataFrame(0.0, index=files, columns=files)
    counts = pd.DataFrame("", index=files, columns=files)
    for r in text_reuse[text_reuse["file_a"].isin(files) & text_reuse["file_b"].isin(files)].itertuples():
        matrix.loc[r.file_a, r.file_b] = r.reuse_share
        counts.loc[r.file_a, r.file_b] = f"{r.n_matched}/{r.n_sentences_a}"
    for f in files:
        matrix.loc[f, f] = np.nan
    names = [labels[f] for f in files]
    z = matrix.to_numpy()
    source = earlier_matrix(plans).T  # source[a, b]: column plan b is earlier than row plan a
    cells = np.where(np.nan_to_num(z) > 0, np.char.mod("%.0f%%", np.nan_to_num(z) * 100), "")
    top = max(0.1, float(np.nanmax(z, initial=0.0)))
    fig = go.Figure()
    for earlier, scale, name in ((True, "Reds", "earlier"), (False, "Greys", "not_earlier")):
        shown = np.where(source == earlier, z, np.nan)
        fig.add_trace(go.Heatmap(
            z=shown, x=names, y=names, customdata=counts.to_numpy(), text=np.where(source == earlier, cells, ""),
            texttemplate="%{text}", colorscale=scale, zmin=0, zmax=top, name=t[name], showscale=earlier,
            colorbar={"title": t["share"]},
            hovertemplate=f"{t['copying']}: %{{y}}<br>{t['source']} ({t[name]}): %{{x}}<br>{t['share']}: "
                          "%{z:.1%} (%{customdata})<extra></extra>"))
    fig.update_layout(title=t["reuse_title"], xaxis_title=t["source"], yaxis_title=t["copying"],
                      yaxis_autorange="reversed", font_family=PLOTLY_FONT_FAMILY, plot_bgcolor="white",
                      **_every_row(names, names))
    fig.update_xaxes(showgrid=False)  # the blank diagonal shows the background: no grid lines across it
    fig.update_yaxes(showgrid=False)
    return fig


def _clip(label: str, n: int = 18) -> str:
    return label if len(label) <= n else label[:n] + "…"


def _graph_nodes(citation_links: pd.DataFrame, documents: pd.DataFrame, upstream_only: bool,
                 plans_only: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Nodes (id, label, hover, depth, in_corpus, order key) and edges (citing file, target node,
    relation) of the graph."""
    plans = _ordered_plans(documents)
    plans = plans[plans["_depth"].notna()]  # a plan of unknown level has no place (nor have its links)
    nodes = [{"id": f, "label": label, "hover": f"{label}<br>{f}", "depth": d, "in_corpus": True, "key": (str(p), str(r), y)}
             for f, label, d, p, r, y in zip(plans["file"], plans["label"], plans["_depth"], plans["province"],
                                             plans["region"], plans["plan_year"], strict=True)]
    level_of = dict(zip(plans["file"], plans["_depth"], strict=True))
    links = citation_links[citation_links["file"].isin(level_of)].copy()
    links["cited_depth"] = links["cited_level"].map(depth)
    links.loc[links["resolved_file"].notna(), "cited_depth"] = links["resolved_file"].map(level_of)
    resolved = links["resolved_file"].notna()
    if upstream_only:
        links = links[resolved | (links["cited_depth"] < links["file"].map(level_of))]
    if plans_only:
        links = links[links["resolved_file"].notna() | links["is_plan_citation"].fillna(False).astype(bool)]
    links = links[links["cited_depth"].notna()]
    outside = links[links["resolved_file"].isna()].drop_duplicates("cited_node")
    nodes += [{"id": r.cited_node, "depth": r.cited_depth, "in_corpus": False,
               "label": f"{r.cited_region} {r.cited_year}" if r.is_plan_citation else _clip(r.cited_label),
               "hover": " ".join(str(v) for v in (r.cited_label, r.cited_doc_number) if pd.notna(v)),
               "key": (str(r.cited_region), "", r.cited_year)} for r in outside.itertuples()]
    edges = links.rename(columns={"cited_node": "target"})[["file", "target", "relation"]]
    return pd.DataFrame(nodes, columns=["id", "label", "hover", "depth", "in_corpus", "key"]), edges


#: The network's margins beside its plot area, and its labels' font size, in pixels. The figure is
#: as wide as the report's column, so the plot area is PLOT_PX wide wherever it is shown and the
#: layout can tell which neighbouring labels would overlap (its legend sits above the plot, not
#: beside it: it took 200 px of an assumed 800, and long labels ran into each other).
MARGIN_L, MARGIN_R, LABEL_PX = 80, 20, 12
PLOT_PX = MAX_WIDTH - MARGIN_L - MARGIN_R


def _layered_layout(nodes: pd.DataFrame, edges: pd.DataFrame) -> tuple[dict, dict, list[list]]:
    """Positions of a layered drawing: each node at y = -depth, spread evenly across its layer in
    the order of its key. Every edge that crosses a layer holding nodes passes it through a slot of
    its own there, placed where its straight line would cross that layer, so no line runs through a
    node it does not join; an edge within one layer bows above it (`_arc`). Returns ({node: (x, y)},
    {node: label above, below or left out (True, False, None)}, the points of each edge in edge order)."""
    def key(k) -> tuple:
        return tuple("" if pd.isna(v) else str(v) for v in k)

    rank = {}  # node → its place in its layer before the crossing lines take theirs, 0-1
    for _, group in nodes.groupby("depth"):
        ordered = sorted(zip(group["key"].map(key), group["id"].astype(str), group["id"], strict=True))
        rank |= {n: (j + 1) / (len(ordered) + 1) for j, (*_, n) in enumerate(ordered)}
    depth_of = dict(zip(nodes["id"], nodes["depth"], strict=True))
    slots = {d: [(rank[n], 0, "", n) for n in group["id"]] for d, group in nodes.groupby("depth")}
    routes = []
    for i, (source, target) in enumerate(zip(edges["file"], edges["target"], strict=True)):
        a, b = depth_of[source], depth_of[target]
        crossed = sorted((d for d in slots if min(a, b) < d < max(a, b)), reverse=a > b)
        for d in crossed:  # where the straight line from source to target crosses layer d
            slots[d].append((rank[source] + (rank[target] - rank[source]) * (d - a) / (b - a), 1, f"{i:09d}", (d, i)))
        routes.append([source, *((d, i) for d in crossed), target])
    pos = {}
    for d, items in slots.items():
        for j, (*_, item) in enumerate(sorted(items, key=lambda t: t[:3])):
            pos[item] = ((j + 1) / (len(items) + 1), -d)
    lines = [_arc(pos[r[0]], pos[r[1]]) if depth_of[r[0]] == depth_of[r[-1]] else [pos[p] for p in r]
             for r in routes]
    up = {n: 0 for n in nodes["id"]}  # lines leaving upwards minus downwards: the label goes on the freer side
    for route, points in zip(routes, lines, strict=True):
        up[route[0]] += 1 if points[1][1] > points[0][1] else -1
        up[route[-1]] += 1 if points[-2][1] > points[-1][1] else -1
    width = {n: _label_width(label) for n, label in zip(nodes["id"], nodes["label"], strict=True)}
    above = {}
    for _, group in nodes.groupby("depth"):
        above |= _label_sides(sorted(group["id"], key=lambda n: pos[n][0]), pos, width, {n: up[n] < 0 for n in up})
    return pos, above, lines


def _label_width(label) -> float:
    """A node label's width as a share of the plot's (PLOT_PX, LABEL_PX)."""
    return em_width(str(label)) * LABEL_PX / PLOT_PX


def _label_sides(ordered: list, pos: dict, width: dict, prefer: dict, gap: float = 4 / PLOT_PX) -> dict:
    """Where each label of one layer (nodes left to right) goes: above its node (True), below
    (False) or nowhere (None: it would overlap a label on either side; the hover still names the
    node). The `prefer`red side, unless the label would overlap the last one placed there."""
    right = {True: -np.inf, False: -np.inf}  # right edge of the last label on each side
    sides = {}
    for n in ordered:
        left = pos[n][0] - width[n] / 2
        clear = [side for side in (prefer[n], not prefer[n]) if left >= right[side] + gap]
        sides[n] = clear[0] if clear else None
        if clear:
            right[clear[0]] = pos[n][0] + width[n] / 2
    return sides


def _arc(start: tuple, end: tuple, rise: float = 0.35, points: int = 9) -> list[tuple]:
    """Points of a curve from start to end bowing `rise` / 2 above their layer (a citation between two
    plans of one level: a straight line would run along the layer through the nodes between them)."""
    (x0, y0), (x1, y1) = start, end
    t = np.linspace(0.0, 1.0, points)
    xs = (1 - t) ** 2 * x0 + 2 * t * (1 - t) * (x0 + x1) / 2 + t ** 2 * x1
    ys = (1 - t) ** 2 * y0 + 2 * t * (1 - t) * (y0 + rise) + t ** 2 * y1
    return [(float(x), float(y)) for x, y in zip(xs, ys, strict=True)]


def citation_graph_figure(citation_links: pd.DataFrame, documents: pd.DataFrame, lang: str = "zh",
                          upstream_only: bool = True, plans_only: bool = True) -> go.Figure:
    """Network of plans and the documents they cite, laid out by level from top (national) to
    bottom (county-level, then townships); arrows point from a plan to what it implements (solid) or cites
    (dashed), and a line that crosses a level bends through a gap of its own there
    (`_layered_layout`). Cited documents outside the corpus are open diamonds. `upstream_only`
    keeps citations of higher-level documents and of corpus plans; `plans_only` keeps cited plans
    (not laws, opinions or notices)."""
    t = _text(lang)
    nodes, edges = _graph_nodes(citation_links, documents, upstream_only, plans_only)
    pos, above, routes = _layered_layout(nodes, edges)
    fig = go.Figure()
    for relation, dash in (("implements", "solid"), ("cites", "dash")):
        xs, ys = [], []
        for points in (r for r, rel in zip(routes, edges["relation"], strict=True) if rel == relation):
            xs += [x for x, _ in points] + [None]
            ys += [y for _, y in points] + [None]
            (x0, y0), (x1, y1) = points[-2:]
            fig.add_annotation(x=x1, y=y1, ax=x0, ay=y0, xref="x", yref="y", axref="x", ayref="y", text="",
                               showarrow=True, arrowhead=2, arrowsize=1.2, arrowwidth=1, arrowcolor="#888",
                               standoff=8)
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", name=t[relation], hoverinfo="skip",
                                 line={"dash": dash, "width": 1, "color": "#888"}))
    for in_corpus, symbol, name in ((True, "circle", t["corpus_plan"]), (False, "diamond-open", t["upstream"])):
        sub = nodes[nodes["in_corpus"] == in_corpus]
        fig.add_trace(go.Scatter(
            x=[pos[n][0] for n in sub["id"]], y=[pos[n][1] for n in sub["id"]], mode="markers+text", name=name,
            text=[label if above[n] is not None else "" for n, label in zip(sub["id"], sub["label"], strict=True)],
            hovertext=sub["hover"], hoverinfo="text",
            textposition=["top center" if above[n] else "bottom center" for n in sub["id"]],
            marker={"symbol": symbol, "size": 14, "color": [LEVEL_COLORS.get(int(d), "#999") for d in sub["depth"]],
                    "line": {"width": 2, "color": [LEVEL_COLORS.get(int(d), "#999") for d in sub["depth"]]}}))
    shown = sorted({int(d) for d in nodes["depth"]})
    names = {v: t["levels"][k] for k, v in LEVEL_DEPTH.items()}
    extents = [(pos[n][0] - _label_width(label) / 2, pos[n][0] + _label_width(label) / 2)
               for n, label in zip(nodes["id"], nodes["label"], strict=True) if above[n] is not None]
    span = [min([0.0, *(lo for lo, _ in extents)]) - 0.01, max([1.0, *(hi for _, hi in extents)]) + 0.01]
    fig.update_layout(title=t["graph_title"], font_family=PLOTLY_FONT_FAMILY, plot_bgcolor="white",
                      width=MAX_WIDTH, height=max(480, 150 + 130 * len(shown)),  # room between levels for the labels
                      margin={"l": MARGIN_L, "r": MARGIN_R, "t": 110, "b": 30},
                      legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 1.0, "yanchor": "bottom"},
                      xaxis={"visible": False, "range": span},  # wide enough for the outermost labels
                      yaxis={"tickvals": [-d for d in shown], "ticktext": [names[d] for d in shown],
                             "range": [-max(shown, default=0) - 0.6, -min(shown, default=0) + 0.4]})
    return fig


def responsibility_figure(responsibility: pd.DataFrame, lang: str = "zh", top: int = 20, role: str = "lead",
                          include_generic: bool = False) -> go.Figure:
    """Heatmap of the `top` units by total weight (rows) × domains (columns) for one role, summed
    over plans. Normalised units of different governments with the same name (市财政局 of two
    cities) are one row: the chart compares departments by function."""
    t = _text(lang)
    data = responsibility[responsibility["role"] == role]
    if not include_generic:
        data = data[~data["is_generic"].fillna(False).astype(bool)]
    table = data.pivot_table(index="unit", columns="domain", values="weight", aggfunc="sum", fill_value=0.0)
    table = table.loc[table.sum(axis=1).sort_values(ascending=False, kind="mergesort").index[:top]]
    codebook = load_codebook()
    order = [d for d in [*codebook.ids, "unclassified"] if d in table.columns]
    table = table[order]
    names = {**codebook.labels(lang), "unclassified": "未分类" if lang == "zh" else "unclassified"}
    fig = go.Figure(go.Heatmap(
        z=table.to_numpy(), x=[names.get(d, d) for d in table.columns], y=list(table.index), colorscale="Blues",
        colorbar={"title": t["weight"]},
        hovertemplate=f"{t['unit']}: %{{y}}<br>{t['domain']}: %{{x}}<br>{t['weight']}: %{{z:.2f}}<extra></extra>"))
    fig.update_layout(title=t["resp_title"], xaxis_title=t["domain"], yaxis_title=t["unit"],
                      yaxis_autorange="reversed", font_family=PLOTLY_FONT_FAMILY, **_every_row(list(table.index)))
    return fig


def _every_row(rows: list[str], columns: list[str] = (), row_px: int = 24) -> dict:
    """Layout that names every row (and column) of a heatmap, each row `row_px` high, when there are
    few enough rows to read (plotly drops every other category label when they are close); {} otherwise."""
    if not rows or len(rows) > MAX_NAMED_ROWS:
        return {}
    named = {f"{axis}axis_{k}": v for axis, labels in (("y", rows), ("x", columns)) if len(labels)
             for k, v in (("tickmode", "array"), ("tickvals", labels), ("ticktext", labels))}
    return {"height": max(450, 220 + row_px * len(rows)), **named}
