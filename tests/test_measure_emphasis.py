"""Emphasis and emphasis_groups: invariants on random task tables, hand counts on the real plans."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.domains import load_codebook
from analysis.measure import emphasis, emphasis_groups, select_plans
from analysis.tables import UNCLASSIFIED, domain_weights

CODEBOOK = load_codebook()
N_BOOT = 200


@st.composite
def task_tables(draw):
    """Minimal documents, tasks and task_domains: 1-3 plans of 1-30 tasks with 0-3 domains each."""
    docs, tasks, links = [], [], []
    for f in range(draw(st.integers(1, 3))):
        file = f"plan-{f}.txt"
        docs.append({"file": file, "region": f"区{f}", "province": "省", "level": "district",
                     "plan_year": 2018 + f, "is_plan": True, "is_partial": False, "failed": False})
        for k in range(1, draw(st.integers(1, 30)) + 1):
            task_id = f"{file}#{k:04d}"
            domains = draw(st.lists(st.sampled_from(CODEBOOK.ids), max_size=3, unique=True))
            tasks.append({"task_id": task_id, "file": file, "n_chars": draw(st.integers(1, 400))})
            links += [{"task_id": task_id, "file": file, "domain": d, "rank": r, "weight": w}
                      for r, (d, w) in enumerate(zip(domains or [UNCLASSIFIED], domain_weights(domains), strict=True), 1)]
    return pd.DataFrame(tasks), pd.DataFrame(links), pd.DataFrame(docs)


def shuffled(frame, seed):
    return frame.sample(frac=1, random_state=seed).reset_index(drop=True)


def measure(tasks, links, docs, **kwargs):
    return emphasis(tasks, links, docs, codebook=CODEBOOK, n_boot=N_BOOT, **kwargs)


def measure_groups(tasks, links, docs):
    return emphasis_groups(tasks, links, docs, codebook=CODEBOOK, n_boot=N_BOOT)


@settings(max_examples=20, deadline=None)
@given(task_tables())
def test_shares_sum_to_one_and_intervals_contain_them(tables):
    for table in (measure(*tables), measure_groups(*tables)):
        sums = table.groupby("file")[["task_share", "char_share"]].sum()
        assert np.allclose(sums, 1.0, rtol=0, atol=1e-9)
        for share in ("task_share", "char_share"):
            assert (table[f"{share}_lo"] <= table[share]).all()
            assert (table[share] <= table[f"{share}_hi"]).all()


@settings(max_examples=20, deadline=None)
@given(task_tables(), st.integers(0, 2**31))
def test_results_do_not_depend_on_row_order(tables, seed):
    mixed = [shuffled(t, seed) for t in tables]
    pd.testing.assert_frame_equal(measure(*tables), measure(*mixed))
    pd.testing.assert_frame_equal(measure_groups(*tables), measure_groups(*mixed))


@settings(max_examples=20, deadline=None)
@given(task_tables())
def test_rows_counts_and_groups_agree_with_the_links(tables):
    tasks, links, _ = tables
    e = measure(*tables)
    for file, rows in e.groupby("file"):
        unclassified = [UNCLASSIFIED] if (links[links["file"] == file]["domain"] == UNCLASSIFIED).any() else []
        assert list(rows["domain"]) == sorted(CODEBOOK.ids + unclassified)
        assert sorted(rows["rank"]) == list(range(1, len(rows) + 1))
    by_hand = links.groupby(["file", "domain"])["weight"].sum()
    counted = e.set_index(["file", "domain"])["task_count"]
    assert np.allclose(counted.reindex(by_hand.index), by_hand)
    assert counted.drop(by_hand.index).eq(0).all()
    summed = e.groupby(["file", "domain_group"])["task_share"].sum()
    grouped = measure_groups(*tables).set_index(["file", "domain_group"])["task_share"]
    pd.testing.assert_series_equal(grouped, summed, check_names=False, atol=1e-12)


def test_an_empty_selection_gives_an_empty_table():
    tasks = pd.DataFrame({"task_id": ["a.txt#0001"], "file": ["a.txt"], "n_chars": [10]})
    links = pd.DataFrame({"task_id": ["a.txt#0001"], "file": ["a.txt"], "domain": ["finance"], "rank": [1],
                          "weight": [1.0]})
    docs = pd.DataFrame({"file": ["a.txt"], "region": ["区"], "province": ["省"], "level": ["district"],
                         "plan_year": [2020], "is_plan": [False], "is_partial": [False], "failed": [False]})
    assert measure(tasks, links, docs).empty
    assert len(measure(tasks, links, docs, include_non_plans=True)) == len(CODEBOOK.ids)


def test_unknown_domains_and_tasks_without_domains_fail():
    tasks = pd.DataFrame({"task_id": ["a.txt#0001", "a.txt#0002"], "file": ["a.txt"] * 2, "n_chars": [10, 20]})
    links = pd.DataFrame({"task_id": ["a.txt#0001"], "file": ["a.txt"], "domain": ["finance"], "rank": [1],
                          "weight": [1.0]})
    docs = pd.DataFrame({"file": ["a.txt"], "region": ["区"], "province": ["省"], "level": ["district"],
                         "plan_year": [2020], "is_plan": [True], "is_partial": [False], "failed": [False]})
    with pytest.raises(ValueError, match="without task_domains"):
        measure(tasks, links, docs)
    with pytest.raises(ValueError, match="not in the codebook"):
        measure(tasks.head(1), links.assign(domain="astrology"), docs)


# Real plans


@pytest.fixture(scope="module")
def seed_emphasis(seed_tables):
    t = seed_tables
    return emphasis(t["tasks"], t["task_domains"], t["documents"], include_partial=True)


def test_lishui_shares_match_a_count_by_hand(seed_tables, seed_emphasis):
    file = "lishui-2020.txt"
    tasks = seed_tables["tasks"].query("file == @file")
    links = seed_tables["task_domains"].query("file == @file").merge(tasks[["task_id", "n_chars"]], on="task_id")
    top = links.groupby("domain")["weight"].sum().idxmax()
    mine = links[links["domain"] == top]
    row = seed_emphasis.set_index(["file", "domain"]).loc[(file, top)]
    assert row["task_count"] == pytest.approx(mine["weight"].sum())
    assert row["n_tasks"] == mine["task_id"].nunique()
    assert row["task_share"] == pytest.approx(mine["weight"].sum() / len(tasks))
    assert row["char_share"] == pytest.approx((mine["weight"] * mine["n_chars"]).sum() / tasks["n_chars"].sum())
    assert row["task_share_lo"] < row["task_share"] < row["task_share_hi"]
    absent = sorted(set(CODEBOOK.ids) - set(links["domain"]))[0]
    zero = seed_emphasis.set_index(["file", "domain"]).loc[(file, absent)]
    assert (zero[["task_count", "task_share", "task_share_lo", "task_share_hi", "char_share_hi"]] == 0).all()


def test_corpus_mean_and_rank_match_a_count_by_hand(seed_tables, seed_emphasis):
    tasks, links = seed_tables["tasks"], seed_tables["task_domains"]
    domain = "decisions"
    files = sorted(seed_emphasis["file"].unique())
    shares = [links[(links["file"] == f) & (links["domain"] == domain)]["weight"].sum() / (tasks["file"] == f).sum()
              for f in files]
    rows = seed_emphasis[seed_emphasis["domain"] == domain]
    assert rows["corpus_mean_share"].tolist() == pytest.approx([np.mean(shares)] * len(files))
    assert rows["diff_from_mean"].tolist() == pytest.approx(list(np.array(shares) - np.mean(shares)))
    order = {d: k for k, d in enumerate(CODEBOOK.ids + [UNCLASSIFIED])}
    for _, plan in seed_emphasis.groupby("file"):
        expected = sorted(plan["domain"], key=lambda d: (-plan.set_index("domain").loc[d, "task_share"], order[d]))
        assert plan.sort_values("rank")["domain"].tolist() == expected


def test_exclusion_rules(corpus_tables):
    t = corpus_tables
    docs = t["documents"].set_index("file")
    assert docs.loc["heze-2018.txt", "is_partial"] and not docs.loc[
        "pingtan-2014-implementation-report-not-a-plan.txt", "is_plan"]
    default = set(emphasis(t["tasks"], t["task_domains"], t["documents"], n_boot=10)["file"])
    assert "heze-2018.txt" not in default and not any(f.startswith("pingtan-2014") for f in default)
    assert len(default) == 10
    partial = set(emphasis(t["tasks"], t["task_domains"], t["documents"], include_partial=True, n_boot=10)["file"])
    assert partial == default | {"heze-2018.txt"}
    # The 2014 report has no tasks, so asking for non-plans cannot bring it in.
    assert docs.loc["pingtan-2014-implementation-report-not-a-plan.txt", "n_tasks"] == 0
    non_plans = set(select_plans(t["documents"], t["tasks"], include_non_plans=True)["file"])
    assert non_plans == default
    relabelled = t["documents"].assign(is_plan=t["documents"]["is_plan"].mask(t["documents"]["file"] == "lishui-2020.txt", False))
    assert "lishui-2020.txt" not in set(emphasis(t["tasks"], t["task_domains"], relabelled, n_boot=10)["file"])
    assert "lishui-2020.txt" in set(emphasis(t["tasks"], t["task_domains"], relabelled, include_non_plans=True,
                                             n_boot=10)["file"])


def test_real_results_do_not_depend_on_row_order_or_other_plans(corpus_tables):
    t = corpus_tables
    full = emphasis(t["tasks"], t["task_domains"], t["documents"], n_boot=500)
    mixed = emphasis(*(shuffled(t[n], 7) for n in ("tasks", "task_domains", "documents")), n_boot=500)
    pd.testing.assert_frame_equal(full, mixed)
    alone = emphasis(t["tasks"].query("file == 'lishui-2020.txt'"), t["task_domains"], t["documents"], n_boot=500)
    intervals = ["task_share_lo", "task_share_hi", "char_share_lo", "char_share_hi"]
    pd.testing.assert_frame_equal(alone[intervals], full.query("file == 'lishui-2020.txt'")[intervals]
                                  .reset_index(drop=True))


def test_the_seed_drives_the_intervals(seed_tables):
    t = seed_tables
    a, b, c = (emphasis(t["tasks"], t["task_domains"], t["documents"], n_boot=300, seed=s) for s in (1, 1, 2))
    pd.testing.assert_frame_equal(a, b)
    assert (a["task_share"] == c["task_share"]).all()
    assert not a["task_share_hi"].equals(c["task_share_hi"])


def test_shares_computed_beforehand_are_used_where_they_match_and_change_nothing(corpus_tables, monkeypatch):
    """The pipeline passes each plan's bootstrap from its document cache; a stale one (other
    replicates) is recomputed, and the tables are those computed from scratch."""
    import importlib

    module = importlib.import_module("analysis.measure.emphasis")  # the module, not the function of that name
    t = corpus_tables
    made, real = {}, module.plan_bootstrap

    def recording(file, *args, **kwargs):
        made[file] = real(file, *args, **kwargs)
        return made[file]

    monkeypatch.setattr(module, "plan_bootstrap", recording)
    args = (t["tasks"], t["task_domains"], t["documents"], CODEBOOK)
    scratch = emphasis(*args, n_boot=N_BOOT), emphasis_groups(*args, n_boot=N_BOOT)
    files = sorted(made)
    assert len(files) >= 4
    given_shares = {f: made[f] for f in files[:-2]} | {files[-1]: {**made[files[-1]], "n_boot": N_BOOT + 1}}
    made.clear()
    again = emphasis(*args, n_boot=N_BOOT, shares=given_shares), emphasis_groups(*args, n_boot=N_BOOT,
                                                                                  shares=given_shares)
    assert sorted(made) == files[-2:]  # the one not given and the stale one, computed once per table
    for before, after in zip(scratch, again):
        pd.testing.assert_frame_equal(before, after)
