"""Topic discovery: NMF on TF-IDF of segmented task text, with k chosen by coherence.

Each topic gets its top terms, size, representative tasks and the codebook domain it
matches best (cosine between the topic's term weights and the domain's keywords), so a
researcher sees themes the codebook does not name. Results do not depend on the order
of the input: tasks are sorted by a stable key before fitting.

Large corpora: the model is fitted on at most `max_fit_tasks` tasks — whole plans (the
`sample_by` column), taken in the order of a hash of their name, so the sample does not
depend on row order and adding a plan rarely changes it — with `large_k_range` candidate
numbers of topics, and then every task is given its topic weights by `NMF.transform`, in
`TRANSFORM_GROUPS` groups of whole plans (by a hash of the plan's name) transformed apart.
With `memory` (a folder) the fitted sample model is kept on disk by a hash of its input, and
each group's weights by a hash of the model and the group's TF-IDF rows, so a rebuild whose
sample is unchanged does not fit again and transforms only the groups of new or changed plans.
"""
from __future__ import annotations

import hashlib
import math
from concurrent.futures import ThreadPoolExecutor
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from .. import memo
from ..text.counts import TermCounts
from ..text.segment import tokenize
from .codebook import Codebook, load_codebook

#: Groups of plans whose tasks `NMF.transform` takes apart (see module docstring).
TRANSFORM_GROUPS = 32
#: This module's source, part of a kept model's key.
_SOURCE = Path(__file__).read_bytes()


def _coherence(top_terms: list[list[str]], present: sparse.csc_matrix, columns: dict[str, int]) -> float:
    """Mean NPMI of top-term pairs over task co-occurrence (higher = more interpretable topics).

    `present` is a task × term matrix of 0/1 (the task has the term), `columns` the terms' columns.
    """
    n = present.shape[0]
    values = []
    for terms in top_terms:
        cols = present[:, [columns[t] for t in terms]]
        joints = (cols.T @ cols).toarray()
        df = {t: int(v) for t, v in zip(terms, joints.diagonal())}
        where = {t: i for i, t in enumerate(terms)}
        pairs = []
        for a, b in combinations(terms, 2):
            joint = int(joints[where[a], where[b]])
            if joint == 0:
                pairs.append(-1.0)
                continue
            p_ab, p_a, p_b = joint / n, df[a] / n, df[b] / n
            pairs.append(math.log(p_ab / (p_a * p_b)) / -math.log(p_ab) if p_ab < 1 else 1.0)
        values.append(float(np.mean(pairs)) if pairs else 0.0)
    return float(np.mean(values)) if values else 0.0


def _keyword_tokens(codebook: Codebook, memory: str | Path | None) -> dict[str, list[str]]:
    """Each codebook keyword segmented like the tasks (kept in `memory` by codebook and segmenter
    version, so a process that has no task to segment need not load the segmenter)."""
    from ..text.segment import resources_digest

    terms = [t for d in codebook.domains for t in d.keywords]
    if memory is None:
        return {t: tokenize(t) for t in terms}
    path = Path(memory) / f"keywords-{codebook.digest[:16]}-{resources_digest()}.pkl"
    tokens = memo.load(path)
    if tokens is None:
        tokens = {t: tokenize(t) for t in terms}
        memo.keep(path, tokens)
    return tokens


def _domain_matrix(codebook: Codebook, vocabulary: dict[str, int], memory=None) -> np.ndarray:
    """Domain × term weights from the codebook keywords, segmented like the tasks."""
    m = np.zeros((len(codebook.domains), len(vocabulary)))
    segmented = _keyword_tokens(codebook, memory)
    for i, d in enumerate(codebook.domains):
        for term, w in d.keywords.items():
            for tok in segmented[term] or [term]:
                j = vocabulary.get(tok)
                if j is not None:
                    m[i, j] += w
    return m


def _words(tokens: list[str]) -> list[str]:
    """The analyzer of the vectorizer: tasks arrive already segmented."""
    return tokens


def _top_rows(values: np.ndarray, n: int) -> np.ndarray:
    """What `np.argsort(-values, kind="stable")[:n]` gives (the n largest, ties to the lower
    row), without sorting every row."""
    if len(values) <= n:
        return np.argsort(-values, kind="stable")
    kth = np.partition(values, len(values) - n)[len(values) - n]
    candidates = np.flatnonzero(values >= kth)
    return candidates[np.argsort(-values[candidates], kind="stable")][:n]


def _bag(counts: TermCounts, rows: np.ndarray) -> list[list[str]]:
    return [counts.tokens(r) for r in rows]


def _tfidf(vectorizer: TfidfVectorizer, counts: TermCounts, rows: np.ndarray) -> sparse.csr_matrix:
    """What `vectorizer.transform` gives for these rows' words, straight from the counts."""
    vocab = vectorizer.get_feature_names_out()
    cols = np.searchsorted(counts.vocabulary.astype(str), vocab.astype(str))
    x = counts.matrix[rows][:, cols].astype(np.float64).tocsr()
    x.sort_indices()
    np.log(x.data, out=x.data)
    x.data += 1.0
    x.data *= vectorizer.idf_[x.indices]
    return normalize(x, norm="l2", copy=False)


class TopicModel:
    """NMF topics over tasks (scikit-learn style: fit, then read the fitted attributes). `n_jobs`:
    threads fitting the candidate numbers of topics (the result does not depend on it)."""

    def __init__(self, k: int | None = None, k_range: tuple[int, ...] = tuple(range(6, 25, 2)), n_top: int = 10,
                 random_state: int = 0, max_fit_tasks: int = 5000, large_k_range: tuple[int, ...] = (8, 12, 16, 20),
                 sample_by: str | None = "file", memory: str | Path | None = None, n_jobs: int | None = None):
        self.k = k
        self.k_range = k_range
        self.n_top = n_top
        self.random_state = random_state
        self.max_fit_tasks = max_fit_tasks
        self.large_k_range = large_k_range
        self.sample_by = sample_by
        self.memory = memory
        self.n_jobs = n_jobs

    def _sample(self, data: pd.DataFrame, key: str) -> np.ndarray:
        """Rows to fit on: all, or whole groups in hash order up to max_fit_tasks (at least one group)."""
        if len(data) <= self.max_fit_tasks:
            return np.arange(len(data))
        by = self.sample_by if self.sample_by in data else key
        sizes = data.groupby(by, sort=True).size()
        rank = sorted(sizes.index, key=lambda g: hashlib.sha256(str(g).encode()).hexdigest())
        chosen, total = [], 0
        for g in rank:
            if chosen and total + sizes[g] > self.max_fit_tasks:
                continue
            chosen.append(g)
            total += sizes[g]
        return np.flatnonzero(data[by].isin(chosen).to_numpy())

    def _fit_sample(self, tokens: list[list[str]], large: bool):
        """Vectorizer, chosen k, coherence per k, the NMF and its weights of the sample tasks."""
        vectorizer = TfidfVectorizer(analyzer=_words, min_df=2, max_df=0.5, sublinear_tf=True)
        x = vectorizer.fit_transform(tokens)
        vocab = vectorizer.get_feature_names_out()
        docs = TermCounts.from_tokens(range(len(tokens)), tokens)
        present = (docs.matrix > 0).astype(np.int64).tocsc()
        columns = {t: j for j, t in enumerate(docs.vocabulary)}
        k_range = self.large_k_range if large else self.k_range
        upper = max(2, min(max(k_range), x.shape[0] // 4, x.shape[1] // 3))
        candidates = [self.k] if self.k else [k for k in k_range if k <= upper] or [min(k_range[0], upper)]

        def fit(k: int) -> tuple[float, NMF, np.ndarray]:
            nmf = NMF(n_components=k, init="nndsvda", random_state=self.random_state, max_iter=800)
            w = nmf.fit_transform(x.copy())  # its own copy: fits sharing one matrix gave varying results
            tops = [[vocab[j] for j in np.argsort(-row, kind="stable")[: self.n_top]] for row in nmf.components_]
            return _coherence(tops, present, columns), nmf, w

        with ThreadPoolExecutor(max_workers=max(1, self.n_jobs or 1)) as pool:  # NMF's updates release the GIL
            fits = list(pool.map(fit, candidates))
        coherence, best = {}, None
        for k, (score, nmf, w) in zip(candidates, fits):
            coherence[k] = round(score, 4)
            if best is None or score > best[0] + 1e-9:
                best = (score, k, nmf, w)
        _, k, nmf, w = best
        return vectorizer, k, coherence, nmf, w

    def _cached_fit(self, counts: TermCounts, rows: np.ndarray, large: bool):
        """What `_fit_sample` gives for the tasks at `rows` of `counts`, and the digest of its
        input (None without memory)."""
        if self.memory is None:
            return self._fit_sample(_bag(counts, rows), large), None
        import sklearn

        h = hashlib.sha256(repr((sklearn.__version__, self.k, self.k_range, self.large_k_range, self.n_top,
                                 self.random_state, large)).encode())
        h.update(_SOURCE)  # this module's code fits the model: a change to it fits again
        sample = counts.matrix[rows]  # sorted indices: each row's terms in term order
        used = np.unique(sample.indices)
        h.update("\x1f".join(counts.vocabulary[used]).encode())
        for part in (sample.indptr, np.searchsorted(used, sample.indices), sample.data):
            h.update(np.ascontiguousarray(part, dtype=np.int64).tobytes())
        path = Path(self.memory) / f"topics-{h.hexdigest()[:24]}.pkl"
        fitted = memo.load(path)
        if fitted is None:
            fitted = self._fit_sample(_bag(counts, rows), large)
            for stale in path.parent.glob("topics-*.pkl"):
                stale.unlink()
            memo.keep(path, fitted)
        return fitted, h.hexdigest()

    def _transform(self, counts: TermCounts, rows: np.ndarray, groups: np.ndarray, model: str | None) -> np.ndarray:
        """Topic weights of the tasks at `rows` of `counts`, one group of plans at a time (`groups`:
        each task's plan), each group's weights kept in `memory` by `model` (the fit's digest) and
        its TF-IDF rows; groups that left the corpus lose their files."""
        names, index = np.unique(groups.astype(str), return_inverse=True)
        group_of = np.array([int(hashlib.sha256(n.encode()).hexdigest()[:8], 16) % TRANSFORM_GROUPS for n in names],
                            dtype=np.int64)[index]
        weights = np.zeros((len(rows), self.nmf_.n_components_))
        kept = set()
        for g in np.unique(group_of):
            members = np.flatnonzero(group_of == g)
            x = _tfidf(self.vectorizer_, counts, rows[members])
            path = None
            if model is not None:
                h = hashlib.sha256(model.encode())
                for part in (x.indptr, x.indices, x.data):
                    h.update(np.ascontiguousarray(part).tobytes())
                path = Path(self.memory) / f"weights-{h.hexdigest()[:24]}.npy"
                kept.add(path.name)
            w = memo.load_array(path)
            if w is None or w.shape != (len(members), weights.shape[1]):
                w = self.nmf_.transform(x)
                if path is not None:
                    memo.keep_array(path, w)
            weights[members] = w
        if model is not None:
            for stale in Path(self.memory).glob("weights-*.npy"):
                if stale.name not in kept:
                    stale.unlink(missing_ok=True)
        return weights

    def fit(self, tasks: pd.DataFrame, key: str = "task_id", text: str = "content", codebook: Codebook | None = None,
            counts: TermCounts | None = None):
        """Fit on a task table with a stable key column and a text column.

        `counts` (term counts by key, as the pipeline builds them from its cache) replaces
        segmenting the text column again.
        """
        columns = [c for c in dict.fromkeys([key, self.sample_by, text]) if c in tasks and (c != text or counts is None)]
        data = tasks[columns].sort_values(key, kind="mergesort").reset_index(drop=True)
        if counts is None:
            counts = TermCounts.from_texts(data[key].to_numpy(), data[text].to_numpy())
        rows = counts.positions(data[key].to_numpy())
        sample = self._sample(data, key)
        large = len(sample) < len(data)
        (self.vectorizer_, self.k_, self.coherence_, self.nmf_, weights), model = self._cached_fit(
            counts, rows[sample], large)
        if large:
            by = self.sample_by if self.sample_by in data else key
            weights = self._transform(counts, rows, data[by].to_numpy(dtype=object), model)
        self.keys_ = data[key].to_numpy()
        self.weights_ = weights
        self.vocabulary_ = self.vectorizer_.get_feature_names_out()
        self.codebook_ = codebook or load_codebook()
        return self

    def assignments(self) -> pd.DataFrame:
        """One row per task: its topic (numbered from 1 by component; -1 when the task has no topic
        terms) and that topic's weight."""
        topic = np.where(self.weights_.max(axis=1) > 0, self.weights_.argmax(axis=1) + 1, -1)
        return pd.DataFrame({"task_id": self.keys_, "topic": topic, "topic_weight": self.weights_.max(axis=1).round(6)})

    def topics(self, tasks: pd.DataFrame, key: str = "task_id", n_examples: int = 3) -> pd.DataFrame:
        """One row per topic (numbered from 1, as in `assignments`): size, top terms, representative
        tasks, best-matching domain and its similarity."""
        assign = self.assignments()
        vocab_index = {t: i for i, t in enumerate(self.vocabulary_)}
        dm = _domain_matrix(self.codebook_, vocab_index, self.memory)
        norms = np.linalg.norm(dm, axis=1) * np.linalg.norm(self.nmf_.components_, axis=1)[:, None]
        sims = (self.nmf_.components_ @ dm.T) / np.where(norms > 0, norms, 1)
        examples_of = []
        for t in range(len(self.nmf_.components_)):
            order = _top_rows(self.weights_[:, t], n_examples)
            examples_of.append([self.keys_[i] for i in order if self.weights_[i, t] > 0])
        topic = assign["topic"].to_numpy()
        sizes = np.bincount(topic[topic > 0] - 1, minlength=len(self.nmf_.components_))
        shown_at = np.flatnonzero(tasks[key].isin({e for examples in examples_of for e in examples}).to_numpy())
        shown = tasks[[c for c in (key, "heading", "content") if c in tasks]].iloc[shown_at].set_index(key)
        headings = shown["heading"].to_dict() if "heading" in shown else {}
        texts = shown["content"].to_dict() if "content" in shown else {}
        rows = []
        for t, (comp, examples) in enumerate(zip(self.nmf_.components_, examples_of)):
            best = int(np.argmax(sims[t]))
            rows.append({
                "topic": t + 1,
                "n_tasks": int(sizes[t]),
                "top_terms": [self.vocabulary_[j] for j in np.argsort(-comp, kind="stable")[: self.n_top]],
                "example_task_ids": examples,
                "example_headings": [headings.get(e) or (texts.get(e) or "")[:40] for e in examples],
                "matched_domain": self.codebook_.ids[best],
                "domain_similarity": round(float(sims[t, best]), 4),
            })
        return pd.DataFrame(rows)
