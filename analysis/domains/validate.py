"""Validation against hand-coded labels, beside two baselines computed in the same run.

Baselines: (1) plain keyword counting — the terms of each domain's codebook-table entry
counted in the task text, no weights, headings or rules; (2) topic clusters mapped to domains by majority
vote of the gold labels (an optimistic upper bound for unsupervised clustering).
The optional supervised refinement is scored with document-grouped cross-validation.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import f1_score, precision_recall_fscore_support

from .classifier import CodebookClassifier
from .codebook import Codebook, load_codebook
from .topics import TopicModel


def load_gold(labels: str | Path, tasks: str | Path | None = None) -> pd.DataFrame:
    """Gold labels joined to their tasks: doc, idx, path, heading, text, content, domains, primary."""
    from ..ingest.document import parser

    labels = Path(labels)
    tasks = Path(tasks) if tasks else labels.with_name("seed_tasks.jsonl")
    lab = pd.DataFrame([json.loads(x) for x in labels.read_text(encoding="utf-8").splitlines() if x.strip()])
    tsk = pd.DataFrame([json.loads(x) for x in tasks.read_text(encoding="utf-8").splitlines() if x.strip()])
    gold = tsk.merge(lab[["doc", "idx", "domains"]], on=["doc", "idx"], validate="one_to_one")
    gold["content"] = [parser()._strip_markers(t) for t in gold["text"]]
    gold["primary"] = gold["domains"].str[0]
    gold["task_id"] = gold["doc"] + "#" + gold["idx"].astype(str).str.zfill(4)
    return gold


def keyword_count_baseline(frame: pd.DataFrame, codebook: Codebook) -> list[str]:
    """Primary = the domain whose codebook-table terms occur most often in the text (ties: codebook order)."""
    out = []
    for text in frame["text"]:
        counts = [sum(text.count(t) for t in d.table) for d in codebook.domains]
        out.append(codebook.ids[int(np.argmax(counts))] if max(counts) > 0 else "")
    return out


def cluster_majority_baseline(frame: pd.DataFrame, codebook: Codebook, random_state: int = 0) -> list[str]:
    """Primary = the majority gold domain of the task's NMF topic."""
    model = TopicModel(random_state=random_state).fit(frame, key="task_id", text="content", codebook=codebook)
    assign = model.assignments().merge(frame[["task_id", "primary"]], on="task_id")
    majority = assign.groupby("topic")["primary"].agg(lambda s: s.value_counts().sort_index().idxmax())
    by_id = dict(zip(assign["task_id"], assign["topic"].map(majority)))
    return [by_id[i] for i in frame["task_id"]]


@dataclass
class Validation:
    summary: pd.DataFrame  # method × (primary_accuracy, primary_macro_f1, n)
    per_domain: pd.DataFrame  # domain × (precision, recall, f1, support) for the classifier
    confusion: pd.DataFrame  # gold primary × predicted primary, misclassifications only
    predictions: pd.DataFrame  # task rows with gold and predicted labels


def _scores(y: list[str], p: list[str]) -> tuple[float, float]:
    labels = sorted(set(y))
    return float(np.mean([a == b for a, b in zip(y, p)])), float(f1_score(y, p, labels=labels, average="macro",
                                                                        zero_division=0))


def validate(labels: str | Path, tasks: str | Path | None = None, codebook: Codebook | None = None,
             refine: bool = False, random_state: int = 0) -> Validation:
    """Score the codebook classifier (and baselines) against gold labels."""
    codebook = codebook or load_codebook()
    gold = load_gold(labels, tasks)
    clf = CodebookClassifier(codebook).fit(gold[["heading", "content"]])
    scored = clf.classify(gold[["heading", "content"]])
    gold["predicted"] = [s.domains for s in scored]
    gold["predicted_primary"] = [s.domains[0] if s.domains else "" for s in scored]
    y = gold["primary"].tolist()
    methods = {"codebook classifier": gold["predicted_primary"].tolist(),
               "baseline: keyword counting": keyword_count_baseline(gold, codebook),
               "baseline: topic clusters + majority vote": cluster_majority_baseline(gold, codebook, random_state)}
    if refine:
        methods["supervised refinement (grouped CV)"] = _grouped_cv(gold, codebook, random_state)
    rows = [{"method": m, "primary_accuracy": round(_scores(y, p)[0], 3), "primary_macro_f1": round(_scores(y, p)[1], 3),
             "n_tasks": len(y)} for m, p in methods.items()]
    labels_sorted = [d for d in codebook.ids if d in set(y) | set(gold["predicted_primary"])]
    prec, rec, f1, sup = precision_recall_fscore_support(y, gold["predicted_primary"], labels=labels_sorted,
                                                         zero_division=0)
    per_domain = pd.DataFrame({"domain": labels_sorted, "precision": prec.round(3), "recall": rec.round(3),
                               "f1": f1.round(3), "support": sup})
    wrong = gold[gold["primary"] != gold["predicted_primary"]]
    confusion = wrong.groupby(["primary", "predicted_primary"]).size().rename("n_tasks").reset_index()
    confusion = confusion.sort_values(["n_tasks", "primary"], ascending=[False, True]).reset_index(drop=True)
    return Validation(pd.DataFrame(rows), per_domain, confusion,
                      gold[["doc", "path", "heading", "domains", "predicted"]])


def _grouped_cv(gold: pd.DataFrame, codebook: Codebook, random_state: int) -> list[str]:
    """Refined predictions for each document from a model fitted on the other documents."""
    out = pd.Series("", index=gold.index)
    for doc in sorted(gold["doc"].unique()):
        train, test = gold[gold["doc"] != doc], gold[gold["doc"] == doc]
        clf = CodebookClassifier(codebook, refine=True, random_state=random_state)
        clf.fit(train[["heading", "content"]], train["domains"].tolist())
        out[test.index] = clf.predict(test[["heading", "content"]])
    return out.tolist()
