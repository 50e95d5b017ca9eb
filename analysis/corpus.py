"""Corpus-level tables computed from the per-document ones: emphasis and its comparisons,
distinctive vocabulary, plan similarity, topic clusters and lineage."""
from __future__ import annotations

import numpy as np
import pandas as pd

from . import config
from .schemas import LIST_SEP, Table, _c, check, register

TOPICS = register(Table("topics", "Topic clusters discovered in the tasks (NMF on TF-IDF of segmented text).",
                        ("topic",), (
    _c("topic", "int", "topic number, from 1", False),
    _c("n_tasks", "int", "tasks whose strongest topic this is"),
    _c("top_terms", "string", f"ten highest-weighted terms joined with '{LIST_SEP}'"),
    _c("example_task_ids", "string", f"most representative tasks joined with '{LIST_SEP}'"),
    _c("example_headings", "string", f"their headings joined with '{LIST_SEP}'"),
    _c("matched_domain", "string", "codebook domain whose keywords are closest to the topic's terms"),
    _c("domain_similarity", "float", "cosine between topic terms and that domain's keywords (low: a theme the codebook does not name)"),
    _c("k", "int", "number of topics chosen (highest mean NPMI coherence)"),
)))
TOPIC_ASSIGNMENTS = register(Table("topic_assignments", "Each task's strongest topic.", ("task_id",), (
    _c("task_id", "string", "task key", False),
    _c("topic", "int", "topic number, from 1 (-1: no topic terms)"),
    _c("topic_weight", "float", "NMF weight of that topic"),
)))


#: The task columns the corpus measures read: a subset of plans' tasks is copied with these only
#: (at 20,000 plans every column of the tasks table is about 1 GB), and without the content when
#: the term counts are given (the content alone is 300 MB there).
MEASURED_COLUMNS = ("task_id", "file", "region", "plan_year", "heading", "content")


def _subset(frame: pd.DataFrame, rows, names) -> pd.DataFrame:
    """`rows` (a boolean mask) of the columns `names` that `frame` has, filtered one column at a
    time: `.loc` on several Arrow string columns briefly held 1 GB more at 20,000 plans."""
    return pd.DataFrame({c: frame[c][rows] for c in names if c in frame.columns})


def _empty(name: str) -> pd.DataFrame:
    from .schemas import TABLES
    from .tables import frame

    return frame(name, []) if name in TABLES else pd.DataFrame()


def topic_tables(tasks: pd.DataFrame, random_state: int = 0, counts=None, memory=None,
                 codebook=None, rows=None, n_jobs: int | None = None) -> dict[str, pd.DataFrame]:
    """Topics and assignments for the tasks with content among `rows` (a boolean mask; all when
    None), e.g. the measured plans' (empty tables when there are too few tasks).

    `counts`, `memory` and `n_jobs` are passed to `TopicModel` (term counts by task_id; a folder that
    keeps fitted models; threads). With counts, the tasks fitted on are copied without their content."""
    from .domains import TopicModel

    with_text = tasks["content"].str.len().fillna(0).to_numpy() > 0
    if rows is not None:
        with_text &= np.asarray(rows, dtype=bool)
    columns = ("task_id", "file", "heading") + (("content",) if counts is None else ())
    usable = tasks if with_text.all() else _subset(tasks, with_text, columns)
    if len(usable) < 20:
        return {"topics": _empty("topics"), "topic_assignments": _empty("topic_assignments")}
    model = TopicModel(random_state=random_state, memory=memory, n_jobs=n_jobs).fit(usable, key="task_id", text="content",
                                                                     codebook=codebook, counts=counts)
    topics = model.topics(tasks)  # the examples' headings (or text) from the whole table
    for col in ("top_terms", "example_task_ids", "example_headings"):
        topics[col] = topics[col].map(lambda xs: LIST_SEP.join(map(str, xs)))
    topics["k"] = model.k_
    topics = topics.astype({"topic": "Int64", "n_tasks": "Int64", "k": "Int64"})
    assign = model.assignments().astype({"topic": "Int64"})
    return {"topics": check("topics", topics), "topic_assignments": check("topic_assignments", assign)}


def corpus_tables(tables: dict[str, pd.DataFrame], include_partial: bool = False, counts=None, shares=None,
                  memory=None, lineage: bool | None = None, workers: int | None = None) -> dict[str, pd.DataFrame]:
    """All corpus-level tables from documents, tasks, task_domains and citations.

    The lineage tables (`measure.lineage.lineage_tables`) are added when `lineage` is True, or
    when it is None and the corpus has at most `config.LINEAGE_AUTO_MAX_PLANS` plans.

    What the pipeline's per-document stage prepared makes this fast on large corpora without
    changing any result: `counts` (`analysis.text.counts.TermCounts` of every task, built
    from the cached token lists), `shares` ({file: `measure.emphasis.plan_bootstrap`}, cached per
    document) and `memory` (a folder where the topic model keeps its fitted sample model).
    The independent measures (emphasis, vocabulary, similarity, topics, lineage) run in `workers`
    forked processes, up to `config.MEASURE_FORK_MAX_PLANS` plans (`forks.run_forked`; the
    same results in one process), and `workers` threads fit the topic models.
    """
    from . import measure
    from .domains import default_classifier
    from .forks import run_forked
    from .text.counts import TermCounts

    codebook = default_classifier().codebook_  # parsed once per version of the file

    docs, tasks, td = tables["documents"], tables["tasks"], tables["task_domains"]
    duplicates = measure.duplicate_plans(docs, tasks)
    plans = measure.select_plans(docs, tasks, include_partial=include_partial, duplicates=duplicates)
    measured = tasks["file"].isin(set(plans["file"])).to_numpy()
    columns = MEASURED_COLUMNS if counts is None else [c for c in MEASURED_COLUMNS if c != "content"]
    plan_tasks = tasks if measured.all() else _subset(tasks, measured, columns)
    if counts is None:
        counts = TermCounts.from_texts(plan_tasks["task_id"].to_numpy(), plan_tasks["content"].to_numpy())

    def emphasis() -> dict[str, pd.DataFrame]:
        given = {"codebook": codebook, "include_partial": include_partial, "shares": shares, "plans": plans}
        out = {"emphasis": measure.emphasis(tasks, td, docs, **given),
               "emphasis_groups": measure.emphasis_groups(tasks, td, docs, **given)}
        out["emphasis_change"] = measure.emphasis_change(out["emphasis"], docs)
        out["emphasis_means"] = measure.emphasis_means(out["emphasis"], documents=docs, memory=memory)
        return out

    def vocabulary() -> dict[str, pd.DataFrame]:
        parts = [measure.distinctive_terms(plan_tasks, by=by, documents=docs, counts=counts)
                 for by in ("region", "plan_year") if plan_tasks[by].nunique() >= 2]
        return {"distinctive_terms": check("distinctive_terms", pd.concat(parts, ignore_index=True)) if parts else
                _empty("distinctive_terms")}

    # each worker takes the next job when done with one: similarity and the topics first (the longest
    # at 2,000 plans, 0.4 and 0.3 s; a refit of the topics, when a new plan enters their sample, more)
    jobs = [
        lambda: {"similarity": measure.plan_similarity(plan_tasks, docs, counts=counts)},
        lambda: topic_tables(tasks, counts=counts, memory=memory, codebook=codebook, rows=measured, n_jobs=workers),
        emphasis,
        vocabulary,
    ]
    if lineage or (lineage is None and len(plans) <= config.LINEAGE_AUTO_MAX_PLANS):
        from .measure.lineage import lineage_tables

        jobs.insert(0, lambda: lineage_tables(tables, duplicates=duplicates))
    processes = (workers or 1) if len(plans) <= config.MEASURE_FORK_MAX_PLANS else 1
    out = {"plan_duplicates": duplicates}
    for part in run_forked(jobs, processes):
        out.update(part)
    return out
