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

    def positions(self, keys) -> np.ndarray:
        """Row numbers of `keys` (KeyError when one is missing)."""
        index = pd.Index(self.keys)
        pos = index.get_indexer(pd.Index(keys))
        if (pos < 0).any():
            missing = pd.Index(keys)[pos < 0]
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


def group_sums(codes: np.ndarray, n_groups: int, matrix: sparse.csr_matrix, chunk: int = 100_000) -> sparse.csr_matrix:
    """Row sums of `matrix` by group (`codes[i]` is row i's group), as int64, `chunk` rows at a
    time: an int64 copy of a whole corpus's counts would take more memory than the counts."""
    total = sparse.csr_matrix((n_groups, matrix.shape[1]), dtype=np.int64)
    for start in range(0, matrix.shape[0], chunk):
        part = matrix[start: start + chunk].astype(np.int64)
        rows = np.asarray(codes[start: start + chunk])
        member = sparse.csr_matrix((np.ones(len(rows), dtype=np.int64), (rows, np.arange(len(rows)))),
                                   shape=(n_groups, len(rows)))
        total = total + member @ part
    return total.tocsr()


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
