"""The summary tables the notebooks and the report show."""
import numpy as np
import pandas as pd
import pytest
from test_viz_frames import synthetic_emphasis

from analysis import explore
from analysis.viz import frames


def test_share_table_has_a_row_per_plan_in_the_charts_order_summing_to_100():
    emphasis = synthetic_emphasis()
    table = explore.share_table(emphasis, "zh")
    assert list(table.index) == list(frames.plans(emphasis)["label"])  # the heat map's rows, in its order
    assert np.allclose(table.sum(axis=1), 100, atol=0.1 * table.shape[1])
    assert table.notna().all().all()  # unclassified is in one plan only: 0 in the others, as the heat map shows


def test_share_table_keeps_two_plans_of_one_region_and_year_apart():
    """They were one row, their shares summed (200 %); two governments sharing a name likewise."""
    emphasis = synthetic_emphasis()
    first = emphasis[emphasis["file"] == emphasis["file"].iloc[0]]
    twin = first.assign(file="twin-" + first["file"], task_share=first["task_share"][::-1].to_numpy())
    table = explore.share_table(pd.concat([emphasis, twin], ignore_index=True), "en")
    region, year = first["region"].iloc[0], first["plan_year"].iloc[0]
    rows = table[table.index.str.startswith(f"{region} {year}")]
    assert len(rows) == 2 and np.allclose(rows.sum(axis=1), 100, atol=0.1 * table.shape[1])


def test_share_table_names_a_plan_for_several_years_by_its_span():
    """Beside that year's annual plan, a five-year action plan filed under the same year is its own
    row, named by its span (not the file name a second plan of the year would get)."""
    emphasis = synthetic_emphasis()
    first = emphasis[emphasis["file"] == emphasis["file"].iloc[0]]
    action = first.assign(file="action.txt")
    region, year = first["region"].iloc[0], first["plan_year"].iloc[0]
    documents = pd.DataFrame({"file": ["action.txt"], "plan_span": [f"{year}–{year + 4}"]})
    table = explore.share_table(pd.concat([emphasis, action], ignore_index=True), "en", documents=documents)
    assert {f"{region} {year}", f"{region} {year}–{year + 4}"} <= set(table.index)


def test_plans_by_region_year_keeps_governments_of_one_name_apart_and_unknown_ones():
    docs = pd.DataFrame([
        {"file": "a.txt", "province": "山东省", "parent": "济南市", "region": "市中区", "plan_year": 2020, "is_plan": True},
        {"file": "b.txt", "province": "山东省", "parent": "枣庄市", "region": "市中区", "plan_year": 2020, "is_plan": True},
        {"file": "c.txt", "province": "山东省", "parent": "枣庄市", "region": "市中区", "plan_year": 2021, "is_plan": True},
        {"file": "d.txt", "province": None, "parent": None, "region": "某县", "plan_year": 2021, "is_plan": True},
        {"file": "e.txt", "province": "山东省", "parent": None, "region": "济南市", "plan_year": 2021, "is_plan": False},
    ])
    table = explore.plans_by_region_year(docs)
    assert table.loc[("山东省", "济南市", "市中区")].tolist() == [1, ""]
    assert table.loc[("山东省", "枣庄市", "市中区")].tolist() == [1, 1]
    assert table.loc[("", "", "某县")].tolist() == ["", 1]  # province unknown: still counted
    assert len(table) == 3  # the report is not a plan


def test_select_names_a_region_or_year_no_document_has():
    """A misspelt region (杭州 for 杭州市) or a year without plans is an error listing what the corpus
    has, not empty tables that charts then fail on; a combination without plans is empty."""
    docs = pd.DataFrame({"file": ["a.txt", "b.txt"], "region": ["丽水市", "承德市"], "plan_year": [2020, 2022],
                         "province": ["浙江省", "河北省"], "level": ["city", "zone"]})
    tables = {"documents": docs, "tasks": pd.DataFrame({"file": ["a.txt", "b.txt"], "task_id": [1, 2]})}
    with pytest.raises(ValueError, match=r"no document has region 丽水 \(the corpus has 丽水市、承德市\)"):
        explore.select(tables, regions=["丽水"])
    with pytest.raises(ValueError, match=r"plan_year 2019 \(the corpus has 2020、2022\)"):
        explore.select(tables, years=[2019, 2020])
    assert list(explore.select(tables, regions=["丽水市"], years=[2022])["tasks"]["file"]) == []
    assert list(explore.select(tables, provinces=["河北省"])["tasks"]["file"]) == ["b.txt"]
    assert list(explore.select(tables, years=["2020"])["tasks"]["file"]) == ["a.txt"]  # a year written as text
    assert list(explore.select(tables, levels=["city", "county"])["tasks"]["file"]) == ["a.txt"]  # no zone
    with pytest.raises(ValueError, match=r"no level cities \(the levels are national、province、city"):
        explore.select(tables, levels=["cities"])
