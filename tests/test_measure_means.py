"""Mean emphasis of groups of plans: hand-made plans, the real plans, and the charts' order."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.measure import emphasis, emphasis_means
from analysis.viz import frames


def plans_table() -> pd.DataFrame:
    """Three plans' emphasis rows in the emphasis table's layout: two in 浙江省, one without a province."""
    rows = [("a.txt", "浙江省", "city", 2020, {"finance": 0.5, "education": 0.5}),
            ("b.txt", "浙江省", "county", 2020, {"finance": 1.0}),  # no education row: counts 0
            ("c.txt", None, "county", 2021, {"education": 0.25, "unclassified": 0.75})]
    group = {"finance": "policy", "education": "policy", "unclassified": "none"}
    return pd.DataFrame([{"file": f, "region": f[0], "province": p, "level": lv, "plan_year": y, "domain": d,
                          "domain_group": group[d], "task_share": v}
                         for f, p, lv, y, shares in rows for d, v in shares.items()])


def test_means_count_each_plan_once_and_a_missing_domain_as_zero():
    m = emphasis_means(plans_table(), n_boot=200).set_index(["group_by", "group", "domain"])
    assert m.loc[("province", "浙江省", "finance"), "mean_share"] == pytest.approx(0.75)
    assert m.loc[("province", "浙江省", "education"), "mean_share"] == pytest.approx(0.25)
    assert m.loc[("province", "浙江省", "unclassified"), "mean_share"] == 0
    assert set(m.loc["province"].index.get_level_values("group")) == {"浙江省"}  # c.txt has no province
    assert m.loc[("level", "county", "education"), "mean_share"] == pytest.approx(0.125)
    assert (m.loc["level"].groupby("group")["n_plans"].first() == pd.Series({"city": 1, "county": 2})).all()
    one = m.loc[("plan_year", "2021")]
    assert (one["mean_share_lo"] == one["mean_share"]).all() and (one["mean_share_hi"] == one["mean_share"]).all()
    assert (m["mean_share_lo"] <= m["mean_share"]).all() and (m["mean_share"] <= m["mean_share_hi"]).all()
    sums = m.groupby(level=["group_by", "group"])["mean_share"].sum()
    assert np.allclose(sums, 1.0)  # each plan's shares sum to 1, so do the means


def test_a_plan_for_several_years_is_in_no_years_mean_but_in_its_provinces_and_levels():
    """A five-year action plan filed under 2020 (documents.plan_span) is no annual plan of 2020: the
    mean of 2020 is b.txt's alone, while 浙江省 and the city level still count it; the chart of the
    means by year says so. Without documents nothing tells it apart."""
    table = plans_table()
    documents = pd.DataFrame({"file": ["a.txt", "b.txt", "c.txt"], "plan_span": ["2020–2024", None, None]})
    m = emphasis_means(table, n_boot=100, documents=documents).set_index(["group_by", "group", "domain"])
    assert m.loc[("plan_year", "2020", "finance"), "mean_share"] == 1.0
    assert m.loc[("plan_year", "2020", "finance"), "n_plans"] == 1
    assert m.loc[("province", "浙江省", "finance"), "n_plans"] == 2
    assert m.loc[("level", "city", "finance"), "n_plans"] == 1
    plain = emphasis_means(table, n_boot=100).set_index(["group_by", "group", "domain"])
    assert plain.loc[("plan_year", "2020", "finance"), "n_plans"] == 2
    assert frames.means_notes("plan_year", "zh", table, documents)[1] == "多年计划不计入年份均值：a 2020–2024"
    assert frames.means_notes("plan_year", "en", table, documents)[1] == (
        "plans for several years are in no year's mean: a 2020–2024")
    assert len(frames.means_notes("province", "zh", table, documents)) == 1
    assert len(frames.means_notes("plan_year", "zh", table)) == 1


def test_a_groups_interval_depends_on_its_plans_only():
    table = plans_table()
    whole = emphasis_means(table, n_boot=300).set_index(["group_by", "group", "domain"])
    part = emphasis_means(table[table["file"] != "c.txt"], n_boot=300).set_index(["group_by", "group", "domain"])
    zhejiang = ("province", "浙江省")
    kept = part.loc[zhejiang]  # without c.txt no plan has 'unclassified': that column is gone
    pd.testing.assert_frame_equal(whole.loc[zhejiang].loc[kept.index], kept)
    assert emphasis_means(table, n_boot=300).equals(emphasis_means(table.sample(frac=1, random_state=2), n_boot=300))


def test_intervals_kept_in_memory_are_those_computed_and_only_changed_groups_are_resampled(tmp_path, monkeypatch):
    """With a memory folder the table is the same, and a second call resamples only the groups
    whose plans changed: b.txt's province, level and year (three groups of the five)."""
    from analysis.measure import groups

    calls = []
    resample = groups.resample_uniform
    monkeypatch.setattr(groups, "resample_uniform", lambda *a: calls.append(a) or resample(*a))
    table = plans_table()
    plain = emphasis_means(table, n_boot=200)
    assert len(calls) == 5  # 浙江省; city, county; 2020, 2021
    pd.testing.assert_frame_equal(emphasis_means(table, n_boot=200, memory=tmp_path), plain)
    calls.clear()
    pd.testing.assert_frame_equal(emphasis_means(table, n_boot=200, memory=tmp_path), plain)
    assert calls == []
    changed = table.copy()
    changed.loc[changed["file"] == "b.txt", "task_share"] = 0.75
    changed = pd.concat([changed, changed[changed["file"] == "b.txt"].assign(domain="education", task_share=0.25)])
    pd.testing.assert_frame_equal(emphasis_means(changed, n_boot=200, memory=tmp_path),
                                  emphasis_means(changed, n_boot=200))
    assert len(calls) == 3 + 5  # b.txt's three groups, then every group without memory
    (tmp_path / "means.pkl").write_bytes(b"not a pickle")  # an unreadable file is computed again
    pd.testing.assert_frame_equal(emphasis_means(table, n_boot=200, memory=tmp_path), plain)


def test_means_of_the_real_plans_are_the_plain_means_of_their_shares(corpus_tables):
    t = corpus_tables
    e = emphasis(t["tasks"], t["task_domains"], t["documents"], n_boot=200)
    means = emphasis_means(e, n_boot=200)
    wide = e.pivot_table(index="file", columns="domain", values="task_share", fill_value=0.0)
    by_level = wide.groupby(e.drop_duplicates("file").set_index("file")["level"]).mean()
    got = means[means["group_by"] == "level"].pivot(index="group", columns="domain", values="mean_share")
    pd.testing.assert_frame_equal(got.rename_axis(index="level").reindex(columns=by_level.columns), by_level,
                                  check_names=False)
    assert set(frames.mean_groups(means)) >= {"province", "level", "plan_year"}


def test_charts_order_levels_from_the_top_and_provinces_by_administrative_code():
    base = plans_table()
    means = emphasis_means(pd.concat([base.assign(file=base["file"] + str(k), province=p)
                                      for k, p in enumerate(["云南省", "北京市", "浙江省"])]), n_boot=50)
    rows = frames.means_matrices(means, "province", "zh")["mean"].index
    assert [r.split(" ")[0] for r in rows] == ["北京市", "浙江省", "云南省"]  # 11…, 33…, 53…
    levels = frames.means_matrices(means, "level", "en")
    assert list(levels["mean"].index) == ["prefecture level (n = 3)", "county level (n = 6)"]
    assert list(levels["mean"].columns) == frames.domain_order(means["domain"])


def test_a_zones_plan_is_a_level_of_its_own_after_the_counties():
    """A development zone's plan (兰州新区管委会: level zone) is no district's or county's: the means by
    level keep it apart, and the charts list it after the county level."""
    from analysis.ingest.document import parser

    doc = parser().parse_text("兰州新区管理委员会办公室关于印发2022年政务公开工作要点的通知\n各部门：\n"
                              "2022年政务公开工作要点\n一、做好财政预算公开。\n（责任单位：财政局）\n", "zone.txt")
    base = plans_table()
    means = emphasis_means(pd.concat([base, base[base["file"] == "b.txt"].assign(file="z.txt", level=doc.level)]),
                           n_boot=50)
    n_plans = means[means["group_by"] == "level"].groupby("group")["n_plans"].first()
    assert n_plans.to_dict() == {"city": 1, "county": 2, "zone": 1}
    assert list(frames.means_matrices(means, "level", "en")["mean"].index) == [
        "prefecture level (n = 1)", "county level (n = 2)", "development zones and new areas (n = 1)"]
