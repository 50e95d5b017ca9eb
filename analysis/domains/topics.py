"""Topic discovery: NMF on TF-IDF of segmented task text, with k chosen by coherence.

Each topic gets its top terms, size, representative tasks and the codebook domain it
matches best (cosine between the topic's term weights and the domain's keywords), so a
researcher sees themes the codebook does not name. Results do not depend on the order
of the input: tasks are sorted by a stable key before fitting.
"""
from __future__ import annotations

import math
from itertools import combinations

import numpy as np
import pandas as pd
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import TfidfVectorizer

from ..text.segment import tokenize
from .codebook import Codebook, load_codebook


def _coherence(top_terms: list[list[str]], docs: list[set[str]]) -> float:
    """Mean NPMI of top-term pairs over task co-occurrence (higher = more interpretable topics)."""
    n = len(docs)
    df: dict[str, int] = {}
    for d in docs:
        for t in d:
            df[t] = df.get(t, 0) + 1
    values = []
    for terms in top_terms:
        pairs = []
        for a, b in combinations(terms, 2):
            joint = sum(1 for d in docs if a in d and b in d)
            if joint == 0:
                pairs.append(-1.0)
                continue
            p_ab, p_a, p_b = joint / n, df[a] / n, df[b] / n
            pairs.append(math.log(p_ab / (p_a * p_b)) / -math.log(p_ab) if p_ab < 1 else 1.0)
        values.append(float(np.mean(pairs)) if pairs else 0.0)
    return float(np.mean(values)) if values else 0.0


def _domain_matrix(codebook: Codebook, vocabulary: dict[str, int]) -> np.ndarray:
    """Domain × term weights from the codebook keywords, segmented like the tasks."""
    m = np.zeros((len(codebook.domains), len(vocabulary)))
    for i, d in enumerate(codebook.domains):
        for term, w in d.keywords.items():
            for tok in tokenize(term) or [term]:
                j = vocabulary.get(tok)
                if j is not None:
                    m[i, j] += w
    return m


class TopicModel:
    """NMF topics over tasks (scikit-learn style: fit, then read the fitted attributes)."""

    def __init__(self, k: int | None = None, k_range: tuple[int, ...] = tuple(range(6, 25, 2)), n_top: int = 10,
                 random_state: int = 0):
        self.k = k
        self.k_range = k_range
        self.n_top = n_top
        self.random_state = random_state

    def fit(self, tasks: pd.DataFrame, key: str = "task_id", text: str = "content", codebook: Codebook | None = None):
        """Fit on a task table with a stable key column and a text column."""
        data = tasks.sort_values(key, kind="mergesort").reset_index(drop=True)
        tokens = [tokenize(t) for t in data[text]]
        self.vectorizer_ = TfidfVectorizer(analyzer=lambda toks: toks, min_df=2, max_df=0.5, sublinear_tf=True)
        x = self.vectorizer_.fit_transform(tokens)
        vocab = self.vectorizer_.get_feature_names_out()
        docs = [set(t) for t in tokens]
        upper = max(2, min(max(self.k_range), x.shape[0] // 4, x.shape[1] // 3))
        candidates = [self.k] if self.k else [k for k in self.k_range if k <= upper] or [min(self.k_range[0], upper)]
        self.coherence_ = {}
        best = None
        for k in candidates:
            nmf = NMF(n_components=k, init="nndsvda", random_state=self.random_state, max_iter=800)
            w = nmf.fit_transform(x)
            tops = [[vocab[j] for j in np.argsort(-row, kind="stable")[: self.n_top]] for row in nmf.components_]
            score = _coherence(tops, docs)
            self.coherence_[k] = round(score, 4)
            if best is None or score > best[0] + 1e-9:
                best = (score, k, nmf, w)
        _, self.k_, self.nmf_, weights = best
        self.keys_ = data[key].to_numpy()
        self.weights_ = weights
        self.vocabulary_ = vocab
        self.codebook_ = codebook or load_codebook()
        return self

    def assignments(self) -> pd.DataFrame:
        """One row per task: its topic (argmax weight; -1 when the task has no topic terms) and that weight."""
        topic = np.where(self.weights_.max(axis=1) > 0, self.weights_.argmax(axis=1), -1)
        return pd.DataFrame({"task_id": self.keys_, "topic": topic, "topic_weight": self.weights_.max(axis=1).round(6)})

    def topics(self, tasks: pd.DataFrame, key: str = "task_id", n_examples: int = 3) -> pd.DataFrame:
        """One row per topic: size, top terms, representative tasks, best-matching domain and its similarity."""
        assign = self.assignments()
        vocab_index = {t: i for i, t in enumerate(self.vocabulary_)}
        dm = _domain_matrix(self.codebook_, vocab_index)
        norms = np.linalg.norm(dm, axis=1) * np.linalg.norm(self.nmf_.components_, axis=1)[:, None]
        sims = (self.nmf_.components_ @ dm.T) / np.where(norms > 0, norms, 1)
        headings = tasks.set_index(key)["heading"].to_dict() if "heading" in tasks else {}
        texts = tasks.set_index(key)["content"].to_dict() if "content" in tasks else {}
        rows = []
        for t, comp in enumerate(self.nmf_.components_):
            members = assign[assign.topic == t]
            order = np.argsort(-self.weights_[:, t], kind="stable")
            examples = [self.keys_[i] for i in order[:n_examples] if self.weights_[i, t] > 0]
            best = int(np.argmax(sims[t]))
            rows.append({
                "topic": t,
                "n_tasks": len(members),
                "top_terms": [self.vocabulary_[j] for j in np.argsort(-comp, kind="stable")[: self.n_top]],
                "example_task_ids": examples,
                "example_headings": [headings.get(e) or (texts.get(e) or "")[:40] for e in examples],
                "matched_domain": self.codebook_.ids[best],
                "domain_similarity": round(float(sims[t, best]), 4),
            })
        return pd.DataFrame(rows)
