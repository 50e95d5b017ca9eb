"""Distinctive terms: the weighted log-odds formula, a tiny hand-made corpus, the real plans."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis.measure import distinctive_terms, weighted_log_odds


def tiny_tasks():
    contents = {"甲": ["细化财政预算决算公开，财政预算信息及时公开。", "加强财政预算管理", "公开财政资金信息"],
                "乙": ["做好义务教育招生入学工作", "推进义务教育均衡发展", "公开财政资金信息"]}
    rows = [(g, c) for g, cs in contents.items() for c in cs]
    return pd.DataFrame({"task_id": [f"{g}.txt#{k:04d}" for k, (g, _) in enumerate(rows)],
                         "file": [f"{g}.txt" for g, _ in rows], "region": [g for g, _ in rows],
                         "plan_year": [2020] * len(rows), "content": [c for _, c in rows]})


def test_log_odds_follow_monroe_et_al_by_hand():
    counts = pd.DataFrame({"group": ["a", "a", "b"], "term": ["x", "y", "y"], "count": [3, 1, 2]})
    scored = weighted_log_odds(counts).set_index(["group", "term"])
    # prior = corpus counts: alpha_x = 3, alpha_y = 3, alpha_0 = 6; n_a = 4, n_b = 2.
    delta = math.log((3 + 3) / (4 + 6 - 3 - 3)) - math.log((0 + 3) / (2 + 6 - 0 - 3))
    assert scored.loc[("a", "x"), "log_odds"] == pytest.approx(delta)
    assert scored.loc[("a", "x"), "z"] == pytest.approx(delta / math.sqrt(1 / 6 + 1 / 3))
    assert scored.loc[("b", "x"), "count"] == 0


def test_with_two_groups_z_scores_are_opposite():
    scored = weighted_log_odds(pd.DataFrame({"group": list("aaabb"), "term": list("xyzyw"), "count": [5, 2, 1, 4, 3]}))
    wide = scored.pivot(index="term", columns="group", values="z")
    assert (wide["a"] == -wide["b"]).all()
    assert (wide["a"] != 0).any()


def test_a_word_only_one_group_repeats_is_its_most_distinctive():
    terms = distinctive_terms(tiny_tasks(), by="region", top_n=5)
    first = terms[terms["rank"] == 1].set_index("group")["term"]
    assert first["甲"] == "财政预算"
    assert first["乙"] == "义务教育"
    assert "财政资金" not in set(terms["term"])  # used once by both: not distinctive
    assert (terms["z"] > 0).all() and set(terms["group_by"]) == {"region"}


def test_one_group_is_not_a_comparison():
    with pytest.raises(ValueError, match="two groups"):
        distinctive_terms(tiny_tasks(), by="plan_year")


def test_real_plans_by_year_and_by_a_documents_column(corpus_tables):
    t = corpus_tables
    by_year = distinctive_terms(t["tasks"], by="plan_year", top_n=10)
    assert set(by_year["group"]) == {str(y) for y in t["tasks"]["plan_year"].dropna().unique()}
    assert by_year.groupby("group")["rank"].apply(lambda r: r.tolist() == list(range(1, len(r) + 1))).all()
    assert by_year.groupby("group").size().max() == 10
    by_level = distinctive_terms(t["tasks"], by="level", documents=t["documents"], top_n=5)
    assert set(by_level["group"]) == set(t["documents"].query("n_tasks > 0")["level"])


def test_real_results_do_not_depend_on_row_order(corpus_tables):
    tasks = corpus_tables["tasks"]
    pd.testing.assert_frame_equal(distinctive_terms(tasks, by="region"),
                                  distinctive_terms(tasks.sample(frac=1, random_state=3), by="region"))


@pytest.mark.parametrize("top_n", [None, 5])
def test_scoring_groups_a_few_cells_at_a_time_changes_nothing(corpus_tables, top_n):
    from analysis.measure.terms import _sparse_log_odds
    from analysis.text.counts import TermCounts

    tasks = corpus_tables["tasks"]
    counts = TermCounts.from_texts(tasks["task_id"].to_numpy(), tasks["content"].to_numpy())
    groups = tasks["region"].astype(str).to_numpy(dtype=object)
    whole = _sparse_log_odds(groups, counts.matrix, counts.vocabulary, 1.0, top_n)
    assert whole["group"].nunique() == len(set(groups)) > 2
    for chunk in (1, 7, 1000):
        pd.testing.assert_frame_equal(_sparse_log_odds(groups, counts.matrix, counts.vocabulary, 1.0, top_n, chunk),
                                      whole)


def test_namesakes_are_two_groups_not_one():
    """Two 鼓楼区 (of 南京市 and 徐州市) and a 丙市: by region, with the documents, three groups."""
    tasks = tiny_tasks()
    tasks["file"] = tasks["file"].map({"甲.txt": "nj.txt", "乙.txt": "xz.txt"})
    tasks["region"] = "鼓楼区"
    extra = pd.DataFrame({"task_id": ["c.txt#0000", "c.txt#0001"], "file": "c.txt", "region": "丙市",
                          "plan_year": 2020, "content": ["规范政务新媒体管理", "政务新媒体信息发布"]})
    tasks = pd.concat([tasks, extra], ignore_index=True)
    documents = pd.DataFrame({"file": ["nj.txt", "xz.txt", "c.txt"], "region": ["鼓楼区", "鼓楼区", "丙市"],
                              "parent": ["南京市", "徐州市", None], "province": ["江苏省", "江苏省", "某省"]})
    terms = distinctive_terms(tasks, by="region", documents=documents, top_n=5)
    first = terms[terms["rank"] == 1].set_index("group")["term"]
    assert set(first.index) == {"鼓楼区（南京市）", "鼓楼区（徐州市）", "丙市"}
    assert first["鼓楼区（南京市）"] == "财政预算" and first["鼓楼区（徐州市）"] == "义务教育"
    assert set(distinctive_terms(tasks, by="region", top_n=5)["group"]) == {"鼓楼区", "丙市"}  # names alone pool
