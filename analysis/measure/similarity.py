"""How alike two plans are in wording: cosine similarity of TF-IDF over their task content."""
from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer

from ..schemas import Table, _c, conform, register
from ..text.segment import tokenize

SIMILARITY = register(Table(
    "similarity", "Cosine similarity of every pair of plans (TF-IDF of segmented task content).",
    ("file_a", "file_b"), (
        _c("file_a", "string", "first plan (file_a < file_b)", False),
        _c("file_b", "string", "second plan", False),
        _c("region_a", "string", "region of file_a"),
        _c("region_b", "string", "region of file_b"),
        _c("year_a", "int", "plan_year of file_a"),
        _c("year_b", "int", "plan_year of file_b"),
        _c("cosine", "float", "cosine of the two TF-IDF vectors, 0 (no shared term) to 1, rounded to 6 places"),
    )))


def plan_similarity(tasks: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """Cosine similarity of each pair of plans in `tasks`, each plan its tasks' content joined.

    Terms are `tokenize` content words weighted by scikit-learn's TF-IDF defaults (smoothed idf,
    L2-normalised rows), fitted on these plans only; pass the tasks of the plans to compare.
    Region and year come from `documents`.

    >>> plan_similarity(t["tasks"], t["documents"]).sort_values("cosine").tail()
    """
    ordered = tasks.sort_values("task_id", kind="mergesort")
    texts = ordered["content"].fillna("").groupby(ordered["file"], sort=True).agg("\n".join)
    meta = documents.set_index("file").reindex(texts.index)
    if len(texts) < 2:
        return conform("similarity", pd.DataFrame(columns=SIMILARITY.names))
    matrix = TfidfVectorizer(analyzer=tokenize).fit_transform(texts.tolist())
    cosine = (matrix @ matrix.T).toarray()
    a, b = np.triu_indices(len(texts), k=1)
    files = texts.index.to_numpy()
    return conform("similarity", pd.DataFrame({
        "file_a": files[a], "file_b": files[b],
        "region_a": meta["region"].to_numpy()[a], "region_b": meta["region"].to_numpy()[b],
        "year_a": meta["plan_year"].to_numpy()[a], "year_b": meta["plan_year"].to_numpy()[b],
        "cosine": np.clip(cosine[a, b], 0.0, 1.0).round(6),
    }))
