"""Term counts shared by the corpus measures: group sums over a subset of rows, dropping empty
columns, and the measures' results with the pipeline's counts of a larger corpus."""
from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse

from analysis.measure import distinctive_terms, plan_similarity
from analysis.text.counts import TermCounts, group_sums, used_columns


@st.composite
def counts_and_rows(draw):
    n_rows, n_cols = draw(st.integers(1, 12)), draw(st.integers(1, 9))
    dense = np.array(draw(st.lists(st.lists(st.integers(0, 3), min_size=n_cols, max_size=n_cols),
                                   min_size=n_rows, max_size=n_rows)), dtype=np.int32)
    rows = np.array(draw(st.lists(st.integers(0, n_rows - 1), unique=True, max_size=n_rows)), dtype=np.int64)
    n_groups = draw(st.integers(1, 4))
    codes = np.array(draw(st.lists(st.integers(0, n_groups - 1), min_size=len(rows), max_size=len(rows))),
                     dtype=np.int64)
    return dense, rows, codes, n_groups


@settings(max_examples=200, deadline=None)
@given(counts_and_rows())
def test_group_sums_of_a_subset_of_rows_equal_the_dense_sums(case):
    dense, rows, codes, n_groups = case
    expected = np.zeros((n_groups, dense.shape[1]), dtype=np.int64)
    for row, code in zip(rows, codes):
        expected[code] += dense[row]
    got = group_sums(codes, n_groups, sparse.csr_matrix(dense), rows)
    assert got.has_sorted_indices and (got.data != 0).all() and got.dtype == np.int32
    np.testing.assert_array_equal(got.toarray(), expected)
    kept, used = used_columns(got)
    np.testing.assert_array_equal(used, np.flatnonzero(expected.any(axis=0)))
    np.testing.assert_array_equal(kept.toarray(), expected[:, used])


def test_narrow_counts_are_summed_without_overflow():
    ones = sparse.csr_matrix(np.full((300, 2), 200, dtype=np.uint8))
    assert group_sums(np.zeros(300, dtype=np.int64), 1, ones).toarray().tolist() == [[60000, 60000]]


def test_measures_of_some_plans_with_counts_of_the_whole_corpus_are_those_from_their_text(corpus_tables):
    """The pipeline passes the term counts of every task while measuring a subset of plans."""
    tasks = corpus_tables["tasks"]
    counts = TermCounts.from_texts(tasks["task_id"].to_numpy(), tasks["content"].to_numpy())
    files = sorted(tasks["file"].unique())
    part = tasks[tasks["file"].isin(files[1::2])].sample(frac=1, random_state=1)  # every other plan, shuffled
    assert part["region"].nunique() >= 2 and len(part) < len(tasks)
    for by in ("region", "plan_year"):
        pd.testing.assert_frame_equal(distinctive_terms(part, by=by, counts=counts), distinctive_terms(part, by=by))
    docs = corpus_tables["documents"]
    pd.testing.assert_frame_equal(plan_similarity(part, docs, counts=counts), plan_similarity(part, docs))


def test_corpus_measures_from_the_counts_of_every_task_are_those_from_the_text(corpus_tables):
    """As the pipeline calls them: counts of every task (the report that is not a plan and the
    partial plan included), the tasks copied without their content; every table the same."""
    from analysis.corpus import corpus_tables as measures

    tasks = corpus_tables["tasks"]
    counts = TermCounts.from_texts(tasks["task_id"].to_numpy(), tasks["content"].to_numpy())
    plain, given = measures(corpus_tables, lineage=False), measures(corpus_tables, counts=counts, lineage=False)
    assert set(plain["emphasis"]["file"]) < set(tasks["file"])  # some tasks are not measured
    assert sorted(plain) == sorted(given) and len(plain["topics"]) > 0
    for name in plain:
        pd.testing.assert_frame_equal(plain[name], given[name], obj=name)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 30), unique=True, min_size=1, max_size=12), st.randoms(use_true_random=False),
       st.booleans())
def test_positions_find_each_keys_row_in_any_order(ids, rnd, everything):
    """Every row in order (the measures' usual ask), a shuffled subset, or a key with no counts."""
    keys = np.array([f"t{i}" for i in ids], dtype=object)
    counts = TermCounts(keys, np.array(["词"], dtype=object), sparse.csr_matrix(np.ones((len(keys), 1), dtype=np.int32)))
    asked = list(keys) if everything else rnd.sample(list(keys), rnd.randint(0, len(keys)))
    np.testing.assert_array_equal(counts.positions(asked), [list(keys).index(k) for k in asked])
    try:
        counts.positions([*asked, "missing"])
    except KeyError as e:
        assert "missing" in str(e)
    else:
        raise AssertionError("a key with no counts was given a row")
