"""Content-word counts per task as one sparse matrix, shared by the corpus-level measures.

Distinctive terms, plan similarity and topics all start from `tokenize(content)` of every
task. Segmenting is the expensive step and the pipeline already caches each document's
token lists, so the corpus stage builds this task × term matrix once from the cache
(`CountsBuilder`, a few bytes per token instead of a Python string each) and hands it to
every measure. Columns are the terms in sorted order, as scikit-learn's vectorisers order them.
"""
from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
from scipy import sparse


@dataclass(frozen=True)
class TermCounts:
    """Counts of each term (column, sorted) in each task (row, identified by `keys`)."""

    keys: np.ndarray
    vocabulary: np.ndarray
    matrix: sparse.csr_matrix

    @classmethod
    def from_tokens(cls, keys: Sequence[str], tokens: Iterable[Sequence[str]]) -> TermCounts:
        builder = CountsBuilder()
        for key, toks in zip(keys, tokens):
            builder.add(key, toks)
        return builder.build()

    @classmethod
    def from_texts(cls, keys: Sequence[str], texts: Iterable[str]) -> TermCounts:
        """Segment each text with `tokenize` (memoised) and count."""
        from .segment import tokenize

        return cls.from_tokens(keys, (tokenize(t if isinstance(t, str) else "") for t in texts))

    @cached_property
    def _index(self) -> pd.Index:
        """The keys as an object index: pandas would infer Arrow strings, whose lookups take three
        times as long (0.2 against 0.07 s for 375,000 of 750,000 task ids)."""
        return pd.Index(self.keys, dtype=object)

    def positions(self, keys) -> np.ndarray:
        """Row numbers of `keys` (KeyError when one is missing); the measures ask several times,
        mostly for every row in order, which is answered without hashing."""
        keys = np.asarray(keys, dtype=object)
        if len(keys) == len(self.keys) and (keys == self.keys).all():
            return np.arange(len(keys))
        pos = self._index.get_indexer(pd.Index(keys, dtype=object))
        if (pos < 0).any():
            missing = keys[pos < 0]
            raise KeyError(f"no term counts for {list(missing[:3])}")
        return pos

    def rows(self, keys) -> sparse.csr_matrix:
        """The count rows of `keys`, in that order (the matrix itself, not a copy, when that is all of it)."""
        pos = self.positions(keys)
        if len(pos) == self.matrix.shape[0] and (pos == np.arange(len(pos))).all():
            return self.matrix
        return self.matrix[pos]

    def tokens(self, row: int) -> list[str]:
        """A bag of words equal to row `row` (terms repeated by their count, in column order)."""
        lo, hi = self.matrix.indptr[row], self.matrix.indptr[row + 1]
        return [t for j, c in zip(self.matrix.indices[lo:hi], self.matrix.data[lo:hi]) for t in [self.vocabulary[j]] * c]


def group_sums(codes: np.ndarray, n_groups: int, matrix: sparse.csr_matrix, rows: np.ndarray | None = None,
               ) -> sparse.csr_matrix:
    """Sums of rows of `matrix` by group, in one sparse product: `rows` are the rows to sum (all,
    in order, when None) and `codes[i]` is the group of the i-th of them. The sums keep the
    matrix's integer type (int32 counts: a term would need two billion occurrences in one group
    to overflow; narrower types are widened to int32), so no wider copy of a corpus's counts or of
    the sums is made. The result has sorted indices and no stored zeros."""
    dtype = np.result_type(matrix.dtype, np.int32)
    matrix = matrix if matrix.dtype == dtype else matrix.astype(dtype)
    rows = np.arange(matrix.shape[0]) if rows is None else np.asarray(rows)
    member = sparse.csr_matrix((np.ones(len(rows), dtype=dtype), (np.asarray(codes), rows)),
                               shape=(n_groups, matrix.shape[0]))
    total = (member @ matrix).tocsr()
    total.eliminate_zeros()
    total.sort_indices()
    return total


def used_columns(matrix: sparse.csr_matrix) -> tuple[sparse.csr_matrix, np.ndarray]:
    """(`matrix` without the columns that store no value, sharing its values; the kept columns'
    numbers): what `matrix[:, used]` gives, without copying a large matrix's values."""
    used = np.zeros(matrix.shape[1], dtype=bool)
    used[matrix.indices] = True
    renumber = np.cumsum(used, dtype=np.int32) - 1
    kept = sparse.csr_matrix((matrix.data, renumber[matrix.indices], matrix.indptr),
                             shape=(matrix.shape[0], int(used.sum())))
    return kept, np.flatnonzero(used)


class CountsBuilder:
    """Collects token lists one task at a time into compact arrays (see `TermCounts`)."""

    def __init__(self):
        self._ids: dict[str, int] = {}
        self._indices = array("i")
        self._indptr = array("q", [0])
        self._keys: list[str] = []

    def add(self, key: str, tokens: Sequence[str]) -> None:
        ids = self._ids
        for term in set(tokens).difference(ids):  # ids are provisional: `build` renumbers them in term order
            ids[term] = len(ids)
        self._indices.extend(map(ids.__getitem__, tokens))
        self._indptr.append(len(self._indices))
        self._keys.append(key)

    def build(self) -> TermCounts:
        terms = np.array(list(self._ids), dtype=object)
        order = np.argsort(terms.astype(str), kind="stable") if len(terms) else np.zeros(0, dtype=np.int64)
        new_id = np.empty(len(terms), dtype=np.int32)
        new_id[order] = np.arange(len(terms), dtype=np.int32)
        indices = new_id[np.frombuffer(self._indices, dtype=np.int32)] if len(self._indices) else \
            np.zeros(0, dtype=np.int32)
        indptr = np.frombuffer(self._indptr, dtype=np.int64)
        matrix = sparse.csr_matrix((np.ones(len(indices), dtype=np.int32), indices, indptr),
                                   shape=(len(self._keys), len(terms)))
        matrix.sum_duplicates()
        return TermCounts(np.array(self._keys, dtype=object), terms[order], matrix)
