"""Codebook loading, the classifier's behaviour, topics, and accuracy on the seed gold."""
import json
import random

import numpy as np
import pandas as pd
import pytest
import yaml

from analysis.config import CODEBOOK, SHARED_DIR
from analysis.domains import (
    CodebookClassifier,
    CodebookError,
    TopicModel,
    classify_tasks,
    default_classifier,
    load_codebook,
)
from analysis.domains.validate import validate

GOLD = SHARED_DIR / "gold"
needs_gold = pytest.mark.skipif(not (GOLD / "seed_labels.jsonl").exists(), reason="shared/gold not available")


def _write(tmp_path, mutate):
    data = yaml.safe_load(CODEBOOK.read_text(encoding="utf-8"))
    mutate(data)
    path = tmp_path / "codebook.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_codebook_has_the_nineteen_domains_of_the_scheme():
    cb = load_codebook()
    assert len(cb.ids) == 19
    assert [cb.group_of(d) for d in cb.ids].count("process") == 7
    assert all(d.keywords and d.zh and d.en and d.table for d in cb.domains)


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d["domains"].append(dict(d["domains"][0])), "duplicate domain id"),
    (lambda d: d["domains"][0].update(keywords={}), "keywords"),
    (lambda d: d["domains"][0].update(group="other"), "unknown group"),
    (lambda d: d["domains"][1]["keywords"]["core"].append(d["domains"][0]["keywords"]["core"][0]), "is in both"),
    (lambda d: d["rules"].update(bogus=1), "unknown rule"),
])
def test_invalid_codebooks_fail_with_a_clear_message(tmp_path, mutate, message):
    with pytest.raises(CodebookError, match=message):
        load_codebook(_write(tmp_path, mutate))


def test_the_codebook_is_parsed_once_per_content_and_again_when_the_file_changes(tmp_path):
    path = _write(tmp_path, lambda d: None)
    first = load_codebook(path)
    assert load_codebook(path) is first
    assert load_codebook(str(path)) is first
    edited = _write(tmp_path, lambda d: d["domains"][0]["keywords"]["core"].append("新词条"))
    changed = load_codebook(edited)
    assert changed is not first and changed.digest != first.digest
    assert "新词条" in changed.domains[0].keywords and "新词条" not in first.domains[0].keywords
    assert load_codebook(path) == changed


def test_a_new_domain_and_keyword_are_used_without_code_changes(tmp_path):
    def mutate(d):
        d["domains"].append({"id": "culture", "zh": "文化旅游", "en": "Culture & tourism", "group": "policy",
                             "keywords": {"core": ["文化旅游", "文物"]}})
    clf = CodebookClassifier(load_codebook(_write(tmp_path, mutate))).fit([])
    assert clf.predict(pd.DataFrame({"heading": ["推进文物保护信息公开"], "content": ["推进文物保护信息公开。公开文物名录。"]}))[0] == "culture"


def test_heading_names_the_subject_and_lists_are_passing_mentions():
    clf = CodebookClassifier().fit([])
    frame = pd.DataFrame({
        "heading": ["推进义务教育信息公开", ""],
        "content": ["推进义务教育信息公开。及时公开招生入学办法。",
                    "做好就业、教育、医疗、住房等民生信息公开,重点做好政府网站集约化建设,优化政府网站栏目。"],
    })
    scored = clf.classify(frame)
    assert scored[0].domains[0] == "education"
    assert scored[1].domains[0] == "platforms"
    assert any("集约化" in e for e in scored[1].evidence)


def test_policy_area_information_beats_the_process_domain():
    clf = CodebookClassifier().fit([])
    s = clf.classify(pd.DataFrame({"heading": ["推进预决算公开"], "content": ["推进预决算公开。在政府网站专栏公开预算、决算。"]}))[0]
    assert s.domains[0] == "finance"


def test_classification_is_deterministic_and_independent_of_order():
    texts = ["加强政务新媒体管理", "推进生态环境信息公开", "做好依申请公开工作", "推进扶贫资金公开", "加强组织领导和培训"] * 3
    frame = pd.DataFrame({"heading": texts, "content": [t + "。" for t in texts]})
    first = [s.domains for s in CodebookClassifier().fit([]).classify(frame)]
    order = list(range(len(frame)))
    random.Random(1).shuffle(order)
    shuffled = CodebookClassifier().fit([]).classify(frame.iloc[order])
    assert [shuffled[order.index(i)].domains for i in range(len(frame))] == first


def test_unmatched_text_is_left_unclassified():
    assert CodebookClassifier().fit([]).predict(["今天天气很好。"])[0] == ""


@needs_gold
def test_accuracy_on_the_seed_gold_meets_the_targets():
    v = validate(GOLD / "seed_labels.jsonl")
    row = v.summary.set_index("method").loc["codebook classifier"]
    print(v.summary.to_string())
    assert row.primary_accuracy >= 0.90
    assert row.primary_macro_f1 >= 0.85
    baseline = v.summary.set_index("method").loc["baseline: keyword counting"]
    assert row.primary_accuracy > baseline.primary_accuracy


@needs_gold
def test_supervised_refinement_is_scored_by_document_grouped_cross_validation():
    v = validate(GOLD / "seed_labels.jsonl", refine=True)
    assert "supervised refinement (grouped CV)" in set(v.summary["method"])


@needs_gold
def test_topics_are_stable_under_reordering():
    from analysis.domains.validate import load_gold

    gold = load_gold(GOLD / "seed_labels.jsonl")
    a = TopicModel(random_state=0).fit(gold, key="task_id", text="content")
    b = TopicModel(random_state=0).fit(gold.sample(frac=1, random_state=3), key="task_id", text="content")
    assert a.k_ == b.k_
    merged = a.assignments().merge(b.assignments(), on="task_id")
    assert (merged.topic_x == merged.topic_y).all()
    topics = a.topics(gold)
    assert topics["topic"].tolist() == list(range(1, a.k_ + 1))  # numbered from 1, as the figures label them
    assigned = a.assignments()["topic"]
    assert set(assigned) <= {-1, *topics["topic"]}
    assert topics.set_index("topic")["n_tasks"].to_dict() == {k: int((assigned == k).sum()) for k in topics["topic"]}
    assert topics["n_tasks"].sum() <= len(gold)
    assert set(topics["matched_domain"]) <= set(load_codebook().ids)


@needs_gold
def test_topics_fitted_in_two_threads_are_the_same():
    from analysis.domains.validate import load_gold

    gold = load_gold(GOLD / "seed_labels.jsonl")
    a = TopicModel(random_state=0).fit(gold, key="task_id", text="content")
    b = TopicModel(random_state=0, n_jobs=2).fit(gold, key="task_id", text="content")
    assert len(a.coherence_) > 1 and a.coherence_ == b.coherence_ and a.k_ == b.k_
    np.testing.assert_array_equal(a.weights_, b.weights_)


@needs_gold
def test_classify_cli_adds_domains_scores_and_evidence(tmp_path):
    import subprocess
    import sys

    seed = sorted((SHARED_DIR / "seeds").glob("*.txt"))[0]
    out = subprocess.run([sys.executable, "-m", "analysis", "classify", str(seed), "--json"],
                         capture_output=True, text=True, check=True)
    doc = json.loads(out.stdout)[0]
    task = doc["tasks"][0]
    assert 1 <= len(task["domains"]) <= 3 and task["domain_scores"] and task["evidence"]


def test_classify_tasks_remembers_texts_and_gives_what_the_classifier_gives(seed_docs):
    tasks = [t for doc in seed_docs.values() for t in doc.tasks]
    copied = tasks + tasks[:10]  # a plan copying ten tasks word for word
    frame = pd.DataFrame({"heading": [t.heading for t in copied], "content": [t.content for t in copied]})
    direct = default_classifier().classify(frame)
    first, again = classify_tasks(copied), classify_tasks(copied)
    assert first == direct and again == direct
    assert first[0] is not again[0] and first[0].domains is not first[len(tasks)].domains


@needs_gold
def test_classify_texts_gives_what_classify_gives_with_and_without_the_refinement():
    from analysis.domains.validate import load_gold

    gold = load_gold(GOLD / "seed_labels.jsonl")
    train, test = gold.iloc[::2], gold.iloc[1::2]
    for clf in (CodebookClassifier().fit([]),
                CodebookClassifier(refine=True).fit(train[["heading", "content"]], train["primary"].tolist())):
        texts = clf.classify_texts(test["heading"].tolist(), test["content"].tolist())
        assert texts == clf.classify(test[["heading", "content"]])
