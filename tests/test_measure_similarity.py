"""Plan similarity: identical plans, disjoint plans, pair bookkeeping, row order."""
from __future__ import annotations

import pandas as pd

from analysis.measure import plan_similarity


def test_identical_plans_have_cosine_one_and_disjoint_plans_zero(seed_tables):
    tasks, docs = seed_tables["tasks"], seed_tables["documents"]
    lishui = tasks[tasks["file"] == "lishui-2020.txt"]
    copy = lishui.assign(file="copy.txt", task_id=lishui["task_id"].str.replace("lishui-2020.txt", "copy.txt"))
    other = pd.DataFrame({"task_id": ["other.txt#0001"], "file": ["other.txt"], "content": ["甲乙丙丁戊己"]})
    extra_docs = pd.DataFrame({"file": ["copy.txt", "other.txt"], "region": ["复制", "其他"], "plan_year": [2020, 1999]})
    sim = plan_similarity(pd.concat([tasks, copy, other]), pd.concat([docs, extra_docs])).set_index(["file_a", "file_b"])
    assert sim.loc[("copy.txt", "lishui-2020.txt"), "cosine"] == 1.0
    assert (sim.xs("other.txt", level="file_b")["cosine"] == 0).all()
    assert sim.loc[("copy.txt", "other.txt"), "year_b"] == 1999


def test_every_unordered_pair_once_in_the_unit_interval(corpus_tables):
    t = corpus_tables
    sim = plan_similarity(t["tasks"], t["documents"])
    n = t["tasks"]["file"].nunique()
    assert len(sim) == n * (n - 1) // 2
    assert (sim["file_a"] < sim["file_b"]).all()
    assert not sim.duplicated(["file_a", "file_b"]).any()
    assert sim["cosine"].between(0, 1).all()
    fujian = sim.query("file_a == 'fujian-2016-task-table.txt' and file_b == 'fujian-2017-task-table.txt'")
    assert fujian[["region_a", "region_b", "year_a", "year_b"]].values.tolist() == [["福建省", "福建省", 2016, 2017]]


def test_row_order_does_not_matter_and_one_plan_has_no_pairs(seed_tables):
    tasks, docs = seed_tables["tasks"], seed_tables["documents"]
    pd.testing.assert_frame_equal(plan_similarity(tasks, docs),
                                  plan_similarity(tasks.sample(frac=1, random_state=5), docs.sample(frac=1, random_state=6)))
    assert plan_similarity(tasks[tasks["file"] == "lishui-2020.txt"], docs).empty


def brute_nearest(matrix, k):
    """Every row's k most similar rows from the full product, ties to the lower column (the rule)."""
    import numpy as np

    from analysis.measure.similarity import top_columns

    values = (matrix @ matrix.T).toarray()
    np.fill_diagonal(values, -np.inf)
    top = top_columns(values, k)
    pairs = {tuple(sorted((r, int(c)))) for r in range(len(values)) for c in top[r]}
    return {pair: values[pair] for pair in pairs}


def test_nearest_exact_computes_each_cosine_once_and_keeps_each_rows_true_top_k():
    """Block by block over the upper triangle gives the pairs and cosines of the full product,
    whatever the block size and however often candidates are merged, with duplicate rows (ties)
    and rows sharing no term."""
    import numpy as np
    from hypothesis import given, settings
    from hypothesis import strategies as st
    from scipy import sparse
    from sklearn.preprocessing import normalize

    from analysis.measure.similarity import nearest_exact

    @settings(max_examples=60, deadline=None)
    @given(st.integers(2, 40), st.integers(1, 12), st.integers(1, 9), st.integers(0, 2**16), st.floats(0.05, 0.9),
           st.sampled_from([1, 30, 300_000]))
    def check(n, top_k, block, seed, density, pending_max):
        rng = np.random.default_rng(seed)
        dense = (rng.random((n, 15)) < density) * rng.integers(1, 4, (n, 15)).astype(float)
        dense[rng.integers(0, n, n // 3)] = dense[rng.integers(0, n, n // 3)]  # copied plans: ties
        matrix = normalize(sparse.csr_matrix(dense))
        a, b, cosine = nearest_exact(matrix, top_k, block=block, pending_max=pending_max)
        expected = brute_nearest(matrix, min(top_k, n - 1))
        assert set(zip(a.tolist(), b.tolist())) == set(expected)
        np.testing.assert_allclose(cosine, [expected[p] for p in zip(a.tolist(), b.tolist())], atol=1e-12)

    check()
