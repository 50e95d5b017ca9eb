"""Benchmarks' synthetic corpora, and the scale paths of the build: results do not depend on the
number of workers or on the build history, and the large-corpus measures agree with the exact ones."""
from __future__ import annotations

import os
import shutil

import numpy as np
import pandas as pd
import pytest

from analysis import pipeline
from benchmarks.synthetic import MARK, extra_plan, generate

N = 12


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return generate(N, tmp_path_factory.mktemp("corpus"))


def processed(folder) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def build(raw, work, workers):
    return pipeline.build(raw, work / "processed", work / "reports", work / "cache", workers=workers, figures=False,
                          report=False)


def test_the_generator_is_deterministic_and_marks_every_file_synthetic(corpus, tmp_path):
    again = generate(N, tmp_path / "again")
    assert processed(again) == processed(corpus)
    plans = sorted(corpus.glob("*.txt"))
    assert len(plans) == N
    assert all(p.read_text(encoding="utf-8").startswith(MARK + "\n") for p in plans)
    assert generate(N, tmp_path / "other", seed=7).joinpath("manifest.csv").read_bytes() != \
        (corpus / "manifest.csv").read_bytes()


def test_synthetic_plans_parse_with_invented_regions_flagged(corpus):
    from analysis.ingest import parse_file

    for path in sorted(corpus.glob("*.txt"))[:4]:
        doc = parse_file(path)
        assert doc.region and not doc.region_in_table
        assert doc.plan_year in range(2016, 2025) and doc.is_plan and not doc.is_partial
        assert 15 <= len(doc.tasks) <= 60
        assert any("not in the region table" in w for w in doc.warnings)


def test_synthetic_plans_never_go_to_data_raw():
    from analysis import config

    with pytest.raises(ValueError, match="data/raw"):
        generate(2, config.RAW_DIR)


def test_one_and_two_workers_give_identical_bytes(corpus, tmp_path):
    one = build(corpus, tmp_path / "one", 1)
    two = build(corpus, tmp_path / "two", 2)
    assert one.n_documents == two.n_documents == N and not one.failed
    assert processed(tmp_path / "one" / "processed") == processed(tmp_path / "two" / "processed")
    # the invented regions sit in real provinces (overrides.csv), so the province means are measured
    docs = pd.read_parquet(tmp_path / "one" / "processed" / "documents.parquet")
    assert docs["province"].str.endswith(("省", "市", "自治区")).all() and not docs["region_in_table"].any()
    means = pd.read_parquet(tmp_path / "one" / "processed" / "emphasis_means.parquet")
    assert set(means.loc[means["group_by"] == "province", "group"]) == set(docs["province"])


def test_the_build_loads_the_dictionary_once_for_all_its_workers(corpus, tmp_path, monkeypatch):
    """The build process loads the segmenter's dictionary before forking: the workers inherit it
    instead of each reading it, and the measures (the topics' keywords) find it loaded."""
    from analysis.text import segment, wordfreq

    log, read = tmp_path / "loads", wordfreq.read

    def logged(path):
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(f"{os.getpid()}\n")
        return read(path)

    monkeypatch.setattr(wordfreq, "read", logged)
    segment._dictionary.cache_clear()  # as in a new process: nothing loaded, no block memoised
    segment.tokenizer.cache_clear()
    segment._MEMO.clear()
    assert not build(corpus, tmp_path / "two", 2).failed
    assert log.read_text(encoding="utf-8").split() == [str(os.getpid())]


def test_a_rebuild_after_one_new_plan_equals_a_full_build(corpus, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(corpus, raw)
    build(raw, tmp_path / "incremental", 2)
    new = extra_plan(raw)
    summary = build(raw, tmp_path / "incremental", 2)
    assert summary.processed == [new.name]
    build(raw, tmp_path / "full", 2)
    assert processed(tmp_path / "incremental" / "processed") == processed(tmp_path / "full" / "processed")


def test_a_measured_build_tells_the_cpu_of_the_build_process_from_that_of_its_workers(corpus, tmp_path):
    """What the benchmark reports beside a rebuild's wall time: the CPU the build process spent
    (its sampling thread left out) and the CPU of the worker processes it forked and ended."""
    from benchmarks.run import _cpu, _measured

    two = _measured(corpus, tmp_path / "two", workers=2, figures=False)
    one = _measured(corpus, tmp_path / "one", workers=1, figures=False)
    assert two["cpu"]["workers"] > 0.5 * two["seconds"]["cpu"]  # the documents were parsed in the workers
    assert one["cpu"]["workers"] == pytest.approx(0, abs=0.05)  # one worker: nothing forked
    assert one["cpu"]["build"] > two["cpu"]["build"] > 0
    assert _cpu(two).startswith(f"; CPU {two['cpu']['build']:.1f} s in the build process")


@pytest.mark.parametrize("dense_max_bytes", [0, 2**30], ids=["svd-candidates", "dense-exact"])
def test_top_k_similarity_keeps_each_plans_nearest_with_exact_cosines(corpus_tables, dense_max_bytes):
    from analysis.measure import plan_similarity

    tasks, docs = corpus_tables["tasks"], corpus_tables["documents"]
    every = plan_similarity(tasks, docs).set_index(["file_a", "file_b"])["cosine"]
    near = plan_similarity(tasks, docs, all_pairs_max=3, top_k=2, dense_max_bytes=dense_max_bytes)
    near = near.set_index(["file_a", "file_b"])["cosine"]
    assert (near == every.loc[near.index]).all()
    both = pd.concat([every.rename_axis(["x", "y"]).reset_index(),
                      every.rename_axis(["y", "x"]).reset_index()])
    for file, group in both.groupby("x"):
        best = set(group.sort_values("cosine", ascending=False, kind="mergesort")["y"].head(2))
        kept = {b for a, b in near.index if a == file} | {a for a, b in near.index if b == file}
        assert best <= kept, file


def test_a_sampled_topic_model_assigns_every_task_whatever_the_row_order(corpus_tables, tmp_path):
    from analysis.domains import TopicModel

    tasks = corpus_tables["tasks"]
    tasks = tasks[tasks["content"].str.len() > 0]
    a = TopicModel(max_fit_tasks=150, memory=tmp_path).fit(tasks)
    b = TopicModel(max_fit_tasks=150, memory=tmp_path).fit(tasks.sample(frac=1, random_state=2))
    assert a.k_ in a.large_k_range
    assert len(a.assignments()) == len(tasks)
    pd.testing.assert_frame_equal(a.assignments(), b.assignments())
    assert len(list(tmp_path.glob("topics-*.pkl"))) == 1  # the second fit read the first one's model
    np.testing.assert_array_equal(a.nmf_.components_, b.nmf_.components_)


def test_a_kept_topic_model_is_fitted_again_when_the_topic_code_changes(corpus_tables, tmp_path, monkeypatch):
    from analysis.domains import TopicModel, topics

    tasks = corpus_tables["tasks"]
    tasks = tasks[tasks["content"].str.len() > 0]
    TopicModel(max_fit_tasks=150, memory=tmp_path).fit(tasks)
    first = {p.name for p in tmp_path.glob("topics-*.pkl")}
    monkeypatch.setattr(topics, "_SOURCE", topics._SOURCE + b"\n# an edit\n")
    TopicModel(max_fit_tasks=150, memory=tmp_path).fit(tasks)
    second = {p.name for p in tmp_path.glob("topics-*.pkl")}
    assert len(first) == len(second) == 1 and first != second


def test_top_columns_breaks_ties_towards_the_lower_column():
    import numpy as np
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from analysis.measure.similarity import top_columns

    @settings(max_examples=200, deadline=None)
    @given(st.lists(st.lists(st.sampled_from([0.0, 0.25, 0.5, 0.5 + 1e-15, 1.0]), min_size=6, max_size=6),
                    min_size=1, max_size=5), st.integers(1, 5))
    def check(rows, k):
        values = np.array(rows)
        got = top_columns(values, k)
        for row, cols in zip(np.round(values, 12), got):
            expected = sorted(range(len(row)), key=lambda c: (-row[c], c))[:k]
            assert sorted(cols) == sorted(expected)

    check()


def test_corpus_measures_copy_only_the_columns_they_read(corpus_tables, tmp_path):
    """The corpus stage takes plans' tasks (and tasks with text) as a column subset: same tables as
    when it is given exactly those tasks whole (the development corpus holds a report that is not a plan)."""
    from analysis.corpus import corpus_tables as measures
    from analysis.corpus import topic_tables

    t = {k: v for k, v in corpus_tables.items()}
    docs = t["documents"]
    plans = set(docs.loc[docs["is_plan"].fillna(False) & ~docs["failed"].fillna(False)
                         & ~docs["is_partial"].fillna(False), "file"])
    assert not t["tasks"]["file"].isin(plans).all()
    only = {**t, "tasks": t["tasks"][t["tasks"]["file"].isin(plans)].reset_index(drop=True)}
    got = measures(t, lineage=False, memory=tmp_path / "a")
    want = measures(only, lineage=False, memory=tmp_path / "b")
    assert sorted(got) == sorted(want)
    for name in got:
        pd.testing.assert_frame_equal(got[name].reset_index(drop=True), want[name].reset_index(drop=True), obj=name)

    tasks = only["tasks"]
    blank = tasks.head(3).assign(content="", task_id=lambda f: f["task_id"] + "-blank")
    with_blank = topic_tables(pd.concat([tasks, blank], ignore_index=True), memory=tmp_path / "c")
    for name, frame in topic_tables(tasks, memory=tmp_path / "d").items():
        pd.testing.assert_frame_equal(with_blank[name], frame, obj=name)


def test_ratio_b_is_the_median_of_the_pairs_with_their_range():
    from benchmarks.run import ratios

    result = {"full": {"wall": 10.0, "seconds": {"documents": 2.0}}, "rebuild": {"wall": 1.0},
              "single": {"wall": 15.0, "seconds": {"documents": 3.0}}}
    assert ratios(result)["per_document_speedup"] == pytest.approx(1.5)  # one pair: the main builds
    paired = ratios({**result, "speedups": [1.5, 1.8, 1.6]})
    assert paired["per_document_speedup"] == pytest.approx(1.6)
    assert paired["per_document_speedup_range"] == pytest.approx([1.5, 1.8])
    watched = ratios({**result, "watch": {"wall": 0.4, "walls": [0.5, 0.4, 0.2]}})  # the median run's wall
    assert watched["rebuild_share_watch"] == pytest.approx(0.04)
    assert watched["rebuild_share_watch_range"] == pytest.approx([0.02, 0.05])


def test_a_sampled_topic_models_weights_are_kept_per_group_and_only_a_changed_plans_group_is_transformed(
        corpus_tables, tmp_path, monkeypatch):
    from sklearn.decomposition import NMF

    from analysis.domains import TopicModel

    tasks = corpus_tables["tasks"]
    tasks = tasks[tasks["content"].str.len() > 0].reset_index(drop=True)
    calls = []
    transform = NMF.transform
    monkeypatch.setattr(NMF, "transform", lambda self, x: calls.append(x.shape[0]) or transform(self, x))
    first = TopicModel(max_fit_tasks=150, memory=tmp_path).fit(tasks)
    groups = len(calls)
    assert groups >= 2 and sum(calls) == len(tasks)  # every task once, in groups of whole plans
    calls.clear()
    again = TopicModel(max_fit_tasks=150, memory=tmp_path).fit(tasks)
    assert calls == []  # every group's weights read back
    np.testing.assert_array_equal(again.weights_, first.weights_)
    np.testing.assert_array_equal(TopicModel(max_fit_tasks=150).fit(tasks).weights_, first.weights_)  # as without memory

    sampled = set(tasks.loc[TopicModel(max_fit_tasks=150)._sample(tasks, "task_id"), "file"])
    other = sorted(set(tasks["file"]) - sampled)[0]  # a plan outside the fitted sample: the model stays
    edited = tasks.copy()
    row = edited.index[edited["file"] == other][0]
    edited.loc[row, "content"] = edited.loc[row, "content"] + "加强政务公开平台建设"
    calls.clear()
    changed = TopicModel(max_fit_tasks=150, memory=tmp_path).fit(edited)
    assert calls == [edited["file"].map(_group).eq(_group(other)).sum()]  # the edited plan's group only
    np.testing.assert_array_equal(changed.weights_, TopicModel(max_fit_tasks=150).fit(edited).weights_)
    assert len(list(tmp_path.glob("weights-*.npy"))) == groups  # the replaced group's file is gone


def _group(file: str) -> int:
    import hashlib

    from analysis.domains.topics import TRANSFORM_GROUPS

    return int(hashlib.sha256(file.encode()).hexdigest()[:8], 16) % TRANSFORM_GROUPS


def test_top_rows_is_the_head_of_a_stable_descending_sort():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from analysis.domains.topics import _top_rows

    @settings(max_examples=300, deadline=None)
    @given(st.lists(st.sampled_from([0.0, 0.1, 0.5, 0.5, 2.0]), min_size=0, max_size=30), st.integers(1, 6))
    def check(values, n):
        values = np.array(values, dtype=float)
        assert _top_rows(values, n).tolist() == np.argsort(-values, kind="stable")[:n].tolist()

    check()
