"""Which plans are measured (the exclusion rules shared by the corpus measures), which
government each belongs to, and which plans are copies of another."""
from __future__ import annotations

import re

import pandas as pd

from ..schemas import Table, _c, conform, register

#: Two plans of one government and year are copies of one plan when at least this share of the
#: smaller one's tasks (their text, punctuation and spaces aside) are also the other's.
DUPLICATE_SHARE = 0.9

_NOT_WORD = re.compile(r"[\W_]+")

PLAN_DUPLICATES = register(Table(
    "plan_duplicates", "Plans that are another copy of a plan of the same government and year (a page and its "
    "attachment, a mirror's copy): left out of every corpus measure, which counts the copy named in duplicate_of.",
    ("file",), (
        _c("file", "string", "the copy left out", False),
        _c("duplicate_of", "string", "the copy measured", False),
        _c("shared", "float", f"share of the smaller plan's distinct task texts found in the other (at least {DUPLICATE_SHARE})"),
    )))


def select_plans(documents: pd.DataFrame, tasks: pd.DataFrame, include_non_plans: bool = False,
                 include_partial: bool = False, include_duplicates: bool = False,
                 duplicates: pd.DataFrame | None = None) -> pd.DataFrame:
    """The `documents` rows of the plans to measure, sorted by file.

    Failed files, files with no task in `tasks` (their shares are undefined) and files whose
    region is unknown (no comparison can place them: a template, a site's page of rules; set
    the region in overrides.csv for a plan) are always left out; non-plans (`is_plan` False: reports, interpretations), truncated plans
    (`is_partial` True) and second copies of a plan (`duplicate_plans`, or `duplicates` when
    already known) are left out unless asked for.
    """
    def flag(column: str) -> pd.Series:
        return documents[column].fillna(False).astype(bool)

    with_tasks = set(tasks["file"].dropna().unique())  # a set: isin over the arrow column of every task is slow
    keep = documents["file"].isin(with_tasks) & ~flag("failed") & documents["region"].notna()
    if not include_non_plans:
        keep &= flag("is_plan")
    if not include_partial:
        keep &= ~flag("is_partial")
    if not include_duplicates:
        duplicates = duplicate_plans(documents, tasks) if duplicates is None else duplicates
        keep &= ~documents["file"].isin(set(duplicates["file"]))
    return documents[keep].sort_values("file", kind="mergesort").reset_index(drop=True)


def plan_spans(documents: pd.DataFrame | None) -> dict:
    """file → plan_span (2021–2025) of the plans for several years in `documents` (none without the column)."""
    if documents is None or "plan_span" not in documents.columns:
        return {}
    spans = documents.loc[documents["plan_span"].notna(), ["file", "plan_span"]]
    return dict(zip(spans["file"], spans["plan_span"], strict=True))


def government_labels(documents: pd.DataFrame) -> pd.Series:
    """Each file's region as a group label (file → label): the region's name, with its parent
    city (or province) in brackets where another government of the corpus has the same name —
    鼓楼区（南京市） and 鼓楼区（徐州市） — so namesakes are never pooled."""
    docs = documents.dropna(subset=["region"]).drop_duplicates("file")
    province = docs["province"].astype("string")  # as text: a column of missing values may be float
    where = docs["parent"].astype("string").fillna(province) if "parent" in docs else province
    where = where.fillna("")
    shared = docs.assign(where=where).groupby("region")["where"].nunique() > 1
    labels = [f"{r}（{w}）" if shared[r] and w else r for r, w in zip(docs["region"], where, strict=True)]
    return pd.Series(labels, index=docs["file"].to_numpy(), dtype="string")


def duplicate_plans(documents: pd.DataFrame, tasks: pd.DataFrame, share: float = DUPLICATE_SHARE) -> pd.DataFrame:
    """Plans that are another copy of a plan of the same government and year: a page and its
    attachment, a mirror's copy, a truncated copy. Columns: file, duplicate_of (the copy that
    is measured) and shared (the share of the smaller plan's task texts found in the other).

    Within a government-year (`government_labels`), plans are taken complete ones first, then by
    most distinct task texts, most characters and file name. Each is a duplicate of the first
    one taken before it that shares at least `share` of the smaller plan's distinct task texts
    (compared without punctuation and spaces), else it is measured. Two plans of one year on
    different work share few tasks and are both measured (`several_plans` lists such years).
    """
    readable = documents["is_plan"].fillna(False).astype(bool) & ~documents["failed"].fillna(False).astype(bool)
    plans = documents[readable].dropna(subset=["region", "plan_year"]).drop_duplicates("file")
    plans = plans.assign(government=plans["file"].map(government_labels(plans)).to_numpy())
    plans = plans[plans.duplicated(["government", "plan_year"], keep=False)]
    if plans.empty:
        return conform("plan_duplicates", pd.DataFrame(columns=list(PLAN_DUPLICATES.names)))
    candidates = set(plans["file"])
    texts = tasks.reindex(columns=["file", "content"])  # no task text: nothing to compare, no copies
    texts = texts[texts["file"].isin(candidates)]
    keys = {file: {k for k in (_NOT_WORD.sub("", str(c)) for c in group["content"].dropna()) if k}
            for file, group in texts.groupby("file", sort=False)}
    info = plans.reindex(columns=["is_partial", "n_chars"])  # a hand-made documents table may lack them
    order = plans.assign(_partial=info["is_partial"].fillna(False).astype(bool),
                         _tasks=plans["file"].map(lambda f: len(keys.get(f, ()))),
                         _chars=pd.to_numeric(info["n_chars"], errors="coerce").fillna(0))
    order = order.sort_values(["government", "plan_year", "_partial", "_tasks", "_chars", "file"],
                              ascending=[True, True, True, False, False, True], kind="mergesort")
    rows = []
    for _, group in order.groupby(["government", "plan_year"], sort=False):
        kept: list[str] = []
        for file in group["file"]:
            mine = keys.get(file, set())
            match = next(((k, overlap) for k in kept for overlap in [_overlap(mine, keys.get(k, set()))]
                          if overlap >= share), None)
            if match is None:
                kept.append(file)
            else:
                rows.append((file, *match))
    return conform("plan_duplicates", pd.DataFrame(rows, columns=list(PLAN_DUPLICATES.names)))


def _overlap(a: set, b: set) -> float:
    """Share of the smaller set that the other holds (0 when either is empty)."""
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0
