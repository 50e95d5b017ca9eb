"""How alike two plans are in wording: cosine similarity of TF-IDF over their task content.

Up to `all_pairs_max` plans every pair is listed. Above that the table would grow with the
square of the corpus (200 million rows for 20,000 plans) and so would the work, so each plan
keeps only its `top_k` most similar plans; the table is the union of every plan's top k (each
pair once), with exact cosines. When a dense copy of the TF-IDF vectors fits in
`DENSE_MAX_BYTES` the neighbours are exact too: every cosine is computed once (the upper
triangle, block by block), and ties go to the plan that sorts first. Otherwise they are found in two steps: candidates
(3 × top_k per plan) by cosine in a 128-dimensional truncated SVD of the vectors, then every
candidate pair re-scored with the exact cosine and the top k kept; a true neighbour missing
from the candidates is then missed.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.feature_extraction.text import TfidfTransformer

from ..schemas import Table, _c, conform, register
from ..text.counts import TermCounts, group_sums, used_columns

#: Largest corpus for which every pair of plans is listed; above it each plan's TOP_K nearest.
ALL_PAIRS_MAX = 1000
TOP_K = 20
#: Largest dense copy of the plan vectors (8 bytes a cell) for which neighbours are found exactly.
DENSE_MAX_BYTES = 512 * 2**20

SIMILARITY = register(Table(
    "similarity", f"Cosine similarity of every pair of plans (TF-IDF of segmented task content); in corpora "
    f"of more than {ALL_PAIRS_MAX:,} plans only each plan's {TOP_K} most similar plans.",
    ("file_a", "file_b"), (
        _c("file_a", "string", "first plan (file_a < file_b)", False),
        _c("file_b", "string", "second plan", False),
        _c("region_a", "string", "region of file_a"),
        _c("region_b", "string", "region of file_b"),
        _c("year_a", "int", "plan_year of file_a"),
        _c("year_b", "int", "plan_year of file_b"),
        _c("cosine", "float", "cosine of the two TF-IDF vectors, 0 (no shared term) to 1, rounded to 6 places"),
    )))


def plan_vectors(tasks: pd.DataFrame, counts: TermCounts | None = None) -> tuple[np.ndarray, sparse.csr_matrix]:
    """(plan files, sorted; their TF-IDF rows): each plan's term counts summed over its tasks,
    weighted by scikit-learn's TF-IDF defaults (smoothed idf, L2-normalised rows)."""
    files, codes = np.unique(tasks["file"].to_numpy(dtype=object).astype(str), return_inverse=True)
    if counts is None:
        counts, rows = TermCounts.from_texts(np.arange(len(tasks)), tasks["content"].to_numpy()), None
    else:
        rows = counts.positions(tasks["task_id"].to_numpy())
    plan_counts = group_sums(codes, len(files), counts.matrix, rows)
    return files, TfidfTransformer().fit_transform(used_columns(plan_counts)[0]).tocsr()


def pair_cosines(matrix: sparse.csr_matrix, a: np.ndarray, b: np.ndarray, chunk: int = 4096) -> np.ndarray:
    """Exact dot products of rows a[i] and b[i] of an L2-normalised matrix."""
    out = np.empty(len(a))
    for s in range(0, len(a), chunk):
        part = matrix[a[s: s + chunk]].multiply(matrix[b[s: s + chunk]])
        out[s: s + chunk] = np.asarray(part.sum(axis=1)).ravel()
    return out


def top_columns(values: np.ndarray, k: int) -> np.ndarray:
    """Each row's k largest values' columns; of equal values the lower column wins (rows of values
    that differ only in the last bits, as dense products of identical vectors may, are equal)."""
    values = np.round(values, 12)
    top = np.argpartition(-values, k - 1, axis=1)[:, :k]
    kth = np.take_along_axis(values, top, axis=1).min(axis=1, keepdims=True)
    ambiguous = np.flatnonzero((values >= kth).sum(axis=1) > k)  # a tie at the k-th value
    for r in ambiguous:
        top[r] = np.lexsort((np.arange(values.shape[1]), -values[r]))[:k]
    return top


def nearest_exact(matrix: sparse.csr_matrix, top_k: int, block: int = 256,
                  pending_max: int = 300_000) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(a, b, cosine) with a < b: the union of every row's `top_k` most similar rows, from a dense copy.

    Each cosine is computed once: block by block, the block's rows against themselves and every
    later row (the upper triangle), read along the block's rows and down its columns for the
    later rows. Of those, only cosines not below a row's k-th best so far are kept as candidates,
    and merged into each row's best k once `pending_max` of them have gathered."""
    dense = matrix.toarray()
    n, k = dense.shape[0], min(top_k, dense.shape[0] - 1)
    best = np.full((n, k), -np.inf)
    columns = np.full((n, k), n)  # a placeholder column, after every real one
    pending, size = [], 0
    for start in range(0, n, block):
        stop = min(start + block, n)
        values = dense[start:stop] @ dense[start:].T
        own = np.arange(stop - start)
        values[own, own] = -np.inf
        for rows, tile, ids in ((np.arange(start, stop), values, np.arange(start, n)),
                                (np.arange(stop, n), values[:, stop - start:].T, np.arange(start, stop))):
            row, col = _candidates(tile, best[rows, -1], k)
            pending.append((rows[row], tile[row, col], ids[col]))
            size += len(row)
        if size > pending_max or start == 0:  # after the first block every row has a k-th to beat
            _merge(best, columns, pending)
            pending, size = [], 0
    _merge(best, columns, pending)
    pairs, first = np.unique(np.sort(np.column_stack([np.repeat(np.arange(n), k), columns.ravel()]), axis=1),
                             axis=0, return_index=True)
    return pairs[:, 0], pairs[:, 1], best.ravel()[first]


def _candidates(values: np.ndarray, kth: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(row, column) of the `values` that may enter their row's best k, whose k-th is `kth`
    (compared as `top_columns` does, rounded to 12 places); while most rows are still filling
    up, each row's top k."""
    row, col = np.nonzero(values >= (np.round(kth, 12) - 1e-11)[:, None])
    if len(row) > 4 * k * len(values):
        top = top_columns(values, min(k, values.shape[1]))
        row, col = np.repeat(np.arange(len(values)), top.shape[1]), top.ravel()
    return row, col


def _merge(best: np.ndarray, columns: np.ndarray, pending: list[tuple[np.ndarray, np.ndarray, np.ndarray]]) -> None:
    """Merge candidates (row, cosine, column) into each row's best k (`best`, `columns`, sorted best
    first, updated in place): values rounded to 12 places, ties to the lower column."""
    row = np.concatenate([p[0] for p in pending]) if pending else np.zeros(0, dtype=int)
    if not len(row):
        return
    k = best.shape[1]
    rows = np.unique(row)
    owner = np.concatenate([np.searchsorted(rows, row), np.repeat(np.arange(len(rows)), k)])
    value = np.concatenate([*(p[1] for p in pending), best[rows].ravel()])
    column = np.concatenate([*(p[2] for p in pending), columns[rows].ravel()])
    order = np.lexsort((column, -np.round(value, 12), owner))
    pick = order[np.searchsorted(owner[order], np.arange(len(rows)))[:, None] + np.arange(k)]
    best[rows], columns[rows] = value[pick], column[pick]


def nearest(matrix: sparse.csr_matrix, top_k: int, candidates: int | None = None, dims: int = 128,
            block: int = 256, random_state: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(a, b) with a < b: the union of every row's `top_k` most similar rows among candidates from
    a truncated SVD (see module docstring)."""
    from sklearn.decomposition import TruncatedSVD

    n = matrix.shape[0]
    k = min(top_k, n - 1)
    c = min(candidates or 3 * top_k, n - 1)
    dims = max(1, min(dims, n - 1, matrix.shape[1] - 1))
    reduced = TruncatedSVD(dims, random_state=random_state).fit_transform(matrix)
    reduced /= np.maximum(np.linalg.norm(reduced, axis=1, keepdims=True), 1e-12)
    found = []
    for start in range(0, n, block):
        rows = np.arange(start, min(start + block, n))
        approx = reduced[rows] @ reduced.T
        approx[rows - start, rows] = -np.inf
        cand = np.sort(np.argpartition(-approx, c - 1, axis=1)[:, :c], axis=1)
        a, b = np.repeat(rows, c), cand.ravel()
        exact = pair_cosines(matrix, a, b).reshape(len(rows), c)
        keep = np.argsort(-exact, axis=1, kind="stable")[:, :k]
        found.append(np.column_stack([np.repeat(rows, k), np.take_along_axis(cand, keep, axis=1).ravel()]))
    pairs = np.unique(np.sort(np.concatenate(found), axis=1), axis=0)
    return pairs[:, 0], pairs[:, 1]


def plan_similarity(tasks: pd.DataFrame, documents: pd.DataFrame, counts: TermCounts | None = None,
                    all_pairs_max: int = ALL_PAIRS_MAX, top_k: int = TOP_K,
                    dense_max_bytes: int = DENSE_MAX_BYTES) -> pd.DataFrame:
    """Cosine similarity of pairs of plans in `tasks`, each plan its tasks' content together.

    Terms are `tokenize` content words weighted by scikit-learn's TF-IDF defaults (smoothed idf,
    L2-normalised rows), fitted on these plans only; pass the tasks of the plans to compare.
    Every pair when there are at most `all_pairs_max` plans, else each plan's `top_k` most
    similar, found exactly when the vectors fit in `dense_max_bytes` (see module docstring).
    Region and year come from `documents`. `counts` (term counts by task_id, as the pipeline
    builds them from its cache) saves segmenting again.

    >>> plan_similarity(t["tasks"], t["documents"]).sort_values("cosine").tail()
    """
    if tasks["file"].nunique() < 2:
        return conform("similarity", pd.DataFrame(columns=SIMILARITY.names))
    files, matrix = plan_vectors(tasks, counts)
    meta = documents.drop_duplicates("file").set_index("file").reindex(files)
    if len(files) <= all_pairs_max:
        a, b = np.triu_indices(len(files), k=1)
        cosine = (matrix @ matrix.T).toarray()[a, b]
    elif matrix.shape[0] * matrix.shape[1] * 8 <= dense_max_bytes:
        a, b, cosine = nearest_exact(matrix, top_k)
    else:
        a, b = nearest(matrix, top_k)
        cosine = pair_cosines(matrix, a, b)
    return conform("similarity", pd.DataFrame({
        "file_a": files[a], "file_b": files[b],
        "region_a": meta["region"].to_numpy()[a], "region_b": meta["region"].to_numpy()[b],
        "year_a": meta["plan_year"].to_numpy()[a], "year_b": meta["plan_year"].to_numpy()[b],
        "cosine": np.clip(cosine, 0.0, 1.0).round(6),
    }))
