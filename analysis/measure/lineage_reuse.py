"""Text reuse: which share of a plan's sentences reappear near-verbatim in another plan.

Sentences are the tasks' content split on 。；;！？, compared as sets of character 5-grams
(shingles) after punctuation and spaces are removed. Sentence s of plan a is *found* in plan b
when some sentence t of b has

    Jaccard(S, T) = |S ∩ T| / |S ∪ T| ≥ 0.6   or   containment(S in T) = |S ∩ T| / |S| ≥ 0.8 with |S| ≥ 10.

Why these numbers: one changed character removes up to five 5-grams, so a copied 30-character
sentence with one word changed keeps Jaccard ≈ 0.68 and containment ≈ 0.81; place names and
level words (福建省, 全省, 省直) are replaced by one placeholder before shingling, so localising a
copy costs nothing. Measured on corpus sentences (mean 52 characters) with random character
substitutions: 1 substitution → 90 % still found, 2 → 65 %, 3 → 34 %, 6 → 4 % — the rule finds
copies, not paraphrases. Containment catches a copied sentence embedded in a longer one
(flattened task tables glue a unit list or the next task onto it; a heading is repeated inside a
longer sentence) but only for sentences of at least 10 shingles (14 characters): shorter stock
phrases (积极回应社会关切) occur inside unrelated sentences. Jaccard catches a copy with a clause added.

Candidate pairs come from MinHash LSH Ensemble (datasketch), an index for containment queries;
every candidate is then verified exactly, so the LSH only decides which pairs are looked at.
Since Jaccard ≥ 0.6 implies containment ≥ 0.6, one containment query at a lower threshold
(0.5) finds the candidates of both rules. Why that scales: each distinct sentence is hashed
once into a fixed-size signature (num_perm minima, computed vectorised), inserted into a fixed
number of hash-table bands, and queried against the same bands — linear in the number of
sentences — and only sentences sharing a band bucket are compared. Exhaustive comparison costs
one set intersection per pair of sentences: with thousands of plans of ~50 sentences each, 10⁵
sentences make 10¹⁰ pairs, against 10⁵ signatures and a few candidates per sentence here.
Identical sentences (boilerplate repeated across plans) are hashed and queried once. Measured
on synthetic corpora of 60-sentence plans (2 cores): 50 plans 12 s vs 27 s exhaustive, 200 plans
51 s vs 347 s (same table), 800 plans 148 s (exhaustive ≈ 1.5 h by its quadratic growth).
"""
from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import pandas as pd

from .. import levels
from ..ingest.regions import region_table
from ..schemas import LIST_SEP, Table, _c, conform, register
from ..tables import frame
from .lineage_common import earlier_matrix, plan_documents

TEXT_REUSE = register(Table(
    "text_reuse", "For every ordered pair of plans with any overlap: the share of plan a's sentences found "
    "near-verbatim in plan b (5-gram Jaccard ≥ 0.6, or containment ≥ 0.8 for sentences of 14+ characters).",
    ("file_a", "file_b"), (
        _c("file_a", "string", "the plan whose sentences are looked for", False),
        _c("file_b", "string", "the plan they are looked for in", False),
        _c("n_sentences_a", "int", "sentences of plan a (≥ 8 characters)"),
        _c("n_matched", "int", "sentences of plan a found in plan b"),
        _c("reuse_share", "float", "n_matched / n_sentences_a"),
        _c("matched_sentences", "string", f"positions (from 1) of plan a's matched sentences, joined with '{LIST_SEP}'"),
        _c("example_passages", "string", f"up to three matched pairs 「a」≈「b」, joined with '{LIST_SEP}'"),
    )))
REUSE_INDEX = register(Table(
    "reuse_index", "Per plan: how much of it is found in earlier plans of the corpus, and its main source.",
    ("file",), (
        _c("file", "string", "raw file name of the plan", False),
        _c("region", "string", "government the plan belongs to"),
        _c("level", "string", levels.DESCRIPTION),
        _c("plan_year", "int", "year the plan is for"),
        _c("n_sentences", "int", "sentences of the plan (≥ 8 characters)"),
        _c("n_earlier_plans", "int", "corpus plans that are earlier: smaller plan_year, or the same year and a "
                                     "higher level"),
        _c("reuse_share_any", "float", "share of the plan's sentences found in any earlier plan"),
        _c("main_source_file", "string", "the earlier plan with the largest reuse_share (ties: file name), else empty"),
        _c("main_source_share", "float", "reuse_share of the plan in main_source_file (0 when none)"),
    )))

SENTENCE_END = re.compile(r"[。；;！？!?]")
_NOT_TEXT = re.compile(r"[^\u4e00-\u9fffA-Za-z0-9]")
#: Level words of a plan's own government: 全省, 本市, 省直, 区级, 县政府, 市委 (not 市场, 区域).
_LEVEL_WORD = re.compile(r"[全本][省市区县州旗]|[省市区县州旗](?=直|级|政府|委|属)")
PLACEHOLDER = "#"
MIN_CHARS = 8
SHINGLE_SIZE = 5
JACCARD = 0.6
CONTAINMENT = 0.8
#: Containment alone needs this many shingles (sentences of 14+ characters): shorter stock phrases
#: (积极回应社会关切, 加强政策咨询服务) turn up inside unrelated long sentences.
MIN_CONTAINED_SHINGLES = 10
#: Containment threshold of the LSH query: below both rules' floor (0.6), so the index misses
#: hardly any pair that verification would accept.
CANDIDATE_CONTAINMENT = 0.5
NUM_PERM = 64
NUM_PART = 8
#: The LSH parameters are tuned to miss few pairs (false negatives weigh 0.8): a false
#: positive only costs one exact check.
RECALL_WEIGHTS = (0.2, 0.8)
SEED = 1
N_EXAMPLES = 3


@lru_cache(maxsize=200_000)  # plans repeat their upper level's sentences: most are seen many times
def normalize_sentence(sentence: str) -> str:
    """What is compared: the sentence without punctuation, spaces and brackets, with place names
    and level words replaced by '#', so that localising a copy (福建省 → 平潭综合实验区, 全省 → 全区,
    省直 → 区直) is not counted as a change."""
    text = region_table().rx.sub(PLACEHOLDER, _NOT_TEXT.sub("", sentence))
    return _LEVEL_WORD.sub(PLACEHOLDER, text)


def split_sentences(text) -> list[str]:
    """A task's content → its sentences of at least MIN_CHARS characters (punctuation not counted)."""
    if text is None or pd.isna(text):
        return []
    parts = (p.strip() for p in SENTENCE_END.split(str(text)))
    return [p for p in parts if len(_NOT_TEXT.sub("", p)) >= MIN_CHARS]


def shingles(norm: str, k: int = SHINGLE_SIZE) -> frozenset[str]:
    """Character k-grams of a normalised sentence (the whole sentence when shorter than k)."""
    return frozenset(norm[i: i + k] for i in range(max(1, len(norm) - k + 1)))


def plan_sentences(tasks: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """One row per sentence of every plan: file, sentence_index (from 1, in task order), task_id,
    sentence (as written) and norm (as compared)."""
    plans = plan_documents(documents)
    order = ["file", "task_index"] if "task_index" in tasks.columns else ["file", "task_id"]
    mine = tasks.loc[tasks["file"].isin(plans["file"]), ["file", "task_id", *order[1:], "content"]]
    mine = mine.sort_values(order, kind="mergesort")
    rows, k, last = [], 0, None
    for file, task_id, content in zip(*(mine[c].to_numpy(dtype=object) for c in ("file", "task_id", "content"))):
        k = 0 if file != last else k
        last = file
        for sentence in split_sentences(content):
            k += 1
            rows.append((file, k, task_id, sentence, normalize_sentence(sentence)))
    return pd.DataFrame(rows, columns=["file", "sentence_index", "task_id", "sentence", "norm"])


def _verify(a: frozenset, b: frozenset, jaccard: float, containment: float, min_contained: int) -> float | None:
    """Jaccard of a matching pair (a found in b), else None."""
    inter = len(a & b)
    if not inter:
        return None
    j = inter / (len(a) + len(b) - inter)
    return j if j >= jaccard or (len(a) >= min_contained and inter / len(a) >= containment) else None


def _candidates_minhash(sets: list[frozenset], num_perm: int, seed: int) -> list[set[int]]:
    from datasketch import MinHash, MinHashLSHEnsemble

    signatures = MinHash.bulk([[s.encode("utf-8") for s in sorted(x)] for x in sets], num_perm=num_perm, seed=seed)
    index = MinHashLSHEnsemble(threshold=CANDIDATE_CONTAINMENT, num_perm=num_perm, num_part=NUM_PART, m=4,
                               weights=RECALL_WEIGHTS)
    index.index([(i, m, len(x)) for i, (m, x) in enumerate(zip(signatures, sets, strict=True))])
    return [set(index.query(m, len(x))) for m, x in zip(signatures, sets, strict=True)]


def sentence_matches(norms: list[str], method: str = "minhash", jaccard: float = JACCARD,
                     containment: float = CONTAINMENT, min_contained: int = MIN_CONTAINED_SHINGLES,
                     num_perm: int = NUM_PERM, seed: int = SEED, k: int = SHINGLE_SIZE) -> list[dict[int, float]]:
    """For each distinct normalised sentence i, {j: Jaccard} of the other sentences it is found in.

    method 'minhash' verifies the LSH Ensemble's candidates, 'exhaustive' every pair (for tests
    and small corpora); both apply the same exact rule.
    """
    sets = [shingles(n, k) for n in norms]
    if not sets:
        return []
    if method == "minhash":
        candidates = _candidates_minhash(sets, num_perm, seed)
    elif method == "exhaustive":
        everyone = set(range(len(sets)))
        candidates = [everyone] * len(sets)
    else:
        raise ValueError(f"unknown method {method!r} (use 'minhash' or 'exhaustive')")
    out = []
    for i, cands in enumerate(candidates):
        found = {}
        for j in sorted(cands):
            if j != i:
                score = _verify(sets[i], sets[j], jaccard, containment, min_contained)
                if score is not None:
                    found[j] = score
        out.append(found)
    return out


def _clip(sentence: str, n: int = 60) -> str:
    return sentence if len(sentence) <= n else sentence[:n] + "…"


#: Sentence matches expanded at a time (about 50 bytes each): the plans are taken in groups, so a
#: corpus whose sentences recur in hundreds of plans is not expanded all at once.
CHUNK_HITS = 2_000_000


def _ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The concatenation of range(start, start + count) for each pair."""
    offsets = np.repeat(starts - (np.cumsum(counts) - counts), counts)
    return offsets + np.arange(offsets.size)


def _hits(uid: np.ndarray, plan: np.ndarray, matches: list[dict[int, float]]) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (row, row_b) of sentence occurrences: for each occurrence (`uid`: its distinct
    sentence, `plan`: its plan's code, ascending) and each other plan holding the same or a
    matching sentence, that plan's best one — highest score; ties: the same sentence, then the
    lowest uid — at its first occurrence there. Ordered by (plan, other plan, row)."""
    n = len(matches)
    counts = np.fromiter((1 + len(m) for m in matches), dtype=np.int64, count=n)
    edge_j = np.fromiter((j for i, m in enumerate(matches) for j in (i, *m)), dtype=np.int64)
    edge_score = np.fromiter((s for m in matches for s in (1.0, *m.values())), dtype=np.float64)
    edge_start = np.cumsum(counts) - counts  # each sentence itself first, then its matches by uid
    _, first = np.unique(uid * (int(plan.max()) + 1) + plan, return_index=True)  # by (uid, plan)
    where_start = np.searchsorted(uid[first], np.arange(n))
    where_count = np.bincount(uid[first], minlength=n)
    cost = np.cumsum(np.add.reduceat(where_count[edge_j], edge_start)[uid])
    bounds = np.r_[0, np.flatnonzero(np.diff(plan)) + 1, len(plan)]  # each plan's first row, and the end
    crossed = np.searchsorted(cost, np.arange(CHUNK_HITS, cost[-1], CHUNK_HITS))  # rows where a chunk fills up
    edges = bounds[np.unique(np.r_[0, np.searchsorted(bounds, crossed), len(bounds) - 1])]  # moved to a plan's end
    rows, rows_b = [], []
    for lo, hi in zip(edges[:-1], edges[1:]):
        row = np.arange(lo, hi)
        row, edge = np.repeat(row, counts[uid[row]]), _ranges(edge_start[uid[row]], counts[uid[row]])
        j = edge_j[edge]
        row, edge = np.repeat(row, where_count[j]), np.repeat(edge, where_count[j])
        row_b = first[_ranges(where_start[j], where_count[j])]
        other = plan[row_b] != plan[row]
        row, edge, row_b = row[other], edge[other], row_b[other]
        best = np.lexsort((edge, -edge_score[edge], plan[row_b], row))
        row, row_b = row[best], row_b[best]
        first_of_pair = np.ones(len(row), dtype=bool)
        first_of_pair[1:] = (row[1:] != row[:-1]) | (plan[row_b][1:] != plan[row_b][:-1])
        row, row_b = row[first_of_pair], row_b[first_of_pair]
        order = np.lexsort((row, plan[row_b], plan[row]))
        rows.append(row[order])
        rows_b.append(row_b[order])
    return np.concatenate(rows), np.concatenate(rows_b)


def text_reuse(tasks: pd.DataFrame, documents: pd.DataFrame, method: str = "minhash",
               sentences: pd.DataFrame | None = None, **params) -> pd.DataFrame:
    """Table `text_reuse`: for every ordered pair of plans (a, b) with any overlap, the share of a's
    sentences found near-verbatim in b (rule and candidate search: module docstring). `sentences`:
    `plan_sentences(tasks, documents)` when already at hand; `params` go to `sentence_matches`
    (jaccard, containment, num_perm, seed, k). Examples: a's first N_EXAMPLES matched sentences,
    each with its best match in b."""
    sents = plan_sentences(tasks, documents) if sentences is None else sentences
    if sents.empty:
        return frame("text_reuse", [])
    sents = sents.sort_values("file", kind="mergesort")
    plan, files = pd.factorize(sents["file"], sort=True)
    norms, uid = np.unique(sents["norm"].to_numpy(dtype=object), return_inverse=True)
    row, row_b = _hits(uid, plan, sentence_matches(list(norms), method=method, **params))
    if not len(row):
        return frame("text_reuse", [])
    a, b = plan[row], plan[row_b]
    starts = np.flatnonzero(np.r_[True, (a[1:] != a[:-1]) | (b[1:] != b[:-1])])
    ends = np.r_[starts[1:], len(row)]
    text = sents["sentence"].to_numpy(dtype=object)
    index = sents["sentence_index"].astype(str).tolist()
    matched = [index[i] for i in row]
    n_sentences = np.bincount(plan, minlength=len(files))
    out = pd.DataFrame({
        "file_a": files[a[starts]], "file_b": files[b[starts]], "n_sentences_a": n_sentences[a[starts]],
        "n_matched": ends - starts,
        "matched_sentences": [LIST_SEP.join(matched[s:e]) for s, e in zip(starts, ends)],
        "example_passages": [LIST_SEP.join(f"「{_clip(text[i])}」≈「{_clip(text[j])}」"
                                           for i, j in zip(row[s:e][:N_EXAMPLES], row_b[s:e][:N_EXAMPLES]))
                             for s, e in zip(starts, ends)],
    })
    out["reuse_share"] = out["n_matched"] / out["n_sentences_a"]
    return conform("text_reuse", out)


def reuse_index(text_reuse: pd.DataFrame, documents: pd.DataFrame, tasks: pd.DataFrame | None = None,
                sentences: pd.DataFrame | None = None) -> pd.DataFrame:
    """Table `reuse_index`: per plan, the share of its sentences found in any earlier plan (union over
    the earlier plans of `text_reuse`'s matched sentences) and the earlier plan it reuses most.
    Sentence counts come from `sentences` (`plan_sentences`) or `tasks` when given, else from
    `text_reuse` (a plan without any overlap then has n_sentences empty and shares 0)."""
    plans = plan_documents(documents).reset_index(drop=True)
    if sentences is None and tasks is not None:
        sentences = plan_sentences(tasks, documents)
    counts = (sentences.groupby("file").size() if sentences is not None
              else text_reuse.groupby("file_a")["n_sentences_a"].first())
    earlier = earlier_matrix(plans)
    files = plans["file"].to_numpy(dtype=object)
    position = {f: i for i, f in enumerate(files)}
    a = text_reuse["file_a"].map(position).to_numpy(dtype=float)
    b = text_reuse["file_b"].map(position).to_numpy(dtype=float)
    known = ~(np.isnan(a) | np.isnan(b))
    from_earlier = np.zeros(len(text_reuse), dtype=bool)
    from_earlier[known] = earlier[b[known].astype(int), a[known].astype(int)]
    mine = text_reuse[from_earlier].sort_values(["file_a", "reuse_share", "file_b"], ascending=[True, False, True],
                                                kind="mergesort")
    main = mine.drop_duplicates("file_a").set_index("file_a")
    matched: dict[str, set[int]] = {}
    for file, sentences in zip(mine["file_a"].to_numpy(dtype=object), mine["matched_sentences"].to_numpy(dtype=object)):
        matched.setdefault(file, set()).update(int(k) for k in str(sentences).split(LIST_SEP) if k)
    rows = []
    for i, p in enumerate(plans.itertuples(index=False)):
        n = counts.get(p.file)
        n = None if n is None or pd.isna(n) else int(n)
        found = len(matched.get(p.file, ()))
        rows.append({
            "file": p.file, "region": p.region, "level": p.level, "plan_year": p.plan_year, "n_sentences": n,
            "n_earlier_plans": int(earlier[:, i].sum()),
            "reuse_share_any": (found / n if n else (None if n == 0 else 0.0)),
            "main_source_file": main["file_b"].get(p.file),
            "main_source_share": float(main["reuse_share"].get(p.file, 0.0)),
        })
    return frame("reuse_index", rows)
