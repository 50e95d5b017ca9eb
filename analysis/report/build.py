"""The HTML report: one self-contained file (plotly.js inlined, no CDN, no external fonts)
for co-authors who will not open a notebook. Every table can be downloaded as CSV
(data: links, no script needed)."""
from __future__ import annotations

import base64
import datetime as dt
import os
import re
from html import escape
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .. import config
from ..viz import interactive
from ..viz.fonts import PLOTLY_FONT_FAMILY, webfont_head
from ..viz.labels import em_width
from ..viz.palette import domain_labels
from .text import COLUMN_LABELS, TEXT

CSS = (Path(__file__).with_name("report.css")).read_text(encoding="utf-8")
PACKAGES = ("analysis", "pandas", "numpy", "scikit-learn", "jieba", "plotly", "matplotlib", "pyarrow", "pdfplumber",
            "python-docx", "opencc")


def _t(key: str, lang: str, **values) -> str:
    return TEXT[key][lang].format(**values)


def _figure(fig: go.Figure, name: str) -> str:
    """A chart's HTML, in the bundled CJK face the page embeds when the figure names no font
    (plotly's default family has no Chinese glyphs: the validation chart's title showed boxes)."""
    if fig.layout.font.family is None:
        fig.update_layout(font_family=PLOTLY_FONT_FAMILY, hoverlabel_font_family=PLOTLY_FONT_FAMILY)
    html = fig.to_html(full_html=False, include_plotlyjs=False, div_id=f"fig-{name}", config=interactive.CONFIG)
    return f'<figure class="chart" data-name="{escape(name)}">{html}</figure>'


#: Largest CSV a table embeds as a download link (base64 makes it a third larger): at 20,000
#: plans the tables' links made the report 56 MB, 35 MB of it the emphasis changes.
MAX_EMBEDDED_CSV = 2 * 2**20


def decimals(values, most: int = 3) -> int:
    """Decimal places that show `values` (floats) as they are, up to `most`: shares rounded to
    0.1 read 5.9, not 5.900; a table is shown with one number of places, so a column of whole
    shares reads 2.0 beside 3.3."""
    v = np.asarray(values, dtype=float)
    return next((d for d in range(most) if np.allclose(v, v.round(d), rtol=0, atol=1e-9)), most)


#: Columns of codebook domain ids, shown in a table by the domains' names in the report's language.
DOMAIN_COLUMNS = {"domain", "matched_domain"}
#: A table column is as wide as its longest cell up to this many em, then wraps: Chinese text
#: breaks between any two characters, so a table wider than its box had its text columns (titles,
#: issuers) squeezed to one or two characters a line.
COLUMN_EM = 12
HEADER_EM = 4  # a Chinese column name wraps after this many characters


def _table(frame: pd.DataFrame, name: str, lang: str, max_rows: int = 200) -> str:
    """An HTML table with a link to download it (all rows) as CSV; above MAX_EMBEDDED_CSV bytes, a
    note pointing to the processed tables instead."""
    csv = frame.to_csv(index=False).encode("utf-8-sig")
    if len(csv) > MAX_EMBEDDED_CSV:
        link = f'<p class="note">{escape(_t("csv_not_embedded", lang, size=f"{len(csv) / 2**20:.1f}"))}</p>'
    else:
        link = (f'<a class="download" download="{escape(name)}.csv" '
                f'href="data:text/csv;charset=utf-8;base64,{base64.b64encode(csv).decode()}">'
                f'{escape(_t("download_csv", lang))}</a>')
    head = frame.head(max_rows)
    shown = head.astype(object).where(head.notna(), "")
    names = domain_labels(lang)
    for col in DOMAIN_COLUMNS.intersection(shown.columns):  # names in the page; ids in the CSV
        shown[col] = [names.get(v, v) for v in shown[col]]
    floats = head.columns[[pd.api.types.is_float_dtype(t) for t in head.dtypes]]  # the CSV keeps every digit
    places = decimals(head[floats].stack().dropna()) if len(floats) else 0
    for col in floats:
        shown[col] = [f"{v:.{places}f}" if isinstance(v, float) else v for v in shown[col]]
    shown.columns.name = None
    if lang == "zh":  # the CSV above keeps the column names alone
        shown.columns = [f"{COLUMN_LABELS[c]}（{c}）" if c in COLUMN_LABELS else c for c in shown.columns]
    more = f'<p class="note">{escape(_t("rows_shown", lang, n=len(shown), total=len(frame)))}</p>' \
        if len(frame) > max_rows else ""
    table = shown.to_html(index=False, escape=True, border=0, na_rep="", classes="data")
    return f'<div class="table" data-name="{escape(name)}">{link}{_min_widths(table, shown)}{more}</div>'


def _min_widths(table: str, shown: pd.DataFrame) -> str:
    """`table` (pandas' HTML of `shown`) with a minimum width on each header cell: its column's
    longest cell in em, or HEADER_EM of its name when that is wider, COLUMN_EM at most (browsers
    honour min-width on a cell, not a <col>'s width)."""
    widths = iter(min(COLUMN_EM, max(min(HEADER_EM, em_width(str(name).split("（")[0])),
                                     *(em_width(str(v)) for v in shown.iloc[:, k])))
                  for k, name in enumerate(shown.columns))
    head, body = table.split("</thead>", 1)
    head = re.sub(r"<th(?=[ >])", lambda _: f'<th style="min-width:{next(widths):.1f}em"', head)
    return f"{head}</thead>{body}"


def _section(anchor: str, title: str, *parts: str) -> str:
    return f'<section id="{anchor}"><h2>{escape(title)}</h2>{"".join(parts)}</section>'


def _p(text: str) -> str:
    return f"<p>{escape(text)}</p>"


def _build_date() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch else dt.datetime.now(dt.UTC)
    return when.strftime("%Y-%m-%d %H:%M UTC")


def _versions() -> dict[str, str]:
    out = {}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "-"
    return out


# ---------------------------------------------------------------------------- sections
def _corpus(tables: dict, lang: str) -> str:
    from ..explore import corpus_overview, warnings_table
    from ..measure.plans import DUPLICATE_SHARE

    docs = tables["documents"]
    overview = corpus_overview(docs).reset_index()
    copies = tables.get("plan_duplicates", pd.DataFrame(columns=["file", "duplicate_of"]))
    plans = docs[docs["is_plan"].fillna(False) & ~docs["file"].isin(set(copies["file"]))]
    measured = plans[plans["file"].isin(set(tables["emphasis"]["file"]) if "emphasis" in tables else set())]
    years = sorted(int(y) for y in measured["plan_year"].dropna().unique())
    tasks = tables["tasks"]
    summary = _t("corpus_summary", lang, docs=len(docs), plans=len(plans), measured=len(measured),
                 regions=measured["region"].dropna().nunique(), years=f"{years[0]}–{years[-1]}" if years else "-",
                 tasks=int(tasks["file"].isin(set(measured["file"])).sum()))
    if unmeasured := _unmeasured(plans[~plans["file"].isin(set(measured["file"]))], lang):
        summary += " " + _t("corpus_unmeasured", lang, items="；".join(unmeasured) if lang == "zh" else "; ".join(unmeasured))
    not_plans = docs[~docs["is_plan"].fillna(False).astype(bool) & ~docs["failed"].fillna(False).astype(bool)]
    of_department = not_plans.reindex(columns=["department"])["department"].notna()
    sep = "、" if lang == "zh" else ", "
    if of_department.any():
        items = sep.join(f"{r.file}: {'' if pd.isna(r.region) else r.region}{r.department}"
                         for r in not_plans[of_department].itertuples())
        summary += " " + _t("corpus_departments", lang, n=int(of_department.sum()), items=items)
    if (~of_department).any():  # reports, documents of another kind, plans of other work: their warnings say which
        others = not_plans[~of_department]
        items = sep.join(r.file if pd.isna(r.title) else f"{r.file}: {r.title}" for r in others.head(10).itertuples())
        summary += " " + _t("corpus_not_plans", lang, n=len(others), items=items + ("…" if len(others) > 10 else ""))
    if len(copies):
        items = "; ".join(f"{r.file} = {r.duplicate_of}" for r in copies.itertuples())
        summary += " " + _t("corpus_duplicates", lang, share=f"{DUPLICATE_SHARE:.0%}", items=items)
    warnings = warnings_table(docs)
    details = (f'<details><summary>{escape(_t("warnings", lang, n=len(warnings)))}</summary>'
               f'{_table(warnings, "warnings", lang)}</details>') if len(warnings) else ""
    return _section("corpus", _t("corpus", lang), _p(summary), _p(_t("corpus_help", lang)),
                    _table(overview, "plans", lang), details)


def _unmeasured(plans: pd.DataFrame, lang: str, most: int = 10) -> list[str]:
    """Why the plans no measure counts are left out, by reason, naming up to `most` files each."""
    no_tasks = plans["n_tasks"].fillna(0).eq(0)
    no_region = plans["region"].isna() & ~no_tasks
    partial = plans["is_partial"].fillna(False).astype(bool) & ~no_tasks & ~no_region
    out = []
    for key, rows in (("unmeasured_no_tasks", plans[no_tasks]), ("unmeasured_no_region", plans[no_region]),
                      ("unmeasured_partial", plans[partial])):
        if len(rows):
            files = "、".join(rows["file"].head(most)) + ("…" if len(rows) > most else "")
            out.append(_t(key, lang, n=len(rows), files=files if lang == "zh" else files.replace("、", ", ")))
    return out


def _headline(tables: dict, lang: str, domain: str, skipped: dict, tasks: pd.DataFrame) -> str:
    from ..explore import share_table
    from ..viz import frames
    from ..viz.export import group_means

    em, docs = tables["emphasis"], tables["documents"]
    shares = share_table(em, lang, documents=docs).reset_index()
    if "domain_heatmap" in skipped:  # the plans' rows in the CSV; the means of groups of plans drawn
        means = group_means(tables)
        figures = [_figure(interactive.group_heatmap(means, by, lang, emphasis=em, documents=docs), f"means_{by}")
                   for by in frames.mean_groups(means)]
        shown = means[["group_by", "group", "n_plans", "domain", "mean_share", "mean_share_lo", "mean_share_hi"]]
        return _section("comparison", _t("comparison", lang), _p(_t("comparison_help", lang)),
                        _left_out(skipped["domain_heatmap"], lang), _table(shares, "task_shares", lang, max_rows=20),
                        *([_p(_t("means_help", lang)), *figures, _table(shown, "emphasis_means", lang, max_rows=20)]
                          if figures else []))
    table = _table(shares, "task_shares", lang)
    return _section(
        "comparison", _t("comparison", lang), _p(_t("comparison_help", lang)),
        _figure(interactive.domain_heatmap(em, lang, documents=docs, tasks=tasks), "heatmap"),
        table,
        _p(_t("dotplot_help", lang)),
        _figure(interactive.domain_dotplot(em, domain, lang, documents=docs, tasks=tasks), "dotplot"),
        _figure(interactive.domain_composition(em, lang, documents=docs, tasks=tasks), "composition"),
    )


def _left_out(why, lang: str) -> str:
    """The paragraph standing for charts the corpus is too large for (`why`: a `viz.export.LeftOut`)."""
    return _p(_t("chart_left_out", lang, n=why.count, unit=_t(f"unit_{why.unit}", lang), limit=why.limit))


def _groups(tables: dict, lang: str, skipped: dict, tasks: pd.DataFrame) -> str:
    from ..domains import load_codebook
    from ..measure import several_plans
    from ..viz import frames

    cb = load_codebook()
    em, docs = tables["emphasis"], tables["documents"]
    groups = tables["emphasis_groups"]
    parts = [_p(_t("groups_help", lang))]
    labels = frames.plans(groups, docs).set_index("file")["label"]  # two plans of one region-year keep two rows
    table = groups.assign(plan=groups["file"].map(labels)).pivot_table(
        index="plan", columns="domain_group", values="task_share", aggfunc="sum", fill_value=0.0)
    table = table.reindex(index=labels.to_numpy(),  # the charts' order; a group a plan has no task in is 0
                          columns=[g for g in ("policy", "process", "none") if g in table.columns])
    parts.append(_table((table * 100).round(1).rename_axis("plan").reset_index(), "group_shares", lang))
    left_out = skipped.get("emphasis_over_years")
    for group in ("policy", "process") if not left_out else ():
        domains = [d.id for d in cb.domains if d.group == group]
        parts.append(f"<h3>{escape(_t('group_' + group, lang))}</h3>")
        parts.append(_figure(interactive.emphasis_over_years(em, lang, domains=domains, documents=docs, tasks=tasks),
                             f"years_{group}"))
    if left_out:
        parts.append(_left_out(left_out, lang))
    change = tables.get("emphasis_change")
    if change is not None and len(change):
        top = change.assign(abs_change=change["change"].abs()).sort_values(
            ["abs_change", "file", "domain"], ascending=[False, True, True])
        shown = ["region", "parent", "province", "domain", "plan_year", "previous_year", "year_gap", "task_share",
                 "previous_share", "change"]
        parts += [_p(_t("change_help", lang)), _table(top[shown], "emphasis_change", lang, max_rows=30)]
    several = several_plans(em, docs)
    if len(several):
        items = "; ".join(f"{frames.plan_label(r.region, r.plan_year)} ({', '.join(r.files)})"
                          for r in several.itertuples())
        parts.append(_p(_t("change_several", lang, items=items)))
    return _section("groups", _t("groups", lang), *parts)


def _vocabulary(tables: dict, lang: str, skipped: dict, tasks: pd.DataFrame) -> str:
    parts = []
    terms = tables.get("distinctive_terms")
    if terms is not None and len(terms[terms["group_by"] == "region"]):
        parts += [_p(_t("terms_help", lang)),
                  _figure(interactive.distinctive_terms_chart(terms[terms["group_by"] == "region"], lang,
                                                              tasks=tasks,
                                                              documents=tables["documents"]),
                          "terms")]
    sim = tables.get("similarity")
    if sim is not None and len(sim):
        left_out = skipped.get("similarity_heatmap")
        parts += [_p(_t("similarity_help", lang)), _left_out(left_out, lang) if left_out else
                  _figure(interactive.similarity_heatmap(sim, lang, documents=tables["documents"]), "similarity")]
    return _section("vocabulary", _t("vocabulary", lang), *parts) if parts else ""


def _topics(tables: dict, lang: str, tasks: pd.DataFrame | None) -> str:
    topics = tables.get("topics")
    if topics is None or not len(topics):
        return _section("topics", _t("topics", lang), _p(_t("topics_none", lang)))
    shown = topics[["topic", "n_tasks", "top_terms", "matched_domain", "domain_similarity", "example_headings"]]
    return _section("topics", _t("topics", lang), _p(_t("topics_help", lang)),
                    _figure(interactive.topic_clusters(topics, lang, tasks=tasks,
                                                       documents=tables["documents"]), "topics"),
                    _table(shown, "topics", lang))


def _lineage(tables: dict, lang: str, skipped: dict) -> str:
    if "citation_links" not in tables:
        return ""
    from ..viz.export import lineage_figures

    figures = lineage_figures(tables, lang, skipped)
    parts = [_p(_t("lineage_help", lang))]
    for key, name in (("lineage_citations", "citations"), ("lineage_text_reuse", "reuse")):
        if key in figures:
            parts.append(_figure(figures[key], name))
    if "lineage_text_reuse" in skipped:
        parts.append(_left_out(skipped["lineage_text_reuse"], lang))
    index = tables.get("reuse_index")
    if index is not None and len(index):
        parts.append(_table(index, "reuse_index", lang))
    if "lineage_responsibility" in figures:
        parts.append(_figure(figures["lineage_responsibility"], "responsibility"))
    return _section("lineage", _t("lineage", lang), *parts)


def _validation(lang: str) -> str:
    gold = config.SHARED_DIR / "gold" / "seed_labels.jsonl"
    if not gold.exists():
        return ""
    from ..domains.validate import validate

    v = validate(gold)
    per = v.per_domain
    names = domain_labels(lang)
    fig = go.Figure(go.Bar(x=[names.get(d, d) for d in per["domain"]], y=per["f1"], marker_color="#0072B2",
                           hovertemplate="%{x}<br>F1 %{y:.2f}<extra></extra>"))
    fig.update_layout(title=_t("validation_chart", lang), yaxis={"range": [0, 1], "title": "F1"},
                      template="plotly_white", height=380, margin={"t": 60, "b": 90})
    return _section("validation", _t("validation", lang), _p(_t("validation_help", lang)),
                    _table(v.summary, "validation_summary", lang), _figure(fig, "validation"),
                    _table(per, "validation_per_domain", lang))


def _methods(lang: str, vers: dict) -> str:
    from ..domains import load_codebook

    cb = load_codebook()
    rows = [{"id": d.id, _t("name", lang): d.label(lang), _t("group", lang): d.group,
             _t("definition", lang): d.definition,
             _t("keywords", lang): "、".join(t for t, w in sorted(d.keywords.items(), key=lambda x: (-x[1], x[0])))}
            for d in cb.domains]
    rules = pd.DataFrame([{"rule": k, "value": v} for k, v in cb.rules.items()])
    weights = "; ".join(f"{n}: {'/'.join(str(w) for w in ws)}" for n, ws in config.DOMAIN_WEIGHTS.items())
    versions = pd.DataFrame([{"component": k, "version": v} for k, v in vers.items()])
    return _section("methods", _t("methods", lang),
                    _p(_t("methods_parse", lang)), _p(_t("methods_classify", lang, version=cb.version)),
                    _table(pd.DataFrame(rows), "codebook", lang), _table(rules, "codebook_rules", lang),
                    _p(_t("methods_emphasis", lang, weights=weights, n=config.BOOTSTRAP_REPLICATES)),
                    _table(versions, "pipeline_versions", lang))


def _provenance(tables: dict, lang: str, raw_dir: Path) -> str:
    from ..pipeline import raw_manifest

    listed = raw_manifest(raw_dir)
    docs = tables["documents"][["file", "sha256"]].copy()
    docs["source"] = [listed.get(f, {}).get("url") or listed.get(f, {}).get("source", "") for f in docs["file"]]
    docs["added"] = [listed.get(f, {}).get("added", "") for f in docs["file"]]
    packages = pd.DataFrame([{"package": k, "version": v} for k, v in _versions().items()])
    return _section("provenance", _t("provenance", lang), _p(_t("built", lang, date=_build_date())),
                    _table(docs, "raw_files", lang), _table(packages, "packages", lang))


def render(tables: dict[str, pd.DataFrame], lang: str = "zh", *, raw_dir: Path = config.RAW_DIR,
           versions: dict | None = None) -> str:
    """The report as one HTML string."""
    from plotly.offline import get_plotlyjs

    from ..viz.export import left_out_views, most_varied
    from ..viz.frames import chart_tasks

    if lang not in TEXT["title"]:
        raise ValueError(f"unknown language {lang!r} (use zh or en)")
    has_emphasis = "emphasis" in tables and len(tables["emphasis"])
    skipped = left_out_views(tables)  # the charts the figures leave out, left out here too
    tasks = chart_tasks(tables.get("tasks"), tables["emphasis"]["file"] if "emphasis" in tables else None)
    body = [_corpus(tables, lang)]
    if has_emphasis:
        body += [_headline(tables, lang, most_varied(tables["emphasis"]), skipped, tasks),
                 _groups(tables, lang, skipped, tasks), _vocabulary(tables, lang, skipped, tasks)]
    else:
        body.append(_p(_t("no_plans", lang)))
    body += [_topics(tables, lang, tasks), _lineage(tables, lang, skipped), _validation(lang),
             _methods(lang, versions or {}), _provenance(tables, lang, raw_dir)]
    toc = "".join(f'<a href="#{a}">{escape(_t(a, lang))}</a>' for a in
                  ("corpus", "comparison", "groups", "vocabulary", "topics", "lineage", "validation", "methods",
                   "provenance") if f'id="{a}"' in "".join(body))
    page = (f"<header><h1>{escape(_t('title', lang))}</h1><p>{escape(_t('subtitle', lang))}</p>"
            f'<nav>{toc}</nav></header><main>{"".join(body)}</main>')
    return (f'<!DOCTYPE html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(_t('title', lang))}</title><style>{CSS}</style>"
            f'<script type="text/javascript">{get_plotlyjs()}</script>{webfont_head(page)}</head>'
            f'<body>{page}</body></html>')


def build_report(tables: dict[str, pd.DataFrame], reports_dir: Path, lang: str = "zh", *,
                 raw_dir: Path = config.RAW_DIR, versions: dict | None = None) -> Path:
    """Write reports/index.html (atomically) and return its path."""
    from ..atomic import atomic_write_text

    path = Path(reports_dir) / "index.html"
    atomic_write_text(path, render(tables, lang, raw_dir=raw_dir, versions=versions))
    return path


__all__ = ["build_report", "render"]
