"""emphasis_change: consecutive available years only, on hand-built tables and the real series."""
from __future__ import annotations

import pandas as pd
import pytest

from analysis.measure import emphasis, emphasis_change, several_plans


def shares(rows):
    """A minimal emphasis table from (file, region, plan_year, domain, task_share) tuples."""
    frame = pd.DataFrame(rows, columns=["file", "region", "plan_year", "domain", "task_share"])
    return frame.assign(province="省", parent=None)


def test_missing_years_are_skipped_not_zero():
    table = shares([("a16", "甲市", 2016, "finance", 0.2), ("a19", "甲市", 2019, "finance", 0.5),
                    ("a20", "甲市", 2020, "finance", 0.1)])
    change = emphasis_change(table)
    assert change[["plan_year", "previous_year", "year_gap"]].values.tolist() == [[2019, 2016, 3], [2020, 2019, 1]]
    assert change["change"].tolist() == pytest.approx([0.3, -0.4])
    assert change["previous_share"].tolist() == pytest.approx([0.2, 0.5])


def test_unclassified_counts_as_zero_in_a_plan_of_the_region_without_it():
    table = shares([("a1", "甲市", 2020, "finance", 0.9), ("a1", "甲市", 2020, "unclassified", 0.1),
                    ("a2", "甲市", 2021, "finance", 1.0), ("b1", "乙市", 2020, "finance", 1.0),
                    ("b2", "乙市", 2022, "finance", 1.0)])
    change = emphasis_change(table).set_index(["region", "domain"])
    assert change.loc[("甲市", "unclassified"), "change"] == pytest.approx(-0.1)
    assert ("乙市", "unclassified") not in change.index


def test_single_plans_give_no_rows():
    assert emphasis_change(shares([("a", "甲市", 2020, "finance", 1.0)])).empty


def test_a_plan_for_several_years_is_no_step_of_the_yearly_series():
    """A five-year action plan filed under 2021 between the annual plans of 2020 and 2022: the
    change runs 2020 → 2022 (gap 2); the action plan's shares are no 2021 point of the series."""
    table = shares([("a20", "甲市", 2020, "finance", 0.2), ("action", "甲市", 2021, "finance", 0.9),
                    ("a22", "甲市", 2022, "finance", 0.5)])
    documents = pd.DataFrame({"file": ["a20", "action", "a22"], "plan_span": [None, "2021–2025", None]})
    change = emphasis_change(table, documents)
    assert change[["file", "previous_file", "year_gap"]].values.tolist() == [["a22", "a20", 2]]
    assert change["change"].tolist() == pytest.approx([0.3])
    assert len(emphasis_change(table)) == 2  # without the documents: every plan a step
    annual = shares([("a21", "甲市", 2021, "finance", 0.4)])
    both = pd.concat([table, annual])
    documents = pd.concat([documents, pd.DataFrame({"file": ["a21"], "plan_span": [None]})])
    assert several_plans(both, documents).empty and len(several_plans(both)) == 1  # 2021's annual plan is alone
    assert emphasis_change(both, documents)["previous_file"].tolist() == ["a20", "a21"]


def test_a_year_with_several_plans_is_left_out_and_listed_never_a_failure():
    table = shares([("a18", "甲市", 2018, "finance", 0.2), ("a19", "甲市", 2019, "finance", 0.9),
                    ("copy19", "甲市", 2019, "finance", 0.9), ("a20", "甲市", 2020, "finance", 0.5)])
    change = emphasis_change(table)
    assert change[["file", "previous_file", "year_gap"]].values.tolist() == [["a20", "a18", 2]]
    assert change["change"].tolist() == pytest.approx([0.3])
    listed = several_plans(table)
    assert listed[["region", "plan_year"]].values.tolist() == [["甲市", 2019]]
    assert list(listed["files"].iloc[0]) == ["a19", "copy19"]
    assert several_plans(table[table["file"] != "copy19"]).empty


def test_namesakes_are_separate_governments():
    """Two 市中区 in two provinces, two 鼓楼区 of two cities in one province: four series."""
    rows = [("jn20", "市中区", 2020, "finance", 0.1), ("jn21", "市中区", 2021, "finance", 0.2),
            ("ls20", "市中区", 2020, "finance", 0.5), ("ls21", "市中区", 2021, "finance", 0.4),
            ("nj20", "鼓楼区", 2020, "finance", 0.3), ("nj22", "鼓楼区", 2022, "finance", 0.3),
            ("xz20", "鼓楼区", 2020, "finance", 0.6), ("xz21", "鼓楼区", 2021, "finance", 0.0)]
    table = shares(rows).assign(
        province=["山东省"] * 2 + ["四川省"] * 2 + ["江苏省"] * 4,
        parent=["济南市"] * 2 + ["乐山市"] * 2 + ["南京市"] * 2 + ["徐州市"] * 2)
    change = emphasis_change(table).set_index("file")
    assert set(change.index) == {"jn21", "ls21", "nj22", "xz21"}
    assert change.loc["jn21", "change"] == pytest.approx(0.1) and change.loc["ls21", "change"] == pytest.approx(-0.1)
    assert change.loc["nj22", "previous_file"] == "nj20" and change.loc["nj22", "year_gap"] == 2
    assert change.loc["xz21", "change"] == pytest.approx(-0.6) and change.loc["xz21", "parent"] == "徐州市"
    assert several_plans(table).empty


@pytest.fixture(scope="module")
def corpus_emphasis(corpus_tables):
    t = corpus_tables
    return emphasis(t["tasks"], t["task_domains"], t["documents"], n_boot=50)


def test_fujian_2016_to_2019_is_a_yearly_series(corpus_emphasis):
    change = emphasis_change(corpus_emphasis)
    fujian = change[change["region"] == "福建省"]
    assert sorted(fujian["plan_year"].unique()) == [2017, 2018, 2019]
    assert (fujian["year_gap"] == 1).all()
    assert len(fujian) == 3 * corpus_emphasis.query("file == 'fujian-2016-task-table.txt'")["domain"].nunique()
    by_year = corpus_emphasis[corpus_emphasis["region"] == "福建省"].set_index(["plan_year", "domain"])["task_share"]
    row = fujian.set_index(["plan_year", "domain"]).loc[(2018, "decisions")]
    assert row["change"] == pytest.approx(by_year[(2018, "decisions")] - by_year[(2017, "decisions")])
    pingtan = change[change["region"] == "平潭综合实验区"]
    assert set(pingtan["plan_year"]) == {2022} and set(pingtan["previous_year"]) == {2021}


def test_regions_with_one_plan_have_no_change_rows(corpus_emphasis):
    plans = corpus_emphasis.groupby("region")["file"].nunique()
    single = set(plans[plans == 1].index)
    assert {"丽水市", "承德市"} <= single
    assert not set(emphasis_change(corpus_emphasis)["region"]) & single
