"""Mean emphasis of groups of plans (provinces, administrative levels, plan years): how a corpus
too large to chart plan by plan is compared."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .. import config
from ..schemas import Table, _c, conform, register
from .bootstrap import plan_rng, resample_uniform
from .plans import plan_spans

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
                   documents: pd.DataFrame | None = None) -> pd.DataFrame:
    """Mean `value` per domain over the plans of each group of each column of `by`.

    Plans come from an `emphasis` table (so copies, non-plans and partial plans are already
    out); a plan with no value for a `by` column is in no group of it. With `documents`, a plan
    for several years (a `plan_span`, 2021–2025) is in no plan_year group: filed under one year,
    it is no annual plan of it (it stays in its province's and level's). The intervals resample
    the group's plans with replacement `n_boot` times from a generator seeded by (seed,
    column, group), so a group's interval does not depend on the other groups.

    >>> emphasis_means(e).query("group_by == 'province'").pivot(index="group", columns="domain", values="mean_share")
    """
    shares = emphasis.pivot_table(index="file", columns="domain", values=value, aggfunc="sum", fill_value=0.0)
    plans = emphasis.drop_duplicates("file").set_index("file").reindex(shares.index)
    several = list(plan_spans(documents))
    matrix, domains = shares.to_numpy(dtype=float), np.asarray(shares.columns, dtype=object)
    group_of = emphasis.drop_duplicates("domain").set_index("domain")["domain_group"].reindex(domains).to_numpy()
    parts = []
    for column in by:
        groups = plans[column].dropna()
        if column == "plan_year":
            groups = groups[~groups.index.isin(several)]
        for group, files in groups.groupby(groups.astype(str), sort=True).groups.items():
            sample = matrix[shares.index.get_indexer(files)]
            freq = resample_uniform(len(sample), n_boot, plan_rng(seed, f"{column}\x00{group}"))
            mean = sample.mean(axis=0)
            lo, hi = np.percentile(freq @ sample / len(sample), [2.5, 97.5], axis=0)
            parts.append(pd.DataFrame({"group_by": column, "group": group, "domain": domains, "domain_group": group_of,
                                       "n_plans": len(sample), "mean_share": mean,
                                       "mean_share_lo": np.minimum(lo, mean), "mean_share_hi": np.maximum(hi, mean)}))
    if not parts:
        return conform("emphasis_means", pd.DataFrame(columns=EMPHASIS_MEANS.names))
    return conform("emphasis_means", pd.concat(parts, ignore_index=True))
