"""Figure-ready frames shared by the static and interactive views (pure, DataFrame in → out).

Both libraries draw from these, so a matplotlib figure and its plotly twin show the same
numbers in the same order: plans by government level, region and year; domains in
codebook order (policy, then process, then 'unclassified').
"""
from __future__ import annotations

import pandas as pd

from ..levels import LEVELS
from ..schemas import LIST_SEP
from ..tables import UNCLASSIFIED
from .labels import TEXT, t
from .palette import codebook, domain_group, domain_labels, region_style

#: Most panels a small-multiple chart draws (a 4 × 4 grid); the table behind it keeps every group.
MAX_PANELS = 16
#: Most plans a chart with a row or column per plan draws (heat maps, dot plot, composition,
#: similarity); the build and the report leave larger ones out — chart a selection instead
#: (`analysis.explore.select`) — and the tables keep every plan. At 200 plans these charts took
#: two minutes to write and were unreadable.
MAX_PLAN_ROWS = 60
#: Most governments the over-years chart draws as series (beyond it, lines cannot be told apart).
MAX_SERIES = 12
#: Most names a source note lists (then: "and N more").
MAX_NOTE_NAMES = 20
EMPHASIS_COLUMNS = ("file", "region", "plan_year", "domain")


def require(frame: pd.DataFrame, columns, what: str) -> pd.DataFrame:
    """Fail with the missing column names when `frame` is not the table a view draws."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{what} needs columns {missing}; got {list(frame.columns)}")
    if frame.empty:
        raise ValueError(f"{what}: the table is empty")
    return frame


def plan_label(region, plan_year, span=None) -> str:
    """'福建省 2018': the region as written (no translation table exists) and the plan year, or the
    years a plan for several years covers ('舟山市 2021–2025')."""
    region = "" if pd.isna(region) else str(region)
    year = str(span) if isinstance(span, str) and span else "" if pd.isna(plan_year) else str(int(plan_year))
    return f"{region} {year}".strip() or "?"


def _governments(frame: pd.DataFrame, documents: pd.DataFrame | None) -> pd.Series | None:
    """Each file's government label (`measure.government_labels`), from the frame's own
    parent/province columns or else `documents`'; None when neither has them."""
    from ..measure.plans import government_labels

    source = frame if {"parent", "province"} <= set(frame.columns) else documents
    return None if source is None or "province" not in source.columns else government_labels(source)


def plans(frame: pd.DataFrame, documents: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per plan in `frame` (file, region, plan_year, level, label), in display order.

    Order: government level (province before city before district and county), region, year,
    file. Levels come from `frame` or, when absent, `documents`. A region name two governments
    share gets its parent city in brackets (`_governments`), one whose government was not found
    goes by its file name, and two plans of one region and year get their file name added to the
    label, so no two rows share one.
    """
    cols = ["file", "region", "plan_year", "level"]
    p = frame[[c for c in cols if c in frame.columns]].drop_duplicates("file")
    governments = _governments(frame, documents) if "region" in p.columns else None
    if governments is not None:
        p = p.assign(region=p["file"].map(governments).fillna(p["region"]))
    if "region" in p.columns:  # a plan whose government was not found is drawn under its file name
        p = p.assign(region=p["region"].astype(object).where(p["region"].notna(), p["file"]))
    if "level" not in p.columns:
        levels = documents.set_index("file")["level"] if documents is not None and "level" in documents else {}
        p = p.assign(level=p["file"].map(levels))
    p = p.assign(level_rank=p["level"].map({lv: k for k, lv in enumerate(LEVELS)}).fillna(len(LEVELS)),
                 region_key=p["region"].astype("string").fillna(""),
                 year_key=pd.to_numeric(p["plan_year"], errors="coerce").fillna(0))
    p = p.sort_values(["level_rank", "region_key", "year_key", "file"], kind="mergesort")
    spans = _spans(frame, documents)
    p["label"] = pd.Series([plan_label(r, y, spans.get(f)) for f, r, y in zip(p["file"], p["region"], p["plan_year"],
                                                                             strict=True)],
                           index=p.index, dtype=object)  # text even when there are no plans
    twice = p["label"].duplicated(keep=False)
    p.loc[twice, "label"] = p.loc[twice, "label"] + " (" + p.loc[twice, "file"].astype(str) + ")"
    return p[cols + ["label"]].reset_index(drop=True)


def _spans(frame: pd.DataFrame, documents: pd.DataFrame | None) -> dict:
    """file → plan_span (2021–2025) of the plans for several years, from the frame or `documents`."""
    from ..measure.plans import plan_spans

    return plan_spans(frame if "plan_span" in frame.columns else documents)


def year_notes(frame: pd.DataFrame, lang: str, documents: pd.DataFrame | None = None) -> tuple[str, ...]:
    """The note parts of a chart by year: the plans it cannot place (no plan year), and the plans for
    several years it draws at one (the year issued, or their first); none when there are none."""
    p = plans(frame, documents)
    undated = list(p.loc[p["plan_year"].isna(), "label"])
    spans = _spans(frame, documents)
    several = [f"{label}（{int(year)}）" if lang == "zh" else f"{label} ({int(year)})"
               for f, label, year in zip(p["file"], p["label"], p["plan_year"], strict=True) if spans.get(f) and pd.notna(year)]
    return ((t("note_undated", lang, names=_names(undated, lang)),) if undated else ()) + (
        (t("note_spans", lang, names=_names(several, lang)),) if several else ())


def means_notes(by: str, lang: str, emphasis: pd.DataFrame | None = None,
                documents: pd.DataFrame | None = None) -> tuple[str, ...]:
    """The note parts of a chart of group means (`emphasis_means`): what a cell is, and for the
    means by year the plans for several years of `emphasis` that are in no year's mean."""
    notes = (t("note_means", lang),)
    if by != "plan_year" or emphasis is None:
        return notes
    p, spans = plans(emphasis, documents), _spans(emphasis, documents)
    several = [label for f, label in zip(p["file"], p["label"], strict=True) if spans.get(f)]
    return notes + ((t("note_spans_means", lang, names=_names(several, lang)),) if several else ())


def n_plans(table: pd.DataFrame) -> int:
    """Plans in an emphasis-like table (file column) or a pair table (file_a, file_b)."""
    if "file" in table.columns:
        return int(table["file"].nunique())
    return len(set(table["file_a"]) | set(table["file_b"]))


def n_series(emphasis: pd.DataFrame, documents: pd.DataFrame | None = None) -> int:
    """Governments in an emphasis table (namesakes counted apart, as the charts draw them)."""
    return int(plans(emphasis, documents)["region"].nunique())


def domain_order(domains) -> list[str]:
    """Codebook ids present in `domains` (all of them when every plan lists zeros), then 'unclassified'."""
    present = set(domains)
    known = [*codebook().ids, UNCLASSIFIED]
    unknown = sorted(present - set(known))
    if unknown:
        raise ValueError(f"domains not in the codebook: {unknown}")
    return [d for d in known if d in present]


def group_runs(domains: list[str]) -> list[tuple[str, int, int]]:
    """(group, first index, last index) of each run of consecutive domains of one group."""
    runs: list[tuple[str, int, int]] = []
    for k, d in enumerate(domains):
        g = domain_group(d)
        if runs and runs[-1][0] == g:
            runs[-1] = (g, runs[-1][1], k)
        else:
            runs.append((g, k, k))
    return runs


def emphasis_long(emphasis: pd.DataFrame, value: str = "task_share", lang: str = "zh",
                  documents: pd.DataFrame | None = None) -> pd.DataFrame:
    """The emphasis rows a chart draws: plan label and order, domain label, group, value and interval."""
    if value not in ("task_share", "char_share"):
        raise ValueError(f"value must be 'task_share' or 'char_share', not {value!r}")
    require(emphasis, [*EMPHASIS_COLUMNS, value, f"{value}_lo", f"{value}_hi"], "emphasis chart")
    p = plans(emphasis, documents)
    order = domain_order(emphasis["domain"])
    labels = domain_labels(lang)
    out = emphasis.merge(p[["file", "label"]].rename(columns={"label": "plan"}), on="file")
    out = out.assign(
        region=out["file"].map(p.set_index("file")["region"]),  # the government, as in `plans`
        plan_order=out["file"].map({f: k for k, f in enumerate(p["file"])}),
        domain_order=out["domain"].map({d: k for k, d in enumerate(order)}),
        domain_label=out["domain"].map(labels),
        group=out["domain"].map(domain_group),
        share=out[value].astype(float), lo=out[f"{value}_lo"].astype(float), hi=out[f"{value}_hi"].astype(float),
    )
    return out.sort_values(["plan_order", "domain_order"], kind="mergesort").reset_index(drop=True)


def share_matrix(emphasis: pd.DataFrame, value: str = "task_share", lang: str = "zh",
                 documents: pd.DataFrame | None = None) -> pd.DataFrame:
    """Plans (rows, display order, labelled) × domains (columns, codebook order) of `value`.

    A domain missing from a plan's rows ('unclassified' is listed only where it occurs) is 0.
    """
    long = emphasis_long(emphasis, value, lang, documents)
    p = plans(emphasis, documents)
    m = long.pivot(index="plan", columns="domain", values="share")
    return m.reindex(index=list(p["label"]), columns=domain_order(emphasis["domain"])).fillna(0.0)


def group_label(by: str, group: str, lang: str) -> str:
    """A group of `emphasis_means` as a chart names it: the province, the level, the year."""
    if by == "level":
        return t(f"level_{group}", lang) if f"level_{group}" in TEXT else group
    if by == "plan_year":
        return t("note_year", lang, first=group)
    return group


def _group_order(by: str, groups: list[str]) -> list[str]:
    """Provinces by administrative code (the region table's order), levels from the top, years ascending."""
    if by == "level":
        return sorted(groups, key=lambda g: (LEVELS.index(g) if g in LEVELS else len(LEVELS), g))
    if by == "province":
        from ..ingest.regions import region_table

        code = {r["name"]: r["adcode"] for r in region_table().rows if r["level"] == "province"}
        return sorted(groups, key=lambda g: (code.get(g, "999999"), g))
    return sorted(groups)


def mean_groups(means: pd.DataFrame) -> list[str]:
    """The columns of `emphasis_means` (`measure.groups.GROUP_BY`) with at least two groups to compare."""
    from ..measure.groups import GROUP_BY

    counts = means.groupby("group_by", sort=False)["group"].nunique()
    return [by for by in GROUP_BY if counts.get(by, 0) >= 2]


def means_matrices(means: pd.DataFrame, by: str, lang: str = "zh") -> dict[str, pd.DataFrame]:
    """The groups of `by` in `emphasis_means` (rows, labelled 'name (n = k)', in `_group_order`)
    × domains (codebook order): the {'mean', 'lo', 'hi'} matrices."""
    require(means, ["group_by", "group", "domain", "n_plans", "mean_share", "mean_share_lo", "mean_share_hi"],
            "group means chart")
    part = means[means["group_by"] == by]
    groups = _group_order(by, list(dict.fromkeys(part["group"])))
    n = part.drop_duplicates("group").set_index("group")["n_plans"].reindex(groups)
    labels = [f"{group_label(by, g, lang)} (n = {int(k):,})" for g, k in zip(groups, n)]
    out = {}
    for key, column in (("mean", "mean_share"), ("lo", "mean_share_lo"), ("hi", "mean_share_hi")):
        m = part.pivot(index="group", columns="domain", values=column)
        out[key] = m.reindex(index=groups, columns=domain_order(part["domain"])).fillna(0.0).set_axis(labels)
    return out


def similarity_matrix(similarity: pd.DataFrame, documents: pd.DataFrame | None = None) -> pd.DataFrame:
    """Symmetric plan × plan matrix of cosine (diagonal 1), rows and columns in display order."""
    require(similarity, ["file_a", "file_b", "region_a", "region_b", "year_a", "year_b", "cosine"],
            "similarity chart")
    sides = [similarity[[f"file_{s}", f"region_{s}", f"year_{s}"]].set_axis(["file", "region", "plan_year"], axis=1)
             for s in "ab"]
    p = plans(pd.concat(sides, ignore_index=True), documents)
    files = list(p["file"])
    m = pd.DataFrame(float("nan"), index=files, columns=files)
    for a, b, c in zip(similarity["file_a"], similarity["file_b"], similarity["cosine"], strict=True):
        m.loc[a, b] = m.loc[b, a] = float(c)
    for f in files:
        m.loc[f, f] = 1.0
    m.index = m.columns = list(p["label"])
    return m


def as_list(value) -> list[str]:
    """A list cell as a list: lists as fitted (TopicModel.topics), or text joined with LIST_SEP as stored."""
    if isinstance(value, str):
        return [x for x in value.split(LIST_SEP) if x]
    if value is None or (not hasattr(value, "__len__") and pd.isna(value)):
        return []
    return [str(x) for x in value]


def example_headings(tasks: pd.DataFrame | None, n: int = 3) -> dict[tuple[str, str], list[str]]:
    """(file, primary domain) → up to n task headings (first 40 characters of content when no heading)."""
    if tasks is None:
        return {}
    require(tasks, ["task_id", "file", "primary_domain"], "tasks for hover text")
    ordered = tasks.sort_values("task_id", kind="mergesort")
    heading = ordered["heading"] if "heading" in ordered else pd.Series("", index=ordered.index)
    content = ordered["content"] if "content" in ordered else pd.Series("", index=ordered.index)
    text = [h if isinstance(h, str) and h.strip() else (c if isinstance(c, str) else "")[:40]
            for h, c in zip(heading, content, strict=True)]
    out: dict[tuple[str, str], list[str]] = {}
    for key, item in zip(zip(ordered["file"], ordered["primary_domain"], strict=True), text, strict=True):
        if item and len(out.setdefault(key, [])) < n:
            out[key].append(item)
    return out


def _flag(value, default: bool = False) -> bool:
    return default if value is None or pd.isna(value) else bool(value)


def _excluded(documents: pd.DataFrame, included: set[str], lang: str) -> list[str]:
    rows = documents[~documents["file"].isin(included)].sort_values("file", kind="mergesort")
    measured = documents[documents["file"].isin(included)]
    counted = set(zip(measured["region"], measured["plan_year"], strict=True))  # a copy's plan is among these
    items = []
    for _, d in rows.iterrows():
        if _flag(d.get("failed")):
            reason = "reason_failed"
        elif not _flag(d.get("is_plan"), default=True):
            reason = "reason_department" if pd.notna(d.get("department")) else "reason_not_plan"
        elif _flag(d.get("is_partial")):
            reason = "reason_partial"
        elif _flag(d.get("n_tasks") == 0):
            reason = "reason_no_tasks"
        elif pd.isna(d.get("region")):
            reason = "reason_no_region"
        elif (d.get("region"), d.get("plan_year")) in counted:
            reason = "reason_duplicate"
        else:
            reason = "reason_other"
        region = d.get("region")
        if pd.notna(region) and reason == "reason_department":
            region = f"{region}{d['department']}"
        label = plan_label(region, d.get("plan_year")) if pd.notna(region) else str(d["file"])
        items.append(t("note_reason", lang, label=label, reason=t(reason, lang)))
    return items


def source_note(frame: pd.DataFrame | None, lang: str = "zh", documents: pd.DataFrame | None = None,
                extra: tuple[str, ...] = (), groups: tuple[str, list[str]] | None = None) -> str:
    """'Data: N plans (years); regions (k): …; excluded: … (reason)' from the plans in `frame`.

    `frame` has file, region and plan_year columns (None when the chart knows no plans, e.g.
    distinctive terms without their tasks; `groups` = (group_by, names) then names the groups).
    Exclusions are the `documents` rows not among the plans, with the reason recorded there.
    """
    sep = t("note_sep", lang)
    parts = []
    if frame is not None and len(frame):
        p = plans(frame, documents)
        years = sorted(int(y) for y in p["plan_year"].dropna().unique())
        span = (t("note_years", lang, first=years[0], last=years[-1]) if len(years) > 1
                else t("note_year", lang, first=years[0]) if years else "?")
        regions = list(dict.fromkeys(p["region"].dropna().astype(str)))
        parts.append(t("note_plans", lang, n=f"{len(p):,}", years=span))
        parts.append(t("note_regions", lang, n=f"{len(regions):,}", names=_names(regions, lang)))
        if documents is not None:
            excluded = _excluded(documents, set(p["file"]), lang)
            if excluded:
                parts.append(t("note_excluded", lang, items=_names(excluded, lang)))
    elif groups is not None:
        group_by, names = groups
        parts.append(t("note_groups", lang, group_by=group_by, n=len(names), names=_names(names, lang)))
    parts.extend(extra)
    return sep.join(parts) + t("note_end", lang)


def panels_note(groups: pd.Series, shown: list[str], group_by: str, lang: str) -> tuple[str, ...]:
    """The note part saying a small-multiple chart shows some of the groups (none when it shows all)."""
    total = groups.astype(str).nunique()
    return (t("note_panels", lang, n=len(shown), group_by=group_by, total=total),) if len(shown) < total else ()


def _names(names: list[str], lang: str) -> str:
    """The names joined for a note, the first MAX_NOTE_NAMES of a longer list and how many more."""
    shown = t("note_list_sep", lang).join(names[:MAX_NOTE_NAMES])
    return shown if len(names) <= MAX_NOTE_NAMES else shown + t("note_more", lang, n=len(names) - MAX_NOTE_NAMES)


#: The task columns charts read (source notes, panel order, hover headings).
CHART_TASK_COLUMNS = ["task_id", "file", "region", "plan_year", "primary_domain", "heading", "content"]


def chart_tasks(tasks: pd.DataFrame | None, files=None) -> pd.DataFrame | None:
    """The tasks of `files` (all when None) with only the columns charts read, content cut to the
    40 characters a hover shows: at 20,000 plans the whole tasks table is 1 GB, and charts that
    took a filtered copy of it doubled the memory of drawing them."""
    if tasks is None:
        return None
    part = tasks[[c for c in CHART_TASK_COLUMNS if c in tasks.columns]]
    part = part if files is None else part[part["file"].isin(files)]
    return part.assign(content=part["content"].str.slice(0, 40)) if "content" in part else part


def plan_rows(tasks: pd.DataFrame | None) -> pd.DataFrame | None:
    """The plans (file, region, plan_year) a tasks frame covers, for source notes; None passes through."""
    if tasks is None:
        return None
    require(tasks, ["file", "region", "plan_year"], "tasks")
    return tasks[["file", "region", "plan_year"]].drop_duplicates("file")


def term_groups(groups: pd.Series, group_by: str, tasks: pd.DataFrame | None = None,
                documents: pd.DataFrame | None = None, limit: int = MAX_PANELS) -> list[str]:
    """Panel order of distinctive-term groups: years ascending; regions in plan display order when
    tasks are given (level, then name), else sorted. At most `limit` groups: beyond it, those
    with most tasks (given `tasks`; else the first in that order) — the table keeps them all."""
    names = list(dict.fromkeys(groups.astype(str)))
    sizes: dict[str, int] = {}
    if tasks is not None:
        p = plans(plan_rows(tasks), documents)
        per_file = tasks.groupby("file").size()
        keys = p["region"].astype(str) if group_by == "region" else p["plan_year"].map(
            lambda y: "" if pd.isna(y) else str(int(y)))
        for key, file in zip(keys, p["file"], strict=True):
            sizes[key] = sizes.get(key, 0) + int(per_file.get(file, 0))
    if group_by == "region" and tasks is not None:
        order = {g: i for i, g in enumerate(dict.fromkeys(plans(plan_rows(tasks), documents)["region"].astype(str)))}
        names = sorted(names, key=lambda g: (order.get(g, len(order)), g))
    else:
        names = sorted(names)
    if len(names) > limit:
        largest = set(sorted(names, key=lambda g: (-sizes.get(g, 0), names.index(g)))[:limit])
        names = [g for g in names if g in largest]
    return names


def region_styles(regions, documents: pd.DataFrame | None = None) -> dict[str, tuple[str, str, str]]:
    """Region colours and markers, assigned over all regions of `documents` when given, so a region
    keeps its colour across charts drawn from different subsets."""
    known = set(documents["region"].dropna().astype(str)) if documents is not None else set()
    return region_style(known | set(regions))
