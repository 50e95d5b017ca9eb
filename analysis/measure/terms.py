"""Distinctive terms: weighted log-odds ratios with an informative Dirichlet prior.

Monroe, Colaresi & Quinn (2008), "Fightin' Words", Political Analysis 16(4), eq. 16-22: each
group is compared with all other groups pooled; the prior is the whole corpus's term counts
times `prior_scale` (1 = the corpus itself, as in R's tidylo), which shrinks rare terms.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse

from ..schemas import Table, _c, conform, register
from ..text.counts import TermCounts, group_sums, used_columns
from .plans import government_labels

DISTINCTIVE_TERMS = register(Table(
    "distinctive_terms", "Terms that set a group of plans apart from all the others (weighted log-odds, "
    "informative Dirichlet prior).", ("group_by", "group", "rank"), (
        _c("group_by", "string", "what the groups are: region | plan_year (or another tasks/documents column)", False),
        _c("group", "string", "the group's value", False),
        _c("term", "string", "segmented content word", False),
        _c("count", "int", "occurrences of the term in the group's task content"),
        _c("log_odds", "float", "log-odds ratio of the term, group vs. all other groups, with the prior"),
        _c("z", "float", "log_odds / its estimated standard deviation"),
        _c("rank", "int", "1 = highest z in the group", False),
    )))


def weighted_log_odds(counts: pd.DataFrame, prior_scale: float = 1.0) -> pd.DataFrame:
    """Log-odds ratio and z-score of every term in every group vs. all other groups.

    `counts` has columns group, term, count (long form); the result has group, term, count,
    log_odds, z for every group × term, zero counts included. With two groups the z-scores of a
    term are exact opposites.

    >>> weighted_log_odds(pd.DataFrame({"group": ["a", "b"], "term": ["x", "y"], "count": [3, 1]}))
    """
    wide = counts.pivot_table(index="group", columns="term", values="count", aggfunc="sum", fill_value=0)
    wide = wide.loc[:, wide.sum() > 0]
    y = wide.to_numpy(dtype=float)
    alpha = prior_scale * y.sum(axis=0)
    a0 = alpha.sum()
    n = y.sum(axis=1, keepdims=True)
    y_rest, n_rest = y.sum(axis=0) - y, n.sum() - n
    log_odds = (np.log((y + alpha) / (n + a0 - y - alpha))
                - np.log((y_rest + alpha) / (n_rest + a0 - y_rest - alpha)))
    z = log_odds / np.sqrt(1 / (y + alpha) + 1 / (y_rest + alpha))
    shape = dict(index=wide.index, columns=wide.columns)
    long = {name: pd.DataFrame(values, **shape).stack() for name, values in
            (("count", y), ("log_odds", log_odds), ("z", z))}
    return pd.DataFrame(long).reset_index().astype({"count": int})


def _sparse_log_odds(groups: pd.Series, counts: sparse.csr_matrix, vocabulary: np.ndarray,
                     prior_scale: float, top_n: int | None = None, chunk: int = 1 << 20,
                     rows: np.ndarray | None = None) -> pd.DataFrame:
    """`weighted_log_odds` of the nonzero (group, term) cells only, from task rows of counts
    (`rows`: those rows only, `groups[i]` being the group of the i-th; all when None);
    with `top_n`, only each group's top_n cells of positive z (by z, then term), ranked.

    Zero cells are left out because they never have a positive z (a term a group never
    uses is under-represented in it), which is all `distinctive_terms` keeps; the formula
    and the order of every sum are those of `weighted_log_odds`. Groups are scored about
    `chunk` cells at a time (a group's cells depend on corpus totals and its own row only).
    """
    codes, names = pd.factorize(groups, sort=True)
    wide, used = used_columns(group_sums(codes, len(names), counts, rows))  # counts are positive
    total = np.asarray(wide.sum(axis=0)).ravel()
    alpha = prior_scale * total.astype(float)
    a0 = alpha.sum()
    n = np.asarray(wide.sum(axis=1), dtype=float).ravel()
    n_rest = n.sum() - n
    bounds = np.r_[0, np.unique(np.r_[np.searchsorted(wide.indptr, np.arange(chunk, wide.nnz, chunk)), len(n)])]
    parts = [_score_groups(wide[lo:hi].tocoo(), lo, alpha, a0, total, n, n_rest, top_n)
             for lo, hi in zip(bounds[:-1], bounds[1:])]
    g, j, y, log_odds, z, *rank = (np.concatenate(x) for x in zip(*parts))
    extra = {"rank": rank[0]} if top_n is not None else {}
    return pd.DataFrame({"group": names[g], "term": vocabulary[used][j], "count": y.astype(int),
                         "log_odds": log_odds, "z": z, **extra})


def _score_groups(wide: sparse.coo_matrix, offset: int, alpha, a0, total, n, n_rest, top_n) -> tuple:
    """(group, term column, count, log_odds, z[, rank]) of the cells of rows `offset`… of the group × term counts."""
    g, j, y = wide.row + offset, wide.col, wide.data.astype(float)
    a, y_rest = alpha[j], total[j] - y
    log_odds = (np.log((y + a) / (n[g] + a0 - y - a))
                - np.log((y_rest + a) / (n_rest[g] + a0 - y_rest - a)))
    z = log_odds / np.sqrt(1 / (y + a) + 1 / (y_rest + a))
    if top_n is None:
        return g, j, y, log_odds, z
    g, j, y, log_odds, z = (x[z > 0] for x in (g, j, y, log_odds, z))  # chosen before any frame is built
    order = np.lexsort((j, -z, g))  # group, then z descending, then term (columns are in term order)
    g, j, y, log_odds, z = (x[order] for x in (g, j, y, log_odds, z))
    first = np.flatnonzero(np.r_[True, g[1:] != g[:-1]]) if len(g) else np.zeros(0, dtype=int)
    rank = np.arange(len(g)) - np.repeat(first, np.diff(np.r_[first, len(g)])) + 1
    top = rank <= top_n
    return tuple(x[top] for x in (g, j, y, log_odds, z, rank))


def distinctive_terms(tasks: pd.DataFrame, by: str = "region", documents: pd.DataFrame | None = None,
                      top_n: int = 30, prior_scale: float = 1.0, counts: TermCounts | None = None) -> pd.DataFrame:
    """The `top_n` terms with the highest positive z of each group (tasks grouped by `by`).

    Counts are content words of the given tasks (`tokenize(content)`): pass the tasks of the
    plans to compare. `by` is a column of `tasks`, or of `documents` (joined on file) when given,
    e.g. province or level; by region with `documents`, the groups are governments
    (`government_labels`: namesakes get their parent city in brackets). At least two groups
    are needed. `counts` (term counts by task_id, as the pipeline builds them from its cache)
    saves segmenting the content again.

    >>> distinctive_terms(t["tasks"], by="plan_year", top_n=10)
    """
    if documents is not None and by == "region":  # governments, not names: namesakes stay apart
        groups = tasks["file"].map(government_labels(documents)).astype("string")
    elif documents is not None and by not in tasks.columns:
        groups = tasks["file"].map(documents.drop_duplicates("file").set_index("file")[by]).astype("string")
    else:
        groups = tasks[by].astype("string")
    keep = groups.notna().to_numpy()
    if counts is None:
        counts, rows = TermCounts.from_texts(np.arange(keep.sum()), tasks["content"].to_numpy()[keep]), None
    else:
        rows = counts.positions(tasks["task_id"].to_numpy()[keep])
    words = np.diff(counts.matrix.indptr)
    if groups[keep][(words if rows is None else words[rows]) > 0].nunique() < 2:
        raise ValueError(f"distinctive terms need at least two groups of '{by}' with words")
    scored = _sparse_log_odds(groups[keep].to_numpy(dtype=object), counts.matrix, counts.vocabulary, prior_scale,
                              top_n, rows=rows)
    return conform("distinctive_terms", scored.assign(group_by=by))
