"""emphasis_change: consecutive available years only, on hand-built tables and the real series."""
from __future__ import annotations

import pandas as pd
import pytest

from analysis.measure import emphasis, emphasis_change


def shares(rows):
    """A minimal emphasis table from (file, region, plan_year, domain, task_share) tuples."""
    frame = pd.DataFrame(rows, columns=["file", "region", "plan_year", "domain", "task_share"])
    return frame.assign(province="省")


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


def test_single_plans_give_no_rows_and_ambiguity_fails():
    assert emphasis_change(shares([("a", "甲市", 2020, "finance", 1.0)])).empty
    with pytest.raises(ValueError, match="several plans"):
        emphasis_change(shares([("a", "甲市", 2020, "finance", 1.0), ("b", "甲市", 2020, "finance", 1.0)]))
    twins = shares([("a", "市中区", 2020, "finance", 1.0), ("b", "市中区", 2021, "finance", 1.0)])
    with pytest.raises(ValueError, match="several provinces"):
        emphasis_change(twins.assign(province=["山东省", "四川省"]))


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
