"""Figure-ready frames (analysis.viz.frames) and the synthetic measure tables the viz tests share.

The other tests/test_viz_*.py modules import the builders below (`from test_viz_frames import ...`):
small hand-built frames with exactly the columns analysis.measure produces, shaped to hit the
cases the charts must get right (a year without a plan, a region with one plan, 'unclassified'
in one plan only, two levels of government).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.domains import load_codebook
from analysis.viz import frames
from analysis.viz.labels import em_width, wrap

EMPHASIS_COLUMNS = ["file", "region", "parent", "province", "level", "plan_year", "domain", "domain_group", "task_count",
                    "n_tasks", "task_share", "task_share_lo", "task_share_hi", "char_share", "char_share_lo",
                    "char_share_hi", "rank", "corpus_mean_share", "diff_from_mean"]
TERMS_COLUMNS = ["group_by", "group", "term", "count", "log_odds", "z", "rank"]
SIMILARITY_COLUMNS = ["file_a", "file_b", "region_a", "region_b", "year_a", "year_b", "cosine"]
TOPIC_COLUMNS = ["topic", "n_tasks", "top_terms", "example_task_ids", "example_headings", "matched_domain",
                 "domain_similarity"]

#: (file, region, province, level, plan_year, n_tasks): 福建省 has no 2018 plan (a gap), 丽水市 one plan.
PLANS = [
    ("fujian-2016.txt", "福建省", "福建省", "province", 2016, 20),
    ("fujian-2017.txt", "福建省", "福建省", "province", 2017, 16),
    ("fujian-2019.txt", "福建省", "福建省", "province", 2019, 12),
    ("lishui-2020.txt", "丽水市", "浙江省", "city", 2020, 10),
    ("pingtan-2021.txt", "平潭综合实验区", "福建省", "county", 2021, 15),
    ("pingtan-2022.txt", "平潭综合实验区", "福建省", "county", 2022, 18),
]
CB = load_codebook()


def synthetic_emphasis(seed: int = 0) -> pd.DataFrame:
    """One row per plan × domain (19 codebook domains, 'unclassified' in pingtan-2021 only)."""
    rng = np.random.default_rng(seed)
    rows = []
    for file, region, province, level, year, n in PLANS:
        domains = [*CB.ids, "unclassified"] if file == "pingtan-2021.txt" else list(CB.ids)
        counts = rng.multinomial(n, rng.dirichlet(np.ones(len(domains)) * 0.7)).astype(float)
        shares = counts / n
        chars = rng.dirichlet(counts + 0.1)
        order = sorted(range(len(domains)), key=lambda k: (-shares[k], k))
        for k, d in enumerate(domains):
            rows.append({
                "file": file, "region": region, "parent": None, "province": province, "level": level, "plan_year": year,
                "domain": d, "domain_group": "none" if d == "unclassified" else CB.group_of(d),
                "task_count": counts[k], "n_tasks": int(counts[k]), "task_share": shares[k],
                "task_share_lo": max(0.0, shares[k] - 0.08), "task_share_hi": min(1.0, shares[k] + 0.1),
                "char_share": chars[k], "char_share_lo": max(0.0, chars[k] - 0.05),
                "char_share_hi": min(1.0, chars[k] + 0.05), "rank": order.index(k) + 1,
            })
    df = pd.DataFrame(rows)
    df["corpus_mean_share"] = df.groupby("domain")["task_share"].transform("sum") / len(PLANS)
    df["diff_from_mean"] = df["task_share"] - df["corpus_mean_share"]
    return df[EMPHASIS_COLUMNS]


def synthetic_documents() -> pd.DataFrame:
    """Documents rows for the plans plus an excluded report and a truncated plan."""
    rows = [{"file": f, "region": r, "province": p, "level": lv, "plan_year": y, "is_plan": True,
             "is_partial": False, "failed": False, "n_tasks": n} for f, r, p, lv, y, n in PLANS]
    rows.append({"file": "pingtan-2014-report.txt", "region": "平潭综合实验区", "province": "福建省", "level": "county",
                 "plan_year": 2014, "is_plan": False, "is_partial": False, "failed": False, "n_tasks": 0})
    rows.append({"file": "heze-2018.txt", "region": "菏泽市", "province": "山东省", "level": "city",
                 "plan_year": 2018, "is_plan": True, "is_partial": True, "failed": False, "n_tasks": 22})
    return pd.DataFrame(rows)


def synthetic_tasks(emphasis: pd.DataFrame | None = None) -> pd.DataFrame:
    """Tasks whose primary domains follow each plan's task counts (headings name plan and domain)."""
    emphasis = synthetic_emphasis() if emphasis is None else emphasis
    rows = []
    for (file, region, year), part in emphasis.groupby(["file", "region", "plan_year"], sort=True):
        k = 0
        for d, c in zip(part["domain"], part["n_tasks"], strict=True):
            for _ in range(int(c)):
                k += 1
                rows.append({"task_id": f"{file}#{k:04d}", "file": file, "region": region, "plan_year": year,
                             "heading": f"{region}{year}的{d}任务{k}" if k % 5 else "",
                             "content": f"推进{d}信息公开，第{k}项任务的正文", "primary_domain": d})
    return pd.DataFrame(rows)


def synthetic_terms(group_by: str = "region") -> pd.DataFrame:
    """Top terms per group with decreasing z (rank 1 = highest)."""
    groups = (sorted({p[1] for p in PLANS}) if group_by == "region" else sorted({str(p[4]) for p in PLANS}))
    rows = []
    for g_index, group in enumerate(groups):
        for rank in range(1, 13):
            z = 4.0 - 0.25 * rank + 0.1 * g_index
            rows.append({"group_by": group_by, "group": group, "term": f"词{g_index}{rank:02d}", "count": 20 - rank,
                         "log_odds": z / 3, "z": z, "rank": rank})
    return pd.DataFrame(rows)[TERMS_COLUMNS]


def synthetic_similarity() -> pd.DataFrame:
    """Every pair of plans once (file_a < file_b), cosine in (0, 1)."""
    rng = np.random.default_rng(1)
    plans = sorted(PLANS)
    rows = []
    for i, a in enumerate(plans):
        for b in plans[i + 1:]:
            rows.append({"file_a": a[0], "file_b": b[0], "region_a": a[1], "region_b": b[1], "year_a": a[4],
                         "year_b": b[4], "cosine": round(float(rng.uniform(0.1, 0.6)), 6)})
    return pd.DataFrame(rows)[SIMILARITY_COLUMNS]


def synthetic_topics() -> pd.DataFrame:
    """Topics as TopicModel.topics returns them (lists in cells)."""
    matched = ["finance", "platforms", "interpretation", "environment", "platforms", "on_request"]
    rows = [{"topic": k + 1, "n_tasks": 30 - 4 * k, "top_terms": [f"主题{k}词{j}" for j in range(10)],
             "example_task_ids": [f"fujian-2016.txt#{k + 1:04d}"], "example_headings": [f"示例任务{k}"],
             "matched_domain": d, "domain_similarity": 0.2 + 0.05 * k} for k, d in enumerate(matched)]
    return pd.DataFrame(rows)[TOPIC_COLUMNS]


def synthetic_tables() -> dict[str, pd.DataFrame]:
    e = synthetic_emphasis()
    return {"emphasis": e, "documents": synthetic_documents(), "tasks": synthetic_tasks(e),
            "distinctive_terms": pd.concat([synthetic_terms("region"), synthetic_terms("plan_year")],
                                           ignore_index=True),
            "similarity": synthetic_similarity(), "topics": synthetic_topics()}


# --- the synthetic frames themselves ---------------------------------------------------------

def test_synthetic_emphasis_is_shaped_like_the_measure():
    e = synthetic_emphasis()
    assert list(e.columns) == EMPHASIS_COLUMNS
    sums = e.groupby("file")["task_share"].sum()
    assert np.allclose(sums, 1.0)
    assert (e["task_share_lo"] <= e["task_share"]).all() and (e["task_share"] <= e["task_share_hi"]).all()
    assert set(e.loc[e["domain"] == "unclassified", "file"]) == {"pingtan-2021.txt"}


# --- plans and domains ----------------------------------------------------------------------

def test_plans_are_ordered_by_level_region_and_year_with_labels():
    p = frames.plans(synthetic_emphasis().sample(frac=1, random_state=3))
    assert list(p["label"]) == ["福建省 2016", "福建省 2017", "福建省 2019", "丽水市 2020",
                                "平潭综合实验区 2021", "平潭综合实验区 2022"]


def test_plans_take_levels_from_documents_when_the_frame_has_none():
    e = synthetic_emphasis().drop(columns="level")
    assert frames.plans(e, synthetic_documents())["label"].iloc[0] == "福建省 2016"


def test_two_plans_of_one_region_and_year_get_distinct_labels():
    e = pd.DataFrame({"file": ["a.txt", "b.txt"], "region": ["丽水市", "丽水市"], "plan_year": [2020, 2020]})
    labels = list(frames.plans(e)["label"])
    assert len(set(labels)) == 2 and all(label.startswith("丽水市 2020") for label in labels)


def test_a_plan_for_several_years_is_labelled_with_its_span():
    """A five-year action plan filed under the year it was issued is no annual plan of that year:
    its rows say 舟山市 2021–2025, not 舟山市 2022 (the span from documents.plan_span)."""
    e = pd.DataFrame({"file": ["a.txt", "b.txt"], "region": ["舟山市", "舟山市"], "plan_year": [2022, 2022]})
    docs = e.assign(plan_span=["2021–2025", None], province="浙江省", parent=None, level="city")
    assert list(frames.plans(e, docs)["label"]) == ["舟山市 2021–2025", "舟山市 2022"]
    assert frames.plans(e)["label"].str.startswith("舟山市 2022").all()  # without documents: the year
    assert frames.year_notes(e, "zh", docs) == ("多年计划绘于其印发年份（或首年）：舟山市 2021–2025（2022）",)
    assert frames.year_notes(e, "en", docs) == (
        "plans for several years drawn at the year issued (or their first): 舟山市 2021–2025 (2022)",)
    assert frames.year_notes(e, "zh") == ()


def test_domain_order_is_codebook_order_then_unclassified_and_unknown_fails():
    assert frames.domain_order(["unclassified", *reversed(CB.ids)]) == [*CB.ids, "unclassified"]
    with pytest.raises(ValueError, match="not in the codebook"):
        frames.domain_order(["finance", "astrology"])


def test_group_runs_split_policy_process_and_unclassified():
    assert frames.group_runs([*CB.ids, "unclassified"]) == [("policy", 0, 11), ("process", 12, 18), ("none", 19, 19)]


def test_share_matrix_is_the_pivot_of_task_share_with_absent_unclassified_as_zero():
    e = synthetic_emphasis()
    m = frames.share_matrix(e)
    expected = e.pivot(index="file", columns="domain", values="task_share").fillna(0.0)
    files = list(frames.plans(e)["file"])
    assert np.allclose(m.to_numpy(), expected.loc[files, list(m.columns)].to_numpy())
    assert list(m.columns) == [*CB.ids, "unclassified"]
    assert np.allclose(m.sum(axis=1), 1.0)


def test_similarity_matrix_is_symmetric_with_unit_diagonal():
    s = synthetic_similarity()
    m = frames.similarity_matrix(s)
    values = m.to_numpy()
    assert np.allclose(values, values.T) and np.allclose(np.diag(values), 1.0)
    first = s.iloc[0]
    a = frames.plan_label(first["region_a"], first["year_a"])
    b = frames.plan_label(first["region_b"], first["year_b"])
    assert m.loc[a, b] == pytest.approx(first["cosine"])


def test_example_headings_fall_back_to_content():
    tasks = synthetic_tasks()
    out = frames.example_headings(tasks, n=3)
    assert all(1 <= len(v) <= 3 for v in out.values())
    no_heading = tasks[tasks["heading"] == ""].iloc[0]
    items = out.get((no_heading["file"], no_heading["primary_domain"]), [])
    assert not items or all(items)


def test_chart_tasks_keep_what_charts_read_and_draw_the_same_hover_text():
    tasks = synthetic_tasks().assign(content=lambda d: d["heading"] + "。" + "具体内容" * 30, extra="x" * 500)
    files = sorted(tasks["file"].unique())[:2]
    narrow = frames.chart_tasks(tasks, files)
    assert "extra" not in narrow.columns and set(narrow["file"]) == set(files)
    assert narrow["content"].str.len().max() <= 40
    measured = tasks[tasks["file"].isin(files)]
    assert frames.example_headings(narrow) == frames.example_headings(measured)
    assert frames.plan_rows(narrow).equals(frames.plan_rows(measured))
    assert frames.chart_tasks(None) is None and len(frames.chart_tasks(tasks)) == len(tasks)


# --- source notes ---------------------------------------------------------------------------

@pytest.mark.parametrize("lang, expected", [
    ("zh", ["数据：6 份工作要点（2016–2022 年）", "地区（3）：福建省、丽水市、平潭综合实验区",
            "未纳入：菏泽市 2018（文本不完整）、平潭综合实验区 2014（非工作要点）"]),
    ("en", ["Data: 6 plans (2016–2022)", "regions (3): 福建省, 丽水市, 平潭综合实验区",
            "excluded: 菏泽市 2018 (partial text), 平潭综合实验区 2014 (not a plan)"]),
])
def test_source_note_counts_plans_regions_years_and_exclusions(lang, expected):
    note = frames.source_note(synthetic_emphasis(), lang, synthetic_documents())
    for part in expected:
        assert part in note


@pytest.mark.parametrize("lang, reason", [("zh", "丽水市 2020（同一地区同年要点的副本，只计一次）"),
                                          ("en", "丽水市 2020 (a copy of another plan of that region and year")])
def test_source_note_names_a_copy_of_a_measured_plan_as_such(lang, reason):
    docs = synthetic_documents()
    mirror = docs[docs["file"] == "lishui-2020.txt"].assign(file="lishui-2020-mirror.html")
    note = frames.source_note(synthetic_emphasis(), lang, pd.concat([docs, mirror], ignore_index=True))
    assert reason in note
    assert ("数据：6 份工作要点" if lang == "zh" else "Data: 6 plans") in note


@pytest.mark.parametrize("lang, reason", [("zh", "template.txt（地区不明）"), ("en", "template.txt (region unknown)")])
def test_source_note_names_a_plan_without_a_region_as_such(lang, reason):
    docs = synthetic_documents()
    nowhere = docs[docs["file"] == "lishui-2020.txt"].assign(file="template.txt", region=None, parent=None,
                                                              province=None)
    note = frames.source_note(synthetic_emphasis(), lang, pd.concat([docs, nowhere], ignore_index=True))
    assert reason in note


def test_source_note_without_documents_names_no_exclusions():
    assert "未纳入" not in frames.source_note(synthetic_emphasis(), "zh")


def test_source_note_for_groups_only():
    note = frames.source_note(None, "en", groups=("region", ["a", "b"]))
    assert note.startswith("regions (2): a, b")


# --- wrapping -------------------------------------------------------------------------------

@pytest.mark.parametrize("text, width", [("安全生产、应急与公共安全", 6), ("Major projects, public resources & state assets", 12),
                                         ("数据：10 份工作要点（2016–2022 年）；地区（6）：福建省、丽水市", 15)])
def test_wrap_keeps_every_line_within_the_width_and_loses_no_text(text, width):
    lines = wrap(text, width).split("\n")
    assert all(em_width(line) <= width for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


def test_wrap_cuts_with_an_ellipsis_at_max_lines():
    out = wrap("Major projects, public resources & state assets", 10, max_lines=2)
    assert out.count("\n") == 1 and out.endswith("…")


def stored_topics() -> pd.DataFrame:
    """Topics as the pipeline stores them: lists joined with LIST_SEP, nullable ints, the chosen k."""
    from analysis.schemas import LIST_SEP

    t = synthetic_topics()
    for col in ("top_terms", "example_task_ids", "example_headings"):
        t[col] = t[col].map(LIST_SEP.join)
    return t.assign(k=len(t)).astype({"topic": "Int64", "n_tasks": "Int64", "k": "Int64"})


def test_list_cells_read_the_same_fitted_or_stored():
    fitted, stored = synthetic_topics(), stored_topics()
    assert [frames.as_list(x) for x in stored["top_terms"]] == [list(x) for x in fitted["top_terms"]]
    assert frames.as_list("") == [] and frames.as_list(None) == [] and frames.as_list(float("nan")) == []


def test_namesakes_get_their_own_series_rows_and_count():
    """Two 鼓楼区 (of 南京市 and 徐州市): two series, two heatmap rows, two regions in the source note."""
    e = synthetic_emphasis()
    e = e[e["file"].isin(["fujian-2016.txt", "fujian-2017.txt", "lishui-2020.txt"])].copy()
    e["region"] = e["file"].map({"fujian-2016.txt": "鼓楼区", "fujian-2017.txt": "鼓楼区", "lishui-2020.txt": "丽水市"})
    e["parent"] = e["file"].map({"fujian-2016.txt": "南京市", "fujian-2017.txt": "徐州市"})
    e["province"] = e["file"].map({"fujian-2016.txt": "江苏省", "fujian-2017.txt": "江苏省", "lishui-2020.txt": "浙江省"})
    long = frames.emphasis_long(e)
    assert set(long["region"]) == {"鼓楼区（南京市）", "鼓楼区（徐州市）", "丽水市"}
    assert sorted(frames.share_matrix(e).index) == ["丽水市 2020", "鼓楼区（南京市） 2016", "鼓楼区（徐州市） 2017"]
    assert "地区（3）" in frames.source_note(e, "zh")
    unchanged = synthetic_emphasis()
    assert frames.emphasis_long(unchanged)["region"].tolist() == \
        frames.emphasis_long(unchanged.drop(columns=["parent", "province"]))["region"].tolist()
