"""Emphasis: the share of each plan's tasks (and text) given to each domain, with bootstrap
intervals, and how a region's shares change between the years it has plans for."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .. import config, levels
from ..domains import Codebook, load_codebook
from ..schemas import Table, _c, conform, register
from ..tables import UNCLASSIFIED, domain_weights
from .bootstrap import plan_rng, resample, share_intervals
from .plans import government_labels, plan_spans, select_plans

NO_GROUP = "none"

_PLAN = (
    _c("file", "string", "raw file name of the plan", False),
    _c("region", "string", "government the plan belongs to"),
    _c("parent", "string", levels.PARENT),
    _c("province", "string", "province-level unit"),
    _c("level", "string", levels.DESCRIPTION),
    _c("plan_year", "int", "year the plan is for"),
)
_SHARES = (
    _c("task_count", "float", "tasks counted for the domain, each weighted by its counting weight"),
    _c("n_tasks", "int", "tasks with the domain among their 1-3 domains"),
    _c("task_share", "float", "task_count / the plan's number of tasks"),
    _c("task_share_lo", "float", "2.5th percentile of task_share over bootstrap resamples of the plan's tasks"),
    _c("task_share_hi", "float", "97.5th percentile of the same (the interval is clipped to contain task_share)"),
    _c("char_share", "float", "share of the plan's task characters (tasks.n_chars × weight)"),
    _c("char_share_lo", "float", "2.5th percentile of char_share over the same resamples"),
    _c("char_share_hi", "float", "97.5th percentile of char_share (clipped to contain char_share)"),
)
EMPHASIS = register(Table(
    "emphasis", "Each plan's attention to each codebook domain (zeros included; 'unclassified' when present).",
    ("file", "domain"), (
        *_PLAN,
        _c("domain", "string", "domain id, or 'unclassified'", False),
        _c("domain_group", "string", "policy | process | none (unclassified)"),
        *_SHARES,
        _c("rank", "int", "1 = largest task_share within the plan (ties: codebook order, unclassified last)"),
        _c("corpus_mean_share", "float", "mean task_share of the domain over the measured plans"),
        _c("diff_from_mean", "float", "task_share - corpus_mean_share"),
    )))
EMPHASIS_GROUPS = register(Table(
    "emphasis_groups", "Each plan's attention to policy areas vs. disclosure processes (domain groups).",
    ("file", "domain_group"), (
        *_PLAN,
        _c("domain_group", "string", "policy | process | none (unclassified tasks)", False),
        *(c if c.name != "n_tasks" else _c("n_tasks", "int", "tasks with at least one domain in the group")
          for c in _SHARES),
    )))
EMPHASIS_CHANGE = register(Table(
    "emphasis_change", "Change in a government's task_share between consecutive years it has plans for "
    "(years without a plan are skipped, never counted as zero).", ("file", "domain"), (
        _c("file", "string", "the later plan", False),
        _c("previous_file", "string", "the government's previous plan"),
        _c("region", "string", "government"),
        _c("parent", "string", levels.PARENT),
        _c("province", "string", "province-level unit"),
        _c("domain", "string", "domain id, or 'unclassified'", False),
        _c("plan_year", "int", "year of the later plan"),
        _c("previous_year", "int", "year of the government's previous plan"),
        _c("year_gap", "int", "plan_year - previous_year"),
        _c("task_share", "float", "share in plan_year"),
        _c("previous_share", "float", "share in previous_year"),
        _c("change", "float", "task_share - previous_share"),
    )))


def label_matrix(codebook: Codebook, group_of) -> tuple[list[str], np.ndarray]:
    """Labels (domains or groups, in codebook order) and the domain-column → label matrix."""
    columns = [*codebook.ids, UNCLASSIFIED]
    labels = list(dict.fromkeys(group_of(d) for d in columns))
    return labels, np.array([[group_of(d) == g for g in labels] for d in columns], dtype=float)


def weight_matrix(task_domains: list[list[str]], codebook: Codebook | None = None) -> np.ndarray:
    """Tasks × (codebook domains + unclassified) counting weights, from each task's 1-3 domains
    (primary first; none = unclassified), as task_domains holds them."""
    codebook = codebook or load_codebook()
    column = {d: j for j, d in enumerate([*codebook.ids, UNCLASSIFIED])}
    w = np.zeros((len(task_domains), len(column)))
    for i, domains in enumerate(task_domains):
        for d, weight in zip(domains or [UNCLASSIFIED], domain_weights(domains)):
            w[i, column[d]] += weight
    return w


def _by_group(codebook: Codebook):
    return lambda d: NO_GROUP if d == UNCLASSIFIED else codebook.group_of(d)


def plan_bootstrap(file: str, weights: np.ndarray, chars: np.ndarray, codebook: Codebook | None = None,
                   n_boot: int = config.BOOTSTRAP_REPLICATES, seed: int = config.SEED) -> dict[str, dict]:
    """Shares and bootstrap intervals of one plan, by domain and by domain group, from one resample.

    `weights` is tasks × (codebook domains + unclassified) counting weights in task order,
    `chars` the tasks' n_chars. The result is what `emphasis` and `emphasis_groups` report for
    the plan, as plain lists ({"domain": {...}, "group": {...}} plus the parameters), so the
    pipeline can compute it per document in its workers and keep it in the document cache.
    """
    codebook = codebook or load_codebook()
    freq = resample(len(weights), n_boot, plan_rng(seed, file))
    out: dict[str, dict] = {"file": file, "n_boot": n_boot, "seed": seed, "columns": [*codebook.ids, UNCLASSIFIED]}
    for name, group_of in (("domain", lambda d: d), ("group", _by_group(codebook))):
        labels, to_label = label_matrix(codebook, group_of)
        w = weights @ to_label
        task = share_intervals(w, np.ones(len(w)), freq)
        char = share_intervals(w, chars, freq)
        out[name] = {"labels": labels, "task_count": w.sum(axis=0).tolist(), "n_tasks": (w > 0).sum(axis=0).tolist(),
                     "task_share": task[0].tolist(), "task_share_lo": task[1].tolist(),
                     "task_share_hi": task[2].tolist(), "char_share": char[0].tolist(),
                     "char_share_lo": char[1].tolist(), "char_share_hi": char[2].tolist()}
    return out


def _shares(tasks, task_domains, documents, codebook, include_non_plans, include_partial, n_boot, seed,
            kind, precomputed, plans) -> pd.DataFrame:
    """Shares of each label (domain or group) in every measured plan, one row per (file, label)."""
    columns = [*codebook.ids, UNCLASSIFIED]
    if plans is None:
        plans = select_plans(documents, tasks, include_non_plans, include_partial)
    files = set(plans["file"]) & set(tasks["file"].unique())  # measured plans with tasks
    unknown = sorted(set(task_domains.loc[task_domains["file"].isin(files), "domain"].unique()) - set(columns))
    if unknown:
        raise ValueError(f"task_domains has domains not in the codebook: {unknown}")
    precomputed = precomputed or {}

    def usable(file: str) -> bool:
        done = precomputed.get(file)
        return bool(done) and done["file"] == file and done["n_boot"] == n_boot and done["seed"] == seed \
            and list(done["columns"]) == columns

    to_compute = {f for f in files if not usable(f)}  # only their tasks are copied, only the columns used
    todo = tasks.loc[tasks["file"].isin(to_compute), ["task_id", "file", "n_chars"]].sort_values(
        "task_id", kind="mergesort")
    links = task_domains.loc[task_domains["file"].isin(to_compute), ["task_id", "file", "domain", "weight"]]
    weights = (links
               .pivot_table(index="task_id", columns="domain", values="weight", aggfunc="sum")
               .reindex(index=todo["task_id"], columns=columns).astype(float))
    missing = weights.index[weights.isna().all(axis=1)]
    if len(missing):
        raise ValueError(f"tasks without task_domains rows: {list(missing[:3])}")
    w = weights.fillna(0.0).to_numpy()
    chars = todo["n_chars"].astype(float).fillna(0.0).to_numpy()
    computed = {file: plan_bootstrap(file, w[idx], chars[idx], codebook, n_boot, seed)
                for file, idx in todo.groupby("file", sort=True).indices.items()}
    fields = [c.name for c in _SHARES]
    rows: dict[str, list] = {"file": [], "label": [], "order": [], **{f: [] for f in fields}}
    for file in sorted(files):
        part = (computed.get(file) or precomputed[file])[kind]
        size = len(part["labels"])
        rows["file"].append(np.full(size, file, dtype=object))
        rows["label"].append(np.asarray(part["labels"], dtype=object))
        rows["order"].append(np.arange(size))
        for f in fields:
            rows[f].append(np.asarray(part[f]))
    meta = plans.reindex(columns=[c.name for c in _PLAN])  # a hand-made documents table may lack parent
    if not rows["file"]:
        return meta.merge(pd.DataFrame(columns=["file", "label", "order", *fields]))
    return meta.merge(pd.DataFrame({k: np.concatenate(v) for k, v in rows.items()}), on="file")


def emphasis(tasks: pd.DataFrame, task_domains: pd.DataFrame, documents: pd.DataFrame,
             codebook: Codebook | None = None, include_non_plans: bool = False, include_partial: bool = False,
             n_boot: int = config.BOOTSTRAP_REPLICATES, seed: int = config.SEED,
             shares: dict[str, dict] | None = None, plans: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each plan's share of tasks and of task text per domain, with 95% bootstrap intervals.

    A task with several domains counts for each by its weight (config.DOMAIN_WEIGHTS), so a
    plan's shares sum to 1. Intervals resample the plan's tasks with replacement, n_boot times,
    from a generator seeded by (seed, file); each interval is clipped to contain its share.
    Measured plans: see `select_plans` (non-plans and truncated plans only when asked; failed
    files and plans without tasks never). `shares` ({file: plan_bootstrap(...)}, as the pipeline
    caches them per document) are used where they match; the rest are computed. `plans`: the
    measured plans' `documents` rows when already selected (`select_plans` with these options).

    >>> t = build_tables(load_corpus(paths))
    >>> e = emphasis(t["tasks"], t["task_domains"], t["documents"], include_partial=True)
    >>> e.pivot(index="file", columns="domain", values="task_share")
    """
    codebook = codebook or load_codebook()
    df = _shares(tasks, task_domains, documents, codebook, include_non_plans, include_partial, n_boot, seed,
                 "domain", shares, plans)
    df = df[(df["label"] != UNCLASSIFIED) | (df["n_tasks"] > 0)].rename(columns={"label": "domain"})
    df["domain_group"] = df["domain"].map({d: NO_GROUP if d == UNCLASSIFIED else codebook.group_of(d)
                                           for d in df["domain"].unique()})
    df = df.sort_values(["file", "task_share", "order"], ascending=[True, False, True], kind="mergesort")
    df["rank"] = df.groupby("file").cumcount() + 1
    n_plans = df["file"].nunique()
    df["corpus_mean_share"] = df.groupby("domain")["task_share"].transform("sum") / max(n_plans, 1)
    df["diff_from_mean"] = df["task_share"] - df["corpus_mean_share"]
    return conform("emphasis", df.drop(columns="order"))


def emphasis_groups(tasks: pd.DataFrame, task_domains: pd.DataFrame, documents: pd.DataFrame,
                    codebook: Codebook | None = None, include_non_plans: bool = False,
                    include_partial: bool = False, n_boot: int = config.BOOTSTRAP_REPLICATES,
                    seed: int = config.SEED, shares: dict[str, dict] | None = None,
                    plans: pd.DataFrame | None = None) -> pd.DataFrame:
    """`emphasis` summed over domain groups (policy, process; 'none' when unclassified tasks exist).

    Uses the same resamples as `emphasis` for the same seed, so group intervals match its draws;
    `shares` and `plans` as there.

    >>> g = emphasis_groups(t["tasks"], t["task_domains"], t["documents"])
    >>> g.pivot(index="file", columns="domain_group", values="task_share")
    """
    codebook = codebook or load_codebook()
    df = _shares(tasks, task_domains, documents, codebook, include_non_plans, include_partial, n_boot, seed,
                 "group", shares, plans)
    df = df[(df["label"] != NO_GROUP) | (df["n_tasks"] > 0)].rename(columns={"label": "domain_group"})
    return conform("emphasis_groups", df.drop(columns="order"))


def _plans(emphasis_table: pd.DataFrame) -> pd.DataFrame:
    """One row per measured plan with a region and a year: file, region, parent, province,
    plan_year and its government (`government_labels`: namesakes such as the 鼓楼区 of 南京市
    and of 徐州市 are two governments)."""
    e = emphasis_table.dropna(subset=["region", "plan_year"])
    plans = e[["file", "region", "parent", "province", "plan_year"]].drop_duplicates("file")
    return plans.assign(government=plans["file"].map(government_labels(plans)))


def _annual(plans: pd.DataFrame, documents: pd.DataFrame | None) -> pd.DataFrame:
    """`plans` without the plans for several years (a `plan_span` in `documents`, when given)."""
    return plans[~plans["file"].isin(set(plan_spans(documents)))]


def several_plans(emphasis_table: pd.DataFrame, documents: pd.DataFrame | None = None) -> pd.DataFrame:
    """Government-years with more than one measured annual plan (two documents on different work;
    copies of one plan are measured once, see `duplicate_plans`; with `documents`, plans for several
    years do not count): `emphasis_change` leaves them out. Columns: the government, plan_year, files."""
    plans = _annual(_plans(emphasis_table), documents)
    twice = plans[plans.duplicated(["government", "plan_year"], keep=False)].sort_values("file", kind="mergesort")
    out = twice.groupby(["government", "plan_year"], sort=True).agg(
        province=("province", "first"), parent=("parent", "first"), region=("region", "first"), files=("file", list))
    return out.reset_index()[["province", "parent", "region", "plan_year", "files"]]


def emphasis_change(emphasis_table: pd.DataFrame, documents: pd.DataFrame | None = None) -> pd.DataFrame:
    """Change of each government's task_share per domain between consecutive years it has plans for.

    Governments are told apart as `government_labels` does, so namesakes are separate series.
    Years without a plan are skipped (year_gap says how far apart the two plans are); a
    government with one plan has no rows. 'unclassified' counts as 0 in a plan of the government that has none.
    Plans without a region or year are left out, and so is any year in which a government has
    several plans (`several_plans` lists them: which one continues the series is the
    researcher's call, e.g. through overrides.csv or by removing the copy). With `documents`, plans
    for several years (a `plan_span`, 2021–2025) are left out too: filed under one year, they are
    no annual plan of it, and the series runs from the annual plan before to the one after. One
    row per later plan and domain.

    >>> emphasis_change(emphasis(t["tasks"], t["task_domains"], t["documents"]))
    """
    plans = _annual(_plans(emphasis_table), documents)
    plans = plans[~plans.duplicated(["government", "plan_year"], keep=False)]
    shares = emphasis_table[emphasis_table["file"].isin(plans["file"])][["file", "domain", "task_share"]]
    domains = plans[["file", "government"]].merge(shares[["file", "domain"]], on="file")[["government", "domain"]]
    grid = (plans.merge(domains.drop_duplicates(), on="government")
            .merge(shares, how="left", on=["file", "domain"])
            .fillna({"task_share": 0.0})
            .sort_values(["government", "domain", "plan_year"], kind="mergesort"))
    previous = grid.groupby(["government", "domain"], sort=False)[["file", "plan_year", "task_share"]].shift()
    grid["previous_file"] = previous["file"]
    grid["previous_year"] = previous["plan_year"]
    grid["previous_share"] = previous["task_share"]
    grid = grid.dropna(subset=["previous_year"])
    grid["year_gap"] = grid["plan_year"] - grid["previous_year"]
    grid["change"] = grid["task_share"] - grid["previous_share"]
    return conform("emphasis_change", grid.drop(columns="government"))
