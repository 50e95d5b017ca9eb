"""The five seed plans against the hand-made gold (shared/gold): metadata, tasks, units.

Tasks are matched the way shared/tools/score_seeds.py matches them: a gold task's key
(first 12 characters of its text, NFKC, whitespace removed) must occur in the first 40
normalised characters of a parsed task, each parsed task used once.
"""
from __future__ import annotations

import json
import unicodedata

import pytest

from analysis.config import SHARED_DIR
from analysis.ingest import parse_file

FIELDS = ["region", "parent", "province", "level", "plan_year", "issuer", "published", "doc_number"]


def norm(value) -> str:
    return "" if value is None else "".join(unicodedata.normalize("NFKC", str(value)).split())


def _rows(name: str) -> list[dict]:
    return [json.loads(line) for line in (SHARED_DIR / "gold" / name).read_text(encoding="utf-8").splitlines()
            if line.strip()]


@pytest.fixture(scope="module")
def seeds():
    """(gold documents, gold tasks, parsed Document per seed file name)."""
    if not (SHARED_DIR / "seeds").is_dir() or not (SHARED_DIR / "gold" / "seed_documents.jsonl").exists():
        pytest.skip(f"seed plans and gold not found under {SHARED_DIR}")
    docs = _rows("seed_documents.jsonl")
    parsed = {g["doc"]: parse_file(SHARED_DIR / "seeds" / g["doc"]) for g in docs}
    return docs, _rows("seed_tasks.jsonl"), parsed


@pytest.fixture(scope="module")
def matches(seeds):
    """(gold task, parsed task) pairs, and the counts of unmatched parsed and gold tasks."""
    docs, tasks, parsed = seeds
    pairs, extra, missing = [], 0, []
    for g in docs:
        got = parsed[g["doc"]].tasks
        heads = [norm(t.text)[:40] for t in got]
        used: set[int] = set()
        for t in (t for t in tasks if t["doc"] == g["doc"]):
            key = norm(t["key"])[:12]
            hit = next((i for i, h in enumerate(heads) if i not in used and key in h), None)
            if hit is None:
                missing.append(f"{g['doc']} {t['path']} {t['key']}")
                continue
            used.add(hit)
            pairs.append((t, got[hit]))
        extra += len(got) - len(used)
    return pairs, extra, missing


@pytest.mark.parametrize("field", FIELDS)
def test_metadata_matches_gold(seeds, field):
    docs, _, parsed = seeds
    wrong = {g["doc"]: (getattr(parsed[g["doc"]], field), g[field]) for g in docs
             if norm(getattr(parsed[g["doc"]], field)) != norm(g[field])}
    assert not wrong, f"{field}: (parsed, gold) {wrong}"


def test_task_precision_and_recall_at_least_95_percent(matches):
    pairs, extra, missing = matches
    precision = len(pairs) / max(1, len(pairs) + extra)
    recall = len(pairs) / max(1, len(pairs) + len(missing))
    print(f"seed tasks: P {precision:.3f} R {recall:.3f} ({len(pairs)} matched, {extra} extra, "
          f"{len(missing)} missing)")
    assert precision >= 0.95, f"precision {precision:.3f}"
    assert recall >= 0.95, f"recall {recall:.3f}; missing {missing}"


@pytest.mark.parametrize(("gold_key", "attr"), [
    ("lead_units", "lead_units"),
    ("cooperating_units", "cooperating_units"),
    ("deadline", "deadline"),
])
def test_responsibility_fields_agree_on_90_percent_of_matched_tasks(matches, gold_key, attr):
    pairs, _, _ = matches

    def same(gold, got) -> bool:
        if isinstance(gold, list):
            return [norm(u) for u in gold] == [norm(u) for u in got]
        return norm(gold) == norm(got)

    wrong = [(g["doc"], g["path"], getattr(t, attr), g[gold_key]) for g, t in pairs if not same(g[gold_key],
                                                                                                  getattr(t, attr))]
    share = 1 - len(wrong) / max(1, len(pairs))
    print(f"seed {gold_key} agreement {share:.3f} over {len(pairs)} matched tasks")
    assert share >= 0.9, f"{gold_key} agreement {share:.3f}; (doc, path, parsed, gold) {wrong[:10]}"


def test_matched_tasks_keep_the_gold_paths(matches):
    pairs, _, _ = matches
    wrong = [(g["doc"], g["path"], t.path) for g, t in pairs if g["path"] != t.path]
    assert len(wrong) <= 0.05 * len(pairs), wrong


def test_annex_rows_are_linked_to_the_tasks_they_restate(seeds, matches):
    """Seed 000 restates its tasks in a 责任分工表; each row points at the task it restates."""
    pairs, _, _ = matches
    linked = [(g["path"], sorted(g["annex_row"]), sorted(t.annex_rows)) for g, t in pairs if g.get("annex_row")]
    assert linked, "no gold annex rows"
    agree = sum(gold == got for _, gold, got in linked) / len(linked)
    print(f"annex linkage agreement {agree:.3f} over {len(linked)} tasks")
    assert agree >= 0.9, [row for row in linked if row[1] != row[2]]


def test_every_seed_is_a_plan_and_parses_without_failure(seeds):
    _, _, parsed = seeds
    assert all(d.is_plan and not d.failed for d in parsed.values())
