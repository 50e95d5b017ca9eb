"""Mean emphasis of groups of plans (provinces, administrative levels, plan years): how a corpus
too large to chart plan by plan is compared."""
from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd

from .. import config, memo
from ..schemas import Table, _c, conform, register
from . import bootstrap
from .bootstrap import plan_rng, resample_uniform
from .plans import plan_spans

#: The code an interval comes from: a change to it resamples every group again.
_SOURCE = b"".join(Path(m).read_bytes() for m in (__file__, bootstrap.__file__))

#: Plan attributes that group plans, in the order the table lists them.
GROUP_BY = ("province", "level", "plan_year")

EMPHASIS_MEANS = register(Table(
    "emphasis_means", "Mean task_share of each domain over the plans of each province, administrative level and "
    "plan year (each plan counts once; a plan for several years in no year's group), with 95% bootstrap intervals "
    "over the plans.", ("group_by", "group", "domain"), (
        _c("group_by", "string", "province | level | plan_year", False),
        _c("group", "string", "the province, level or year", False),
        _c("domain", "string", "domain id, or 'unclassified'", False),
        _c("domain_group", "string", "policy | process | none (unclassified)"),
        _c("n_plans", "int", "measured plans in the group"),
        _c("mean_share", "float", "mean of the plans' task_share (a plan without the domain counts 0)"),
        _c("mean_share_lo", "float", "2.5th percentile of the mean over resamples of the group's plans, "
                                     "seeded per group (equal to the mean for a group of one plan)"),
        _c("mean_share_hi", "float", "97.5th percentile of the same (the interval is clipped to contain the mean)"),
    )))


def emphasis_means(emphasis: pd.DataFrame, by: tuple[str, ...] = GROUP_BY, value: str = "task_share",
                   n_boot: int = config.BOOTSTRAP_REPLICATES, seed: int = config.SEED,
                   documents: pd.DataFrame | None = None, memory: str | Path | None = None) -> pd.DataFrame:
    """Mean `value` per domain over the plans of each group of each column of `by`.

    Plans come from an `emphasis` table (so copies, non-plans and partial plans are already
    out); a plan with no value for a `by` column is in no group of it. With `documents`, a plan
    for several years (a `plan_span`, 2021–2025) is in no plan_year group: filed under one year,
    it is no annual plan of it (it stays in its province's and level's). The intervals resample
    the group's plans with replacement `n_boot` times from a generator seeded by (seed,
    column, group), so a group's interval does not depend on the other groups; with `memory` (a
    folder) they are kept there by the group's shares (`_Intervals`).

    >>> emphasis_means(e).query("group_by == 'province'").pivot(index="group", columns="domain", values="mean_share")
    """
    shares = emphasis.pivot_table(index="file", columns="domain", values=value, aggfunc="sum", fill_value=0.0)
    plans = emphasis.drop_duplicates("file").set_index("file").reindex(shares.index)
    several = list(plan_spans(documents))
    matrix, domains = shares.to_numpy(dtype=float), np.asarray(shares.columns, dtype=object)
    group_of = emphasis.drop_duplicates("domain").set_index("domain")["domain_group"].reindex(domains).to_numpy()
    intervals = _Intervals(memory, n_boot, seed, domains)
    names, sizes, stats = [], [], []
    for column in by:
        groups = plans[column].dropna()
        if column == "plan_year":
            groups = groups[~groups.index.isin(several)]
        for group, files in groups.groupby(groups.astype(str), sort=True).groups.items():
            sample = matrix[shares.index.get_indexer(files)]
            mean = sample.mean(axis=0)
            lo, hi = intervals.get(column, group, sample)
            names.append((column, group))
            sizes.append(len(sample))
            stats.append((mean, np.minimum(lo, mean), np.maximum(hi, mean)))
    intervals.save()
    if not names:
        return conform("emphasis_means", pd.DataFrame(columns=EMPHASIS_MEANS.names))
    k, stats = len(domains), np.asarray(stats)  # groups × (mean, lo, hi) × domains
    return conform("emphasis_means", pd.DataFrame({
        "group_by": np.repeat([c for c, _ in names], k), "group": np.repeat([g for _, g in names], k),
        "domain": np.tile(domains, len(names)), "domain_group": np.tile(group_of, len(names)),
        "n_plans": np.repeat(sizes, k), "mean_share": stats[:, 0].ravel(),
        "mean_share_lo": stats[:, 1].ravel(), "mean_share_hi": stats[:, 2].ravel()}))


class _Intervals:
    """Percentile intervals of group means (2.5th, 97.5th), each from `n_boot` resamples of the
    group's plans seeded by (seed, column, group). With `memory` they are kept in one file there
    by a digest of those, the domains, the plans' shares and this code, so a rebuild after one new
    plan resamples only the groups it joins (its province, level and year); the file keeps the
    groups of the last call."""

    def __init__(self, memory: str | Path | None, n_boot: int, seed: int, domains: np.ndarray):
        self.n_boot, self.seed = n_boot, seed
        self.path = None if memory is None else Path(memory) / "means.pkl"
        self.known = (memo.load(self.path) or {}) if self.path is not None else {}
        self.used: dict[str, np.ndarray] = {}
        self.base = hashlib.sha256(repr((n_boot, seed, np.__version__, list(domains))).encode())
        self.base.update(_SOURCE)

    def get(self, column: str, group: str, sample: np.ndarray) -> np.ndarray:
        h = self.base.copy()
        h.update(f"{column}\x00{group}\x00{sample.shape}".encode())
        h.update(np.ascontiguousarray(sample, dtype=float).tobytes())
        key = h.hexdigest()
        bounds = self.known.get(key)
        if bounds is None:
            freq = resample_uniform(len(sample), self.n_boot, plan_rng(self.seed, f"{column}\x00{group}"))
            bounds = np.percentile(freq @ sample / len(sample), [2.5, 97.5], axis=0)
        self.used[key] = bounds
        return bounds

    def save(self) -> None:
        if self.path is not None and self.used.keys() != self.known.keys():
            memo.keep(self.path, self.used)
