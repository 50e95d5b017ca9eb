"""duplicate_plans: a plan saved twice is measured once; different plans, governments or years never merge.

The copies are made from a real seed plan's tasks, changed the way a second copy differs from
the first (another file name, different punctuation and spacing, a footer line parsed as a
task, cut short)."""
from __future__ import annotations

import pandas as pd
import pytest

from analysis.measure import duplicate_plans, emphasis, select_plans, several_plans


@pytest.fixture(scope="module")
def plan(seed_tables):
    """The seed plan with most tasks: its documents row and its tasks."""
    docs, tasks = seed_tables["documents"], seed_tables["tasks"]
    file = tasks.groupby("file").size().idxmax()
    return docs[docs["file"] == file].reset_index(drop=True), tasks[tasks["file"] == file].reset_index(drop=True)


def copy(plan, file, tasks=None, **fields):
    """The plan as another file (its documents row changed by `fields`), with `tasks` as its tasks."""
    doc, own = plan
    own = own if tasks is None else tasks
    doc = doc.assign(file=file, **fields)
    return doc, own.assign(file=file, task_id=[f"{file}#{i:04d}" for i in range(1, len(own) + 1)])


def corpus(*parts):
    return (pd.concat([p[0] for p in parts], ignore_index=True),
            pd.concat([p[1] for p in parts], ignore_index=True))


def test_a_copy_with_other_punctuation_and_a_footer_task_is_measured_once(plan):
    doc, tasks = plan
    n = len(tasks)
    restyled = tasks.assign(content=tasks["content"].str.replace("，", ",").str.replace("。", " . "))
    footer = pd.DataFrame([{**tasks.iloc[-1].to_dict(), "content": "（此件公开发布）"}])
    page = copy(plan, "page.html")
    attachment = copy(plan, "attachment.pdf", pd.concat([restyled, footer], ignore_index=True))
    docs, all_tasks = corpus(page, attachment)
    found = duplicate_plans(docs, all_tasks)
    # The attachment has one task text more, so it is the copy measured.
    assert found[["file", "duplicate_of"]].values.tolist() == [["page.html", "attachment.pdf"]]
    assert found["shared"].iloc[0] == pytest.approx(1.0)
    assert select_plans(docs, all_tasks)["file"].tolist() == ["attachment.pdf"]
    assert select_plans(docs, all_tasks, include_duplicates=True)["file"].tolist() == ["attachment.pdf", "page.html"]
    assert n > 20  # a real plan, not a toy


def test_a_truncated_copy_gives_way_to_the_complete_one_even_when_partial_plans_are_measured(plan):
    doc, tasks = plan
    full = copy(plan, "b-full.txt")
    cut = copy(plan, "a-cut.txt", tasks.iloc[: len(tasks) // 2], is_partial=True)
    docs, all_tasks = corpus(full, cut)
    assert duplicate_plans(docs, all_tasks)[["file", "duplicate_of"]].values.tolist() == [["a-cut.txt", "b-full.txt"]]
    assert select_plans(docs, all_tasks, include_partial=True)["file"].tolist() == ["b-full.txt"]


def test_plans_of_other_governments_years_or_work_are_never_copies(plan):
    doc, tasks = plan
    region = doc["region"].iloc[0]
    half = len(tasks) // 2
    other_work = tasks.assign(content=[c if i < half else f"另一项工作{i}" for i, c in enumerate(tasks["content"])])
    parts = [copy(plan, "original.txt"),
             copy(plan, "other-work.txt", other_work),                     # same year, half the tasks new
             copy(plan, "next-year.txt", plan_year=doc["plan_year"].iloc[0] + 1),  # a plan reissued a year on
             copy(plan, "county.txt", region="某某县", parent=region, level="county"),  # a county copying it
             copy(plan, "namesake.txt", parent="另一市", province="另一省")]  # same name, another government
    docs, all_tasks = corpus(*parts)
    assert duplicate_plans(docs, all_tasks).empty
    assert len(select_plans(docs, all_tasks)) == 5
    shares = emphasis(all_tasks, _links(all_tasks), docs, n_boot=10)
    assert several_plans(shares)["files"].map(list).tolist() == [["original.txt", "other-work.txt"]]


def test_a_plan_whose_region_is_unknown_is_not_measured(plan):
    """A page no region was found for (a template site's 范本, a portal's page of rules) entered the
    shares and the corpus mean every plan is compared with, though no comparison can place it."""
    doc, tasks = plan
    docs, all_tasks = corpus(copy(plan, "placed.txt"), copy(plan, "template.txt", region=None, parent=None, province=None))
    assert select_plans(docs, all_tasks)["file"].tolist() == ["placed.txt"]
    shares = emphasis(all_tasks, _links(all_tasks), docs, n_boot=10)
    assert set(shares["file"]) == {"placed.txt"}


def test_the_real_corpus_has_no_copies_and_copies_leave_the_measures(corpus_tables, plan):
    t = corpus_tables
    assert duplicate_plans(t["documents"], t["tasks"]).empty
    doc, tasks = plan
    docs, all_tasks = corpus((t["documents"], t["tasks"]), copy(plan, "zz-mirror.html"))
    links = pd.concat([t["task_domains"], _links(all_tasks[all_tasks["file"] == "zz-mirror.html"],
                                                 t["task_domains"], doc["file"].iloc[0])], ignore_index=True)
    with_copy = emphasis(all_tasks, links, docs, n_boot=20)
    without = emphasis(t["tasks"], t["task_domains"], t["documents"], n_boot=20)
    assert "zz-mirror.html" not in set(with_copy["file"])
    pd.testing.assert_frame_equal(with_copy, without)  # corpus means included


def _links(tasks, source=None, file=None):
    """task_domains for `tasks`: one domain each, or the rows of the plan `file` they copy."""
    if source is None:
        return pd.DataFrame({"task_id": tasks["task_id"], "file": tasks["file"], "domain": "finance", "rank": 1,
                             "weight": 1.0})
    rows = source[source["file"] == file].copy()
    rows["task_id"] = rows["task_id"].str.replace(file, tasks["file"].iloc[0], regex=False)
    rows["file"] = tasks["file"].iloc[0]
    return rows
