"""Codebook classifier: tasks → ordered domain ids, a score per domain, and the evidence.

It needs no labels: weights come from the codebook's keyword tiers and rules. Matching
is leftmost-longest over all keywords at once, so the specific phrase wins over the
general word inside it. A heading counts more than the body; a term inside an
enumeration (就业、教育、医疗…) counts less, as a passing mention.

`fit(X, y)` with labels adds an optional supervised refinement (logistic regression
on TF-IDF of segmented text plus the codebook scores); evaluate it with
document-grouped cross-validation (see `validate.py`), never on its own labels.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin

from .codebook import Codebook, load_codebook

_ENUMERATION = re.compile(r"(?:[^、，,。；;：:\s]{1,12}、){2,}[^、，,。；;：:\s]{1,12}")
_SENTENCE = re.compile(r"[^。；;！？!?]+[。；;！？!?]?")


def _longest_first(terms) -> str:
    """A regex matching any of `terms`, the longest one where several start at the same place.

    It is the alternation of the terms sorted longest first, written as a prefix tree: a
    character picks the branch, and each branch tries to go on before it stops, so the
    longest term wins. The engine then tests one branch per position instead of every term.
    """
    trie: dict = {}
    for term in terms:
        node = trie
        for c in term:
            node = node.setdefault(c, {})
        node[""] = {}

    def pattern(node: dict) -> str:
        branches = [re.escape(c) + pattern(node[c]) for c in sorted(node) if c]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return "(?:" + body + ")?" if "" in node else body

    return pattern(trie)


@dataclass
class Scored:
    """Classification of one task."""

    domains: list[str]
    scores: dict[str, float]
    evidence: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        """dataclasses.asdict without its deep copies (a fifth of a document's processing time)."""
        return {"domains": list(self.domains), "scores": dict(self.scores), "evidence": list(self.evidence)}


def _as_frame(X) -> pd.DataFrame:
    """Accept a DataFrame with heading/content (or text) columns, or a sequence of strings."""
    if isinstance(X, pd.DataFrame):
        frame = X.copy()
        if "content" not in frame:
            frame["content"] = frame["text"] if "text" in frame else ""
        if "heading" not in frame:
            frame["heading"] = ""
        return frame[["heading", "content"]].fillna("")
    return pd.DataFrame({"heading": [""] * len(X), "content": list(X)})


class CodebookClassifier(BaseEstimator, ClassifierMixin):
    """Keyword-and-rule classifier seeded by the codebook (scikit-learn interface).

    Parameters
    ----------
    codebook : Codebook or path, default the project's resources/codebook.yaml
    refine : bool — when labels are given to `fit`, learn a supervised correction
    C : float — inverse regularisation of the refinement's logistic regression
    random_state : int — seeds the refinement (the codebook part is deterministic)
    """

    def __init__(self, codebook=None, refine: bool = False, C: float = 1.0, random_state: int = 0):
        self.codebook = codebook
        self.refine = refine
        self.C = C
        self.random_state = random_state

    # ------------------------------------------------------------------ fitting
    def fit(self, X, y=None):
        """Compile the codebook; with labels and refine=True also fit the supervised refinement."""
        cb = self.codebook if isinstance(self.codebook, Codebook) else load_codebook(
            *( [self.codebook] if self.codebook else []))
        self.codebook_ = cb
        self.classes_ = np.array(cb.ids)
        self.terms_ = cb.term_table()
        self.pattern_ = re.compile(_longest_first(self.terms_))
        self.order_ = {d: k for k, d in enumerate(cb.ids)}
        self.group_ = {d.id: d.group for d in cb.domains}
        self.refiner_ = None
        if y is not None and self.refine:
            self._fit_refiner(_as_frame(X), y)
        return self

    def _features(self, frame: pd.DataFrame, fit: bool = False):
        """TF-IDF of segmented text beside the codebook scores (each row scaled to its maximum)."""
        from scipy.sparse import csr_matrix, hstack
        from sklearn.feature_extraction.text import TfidfVectorizer

        from ..text.segment import tokenize

        texts = (frame["heading"] + "。" + frame["content"]).tolist()
        if fit:
            self.vectorizer_ = TfidfVectorizer(tokenizer=tokenize, lowercase=False, token_pattern=None,
                                               sublinear_tf=True)
            tfidf = self.vectorizer_.fit_transform(texts)
        else:
            tfidf = self.vectorizer_.transform(texts)
        scores = np.array([[s.get(d, 0.0) for d in self.codebook_.ids]
                           for s in (self.score_one(h, c)[0] for h, c in zip(frame["heading"], frame["content"]))])
        scores = scores / np.maximum(scores.max(axis=1, keepdims=True), 1e-9)
        return hstack([tfidf, csr_matrix(scores)]).tocsr()

    def _fit_refiner(self, frame: pd.DataFrame, y) -> None:
        from sklearn.linear_model import LogisticRegression

        primary = [labels[0] if isinstance(labels, (list, tuple)) else labels for labels in y]
        model = LogisticRegression(C=self.C, max_iter=2000, random_state=self.random_state)
        model.fit(self._features(frame, fit=True), primary)
        self.refiner_ = model

    # ------------------------------------------------------------------ scoring
    def _score_part(self, text: str, weight: float, scores, hits, enum_factor: float, max_repeats: int) -> None:
        # an enumeration needs two 、 at least: most texts skip its (backtracking) search
        spans = [m.span() for m in _ENUMERATION.finditer(text)] if text.count("、") >= 2 else ()
        terms = self.terms_
        for m in self.pattern_.finditer(text):
            term = m.group()
            domain, w = terms[term]
            hit = hits.get((domain, term))
            if hit is None:
                hit = hits[domain, term] = [0, False]
            elif hit[0] >= max_repeats:
                continue
            start = m.start()
            in_enum = any(a <= start < b for a, b in spans) if spans else False
            hit[0] += 1
            hit[1] = hit[1] or not in_enum
            scores[domain] = scores.get(domain, 0.0) + w * weight * (enum_factor if in_enum else 1.0)

    def score_one(self, heading: str, content: str) -> tuple[dict[str, float], dict[tuple[str, str], list]]:
        """Points per domain for one task, and the matched terms ((domain, term) → [count, outside-enumeration])."""
        rules = self.codebook_.rules
        scores: dict[str, float] = {}
        hits: dict[tuple[str, str], list] = {}
        heading = heading.strip()
        body = content
        if heading and content.startswith(heading):
            body = content[len(heading):]
        if heading:
            self._score_part(heading, rules["heading_weight"], scores, hits, rules["enumeration_factor"],
                             rules["max_repeats"])
        else:
            first = _SENTENCE.match(body)
            if first:
                self._score_part(first.group(0), rules["first_sentence_weight"], scores, hits,
                                 rules["enumeration_factor"], rules["max_repeats"])
                body = body[first.end():]
        self._score_part(body, 1.0, scores, hits, rules["enumeration_factor"], rules["max_repeats"])
        return scores, hits

    def _choose(self, scores: dict[str, float], hits) -> list[str]:
        rules = self.codebook_.rules
        order, group = self.order_, self.group_
        ranked = sorted((d for d in scores if scores[d] > 0), key=lambda d: (-scores[d], order[d]))
        if not ranked or scores[ranked[0]] < rules["min_score"]:
            return []
        primary = ranked[0]
        if group[primary] == "process":
            policy = [d for d in ranked if group[d] == "policy"]
            if policy and scores[policy[0]] >= rules["policy_over_process"] * scores[primary]:
                primary = policy[0]
        chosen = [primary]
        clauses = {dom for (dom, _), (_, outside) in hits.items() if outside}  # named outside an enumeration
        for d in ranked:
            if len(chosen) == 3:
                break
            if d not in chosen and d in clauses and scores[d] >= rules["secondary_share"] * scores[primary]:
                chosen.append(d)
        return chosen

    def _evidence(self, heading: str, content: str, chosen: list[str], hits) -> list[str]:
        out = []
        for d in chosen:
            terms = sorted(((t, c) for (dom, t), (c, _) in hits.items() if dom == d), key=lambda x: (-x[1], x[0]))
            out.append(f"{d}: " + "、".join(f"{t}×{c}" if c > 1 else t for t, c in terms[:6]))
        terms = [t for (dom, t) in hits if chosen and dom == chosen[0]]
        if terms:
            best = max(terms, key=lambda t: (self.terms_[t][1], len(t), t))
            sentence = next((s.group(0) for s in _SENTENCE.finditer(content) if best in s.group(0)), heading)
            out.append(f"sentence: {sentence.strip()[:120]}")
        return out

    def classify(self, X) -> list[Scored]:
        """Domains (primary first), scores and evidence for each task."""
        frame = _as_frame(X)
        return self._classify(frame["heading"].tolist(), frame["content"].tolist(), self._refined_primary(frame))

    def classify_texts(self, headings: list[str], contents: list[str]) -> list[Scored]:
        """`classify` on parallel lists of strings, without building a DataFrame (the pipeline's
        per-document path: for one plan's tasks the frame cost more than the scoring)."""
        if getattr(self, "refiner_", None) is not None:
            return self.classify(pd.DataFrame({"heading": headings, "content": contents}))
        return self._classify(headings, contents, None)

    def _classify(self, headings: list[str], contents: list[str], refined) -> list[Scored]:
        out = []
        zeros = dict.fromkeys(self.codebook_.ids, 0.0)
        for k, (heading, content) in enumerate(zip(headings, contents, strict=True)):
            scores, hits = self.score_one(heading, content)
            chosen = self._choose(scores, hits)
            if refined is not None and refined[k] not in chosen[:1]:
                chosen = [refined[k]] + [d for d in chosen if d != refined[k]][:2]
            rounded = zeros | {d: round(v, 3) for d, v in scores.items()}
            out.append(Scored(chosen, rounded, self._evidence(heading, content, chosen, hits)))
        return out

    def _refined_primary(self, frame: pd.DataFrame):
        if getattr(self, "refiner_", None) is None:
            return None
        return self.refiner_.predict(self._features(frame))

    # ------------------------------------------------------------------ scikit-learn API
    def predict(self, X) -> np.ndarray:
        """Primary domain per task ('' when nothing matched)."""
        return np.array([s.domains[0] if s.domains else "" for s in self.classify(X)], dtype=object)

    def decision_function(self, X) -> pd.DataFrame:
        """Score per task and domain, columns in codebook order."""
        return pd.DataFrame([s.scores for s in self.classify(X)], columns=self.codebook_.ids)
