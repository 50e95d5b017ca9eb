"""Which plans are measured (the exclusion rules shared by the emphasis measures), and which
government each belongs to."""
from __future__ import annotations

import pandas as pd


def select_plans(documents: pd.DataFrame, tasks: pd.DataFrame, include_non_plans: bool = False,
                 include_partial: bool = False) -> pd.DataFrame:
    """The `documents` rows of the plans to measure, sorted by file.

    Failed files and files with no task in `tasks` are always left out (their shares are
    undefined); non-plans (`is_plan` False: reports, interpretations) and truncated plans
    (`is_partial` True) are left out unless asked for.
    """
    def flag(column: str) -> pd.Series:
        return documents[column].fillna(False).astype(bool)

    with_tasks = set(tasks["file"].dropna().unique())  # a set: isin over the arrow column of every task is slow
    keep = documents["file"].isin(with_tasks) & ~flag("failed")
    if not include_non_plans:
        keep &= flag("is_plan")
    if not include_partial:
        keep &= ~flag("is_partial")
    return documents[keep].sort_values("file", kind="mergesort").reset_index(drop=True)


def government_labels(documents: pd.DataFrame) -> pd.Series:
    """Each file's region as a group label (file → label): the region's name, with its parent
    city (or province) in brackets where another government of the corpus has the same name —
    鼓楼区（南京市） and 鼓楼区（徐州市） — so namesakes are never pooled."""
    docs = documents.dropna(subset=["region"]).drop_duplicates("file")
    where = docs["parent"].fillna(docs["province"]) if "parent" in docs else docs["province"]
    where = where.astype("string").fillna("")
    shared = docs.assign(where=where).groupby("region")["where"].nunique() > 1
    labels = [f"{r}（{w}）" if shared[r] and w else r for r, w in zip(docs["region"], where, strict=True)]
    return pd.Series(labels, index=docs["file"].to_numpy(), dtype="string")
