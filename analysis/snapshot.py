"""The previous build's per-document products in one file, so a rebuild reads one file instead
of one cache file per document.

A build keeps, beside the per-document cache, a snapshot of what it assembled from it: the
per-document tables, the term counts of every task and each plan's bootstrap shares, with a
fingerprint of each file's inputs (content hash, its row of overrides.csv, its manifest entry).
The next build takes every file whose fingerprint is unchanged from the snapshot and only
the others from the per-document cache or the parser; `combine` puts the two together in file
order, so the result is the same as assembling every file again (the pipeline tests compare
the bytes). The snapshot is keyed like the per-document cache (parser, resources, codebook and
segmenter versions) and is only an accelerator: a missing or unreadable one is rebuilt, and
one that misses a few files is kept until they are more than a slack (`stale`).

A process that builds again and again (`python -m analysis watch`) keeps the last build's
snapshot in memory (`keep`) and its next build takes it from there instead of reading the file.
"""
from __future__ import annotations

import io
import json
import pickle
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
from pyarrow import feather
from scipy import sparse

from .schemas import conform
from .text.counts import TermCounts

FORMAT = 3  # 2: tables as Arrow IPC (Feather) instead of Parquet; 3: shares stacked (`pack_shares`)


def fingerprint(sha: str, correction: dict | None, listed: dict | None) -> str:
    """What a file's table rows depend on besides the versions: its bytes, overrides and manifest entry."""
    return json.dumps([sha, correction or {}, None if listed is None else listed.get("sha256") or ""],
                      sort_keys=True, ensure_ascii=False)


@dataclass
class Snapshot:
    fingerprints: dict[str, str]
    frames: dict[str, pd.DataFrame]
    counts: TermCounts
    shares: dict[str, dict]
    saved: dict[str, str] | None = None  # the fingerprints of the snapshot file (None: there is none)

    def take(self, files: set[str]) -> tuple[dict[str, pd.DataFrame], TermCounts, dict[str, dict]]:
        """The rows, term counts and shares of `files` only. The snapshot gives up its tables and
        counts (at 20,000 plans a second copy of them is over a gigabyte)."""
        frames, counts, self.frames, self.counts = self.frames, self.counts, {}, None
        if not set(self.fingerprints) <= files:
            frames = {name: _select(f, f["file"].isin(files).to_numpy()) for name, f in frames.items()}
            counts = _rows(counts, frames["tasks"]["task_id"].to_numpy(dtype=object))
        return frames, counts, {f: s for f, s in self.shares.items() if f in files}


#: Files a snapshot may miss or hold in excess before a build rewrites it (at least; else 2 % of the corpus).
SLACK = 8


def stale(saved: dict[str, str] | None, prints: dict[str, str]) -> bool:
    """Whether a build of the files `prints` (name: fingerprint) should write a new snapshot file:
    there is none (`saved`: the fingerprints of the one there), or more files than the slack differ
    between the two (a new or removed file counts once, a changed one twice). Until then the few
    others are read from the per-document cache, one file each, and a rebuild after one new plan
    does not rewrite every plan's rows."""
    if saved is None:
        return True
    drift = sum(saved.get(f) != p for f, p in prints.items()) + sum(prints.get(f) != p for f, p in saved.items())
    return drift > max(SLACK, len(prints) // 50)


def path(folder: Path, key: str) -> Path:
    return folder / f"snapshot-{key}.pkl"


_KEPT: dict[tuple[str, str], Snapshot] = {}  # (folder, versions key): the snapshot `keep` holds


def keep(folder: Path, key: str, snapshot: Snapshot) -> None:
    """Hold `snapshot` in this process for the next `load` from `folder` with these versions (and
    let go of any other): its rows stand for their files' fingerprints as the file's do."""
    _KEPT.clear()
    _KEPT[str(Path(folder).resolve()), key] = snapshot


def load(folder: Path, key: str) -> Snapshot | None:
    """The snapshot of the last build with these versions: the one `keep` holds (given up to the
    caller), else the file's, else None (none, unreadable, other format)."""
    held = _KEPT.pop((str(Path(folder).resolve()), key), None)
    if held is not None:
        return held
    try:
        with path(folder, key).open("rb") as fh:
            stored = pickle.load(fh)
        if not isinstance(stored, dict) or stored.get("format") != FORMAT:
            return None
        packed = stored["frames"]  # decoded one by one, each table's bytes let go once read
        frames = {name: feather.read_table(pa.BufferReader(packed.pop(name))).to_pandas() for name in list(packed)}
        return Snapshot(stored["fingerprints"], frames, stored["counts"], unpack_shares(stored["shares"]),
                        saved=stored["fingerprints"])
    except Exception:  # noqa: BLE001 — a damaged accelerator is rebuilt, never trusted
        return None


def save(folder: Path, key: str, snapshot: Snapshot, write) -> None:
    """Store `snapshot` with `write(path, fill)` (an atomic writer) and drop those of other versions.
    The tables go in as Arrow IPC compressed with zstd: at 2,000 plans the tasks table is 11 MB
    and reads in 0.04 s, against 33 MB and 0.36 s as Parquet with lz4."""
    frames = {}
    for name, frame in snapshot.frames.items():
        buffer = io.BytesIO()
        feather.write_feather(frame.reset_index(drop=True), buffer, compression="zstd")
        frames[name] = buffer.getvalue()
    stored = {"format": FORMAT, "fingerprints": snapshot.fingerprints, "frames": frames, "counts": snapshot.counts,
              "shares": pack_shares(snapshot.shares)}
    target = path(folder, key)
    write(target, lambda fh: pickle.dump(stored, fh, protocol=5))
    for old in folder.glob("snapshot-*.pkl"):
        if old != target:
            old.unlink(missing_ok=True)


def pack_shares(shares: dict[str, dict]) -> dict:
    """Plans' bootstrap shares (`pipeline._compact_shares`: a few small arrays each) as one array per
    field for all plans of the same labels and parameters (at 2,000 plans 0.083 s to read back
    32,000 small arrays, 0.010 s for the stacked ones with `unpack_shares`, and 35 % fewer bytes)."""
    groups: dict[tuple, list[str]] = {}
    for file, s in shares.items():
        parts = tuple((kind, tuple(s[kind]["labels"]), tuple(k for k in s[kind] if k != "labels"))
                      for kind in s if isinstance(s[kind], dict))
        others = tuple((k, pickle.dumps(v)) for k, v in s.items() if k != "file" and not isinstance(v, dict))
        groups.setdefault((others, parts), []).append(file)
    return {"files": list(shares),
            "groups": [(others, parts, files, {(kind, key): np.stack([shares[f][kind][key] for f in files])
                                               for kind, _, keys in parts for key in keys})
                       for (others, parts), files in groups.items()]}


def unpack_shares(packed: dict) -> dict[str, dict]:
    """`pack_shares` undone: each plan's dict again, in the same order, its arrays rows of the stacked ones."""
    out = {}
    for others, parts, files, arrays in packed["groups"]:
        plain = {k: pickle.loads(v) for k, v in others}
        for i, file in enumerate(files):
            out[file] = {"file": file, **plain, **{kind: {"labels": list(labels), **{k: arrays[kind, k][i] for k in keys}}
                                                   for kind, labels, keys in parts}}
    return {file: out[file] for file in packed["files"]}


def combine(parts: list[dict[str, pd.DataFrame]], files: list[str]) -> dict[str, pd.DataFrame]:
    """Per-document tables from several parts, rows in `files` order (each file's rows keep theirs).

    The parts are consumed column by column (emptied as they are used), so a large table is
    never held twice."""
    rank = {f: i for i, f in enumerate(files)}
    out = {}
    for name in list(parts[0]):
        pieces = [p.pop(name) for p in parts]
        pieces = [f for f in pieces if len(f)] or pieces[:1]
        order = np.argsort(np.concatenate([_ranks(f["file"], rank) for f in pieces]), kind="stable")
        columns = {c: _reorder(pd.concat([f.pop(c) for f in pieces], ignore_index=True), order)
                   for c in list(pieces[0].columns)}
        out[name] = conform(name, pd.DataFrame(columns))
    return out


def _ranks(files: pd.Series, rank: dict[str, int]) -> np.ndarray:
    """`files.map(rank)` as integers, looked up once per run of rows of one file."""
    values = files.array
    starts = np.flatnonzero(np.r_[True, np.asarray(values[1:] != values[:-1], dtype=bool)][: len(files)])
    return np.repeat(np.array([rank[f] for f in files.iloc[starts]], dtype=np.int64), np.diff(np.r_[starts, len(files)]))


def _select(frame: pd.DataFrame, mask: np.ndarray) -> pd.DataFrame:
    """`frame[mask]` with a fresh index, column by column through `_reorder`: the rows of a few
    changed or removed files leave a few runs of rows, sliced without a copy."""
    rows = np.flatnonzero(mask)
    return pd.DataFrame({c: _reorder(frame[c], rows) for c in frame.columns})


def _reorder(column: pd.Series, order: np.ndarray, max_runs: int = 64) -> pd.Series:
    """`column.take(order)`; when `order` is a few runs of consecutive rows (a rebuild after a few
    new plans: the kept rows with the new ones spliced in), the runs are sliced and joined instead,
    which for Arrow columns copies nothing."""
    starts = np.flatnonzero(np.diff(order, prepend=-2) != 1)
    if not 0 < len(starts) <= max_runs:
        return column.take(order).reset_index(drop=True)
    ends = np.append(starts[1:], len(order))
    runs = [column.iloc[order[a]: order[a] + (b - a)] for a, b in zip(starts, ends)]
    return pd.concat(runs, ignore_index=True) if len(runs) != 1 else runs[0].reset_index(drop=True)


def merge_counts(parts: list[TermCounts], keys: np.ndarray) -> TermCounts:
    """One TermCounts with rows in `keys` order from parts holding those rows between them; the
    vocabulary is the terms that occur, sorted, as `CountsBuilder.build` makes it."""
    vocabulary = np.unique(np.concatenate([p.vocabulary for p in parts])) if parts else np.zeros(0, dtype=object)
    stacked, all_keys = [], []
    for p in parts:
        columns = np.searchsorted(vocabulary, p.vocabulary).astype(np.int32)
        m = p.matrix.tocsr()
        stacked.append(sparse.csr_matrix((m.data, columns[m.indices], m.indptr), shape=(m.shape[0], len(vocabulary))))
        all_keys.append(p.keys)
    matrix = sparse.vstack(stacked, format="csr") if stacked else sparse.csr_matrix((0, 0), dtype=np.int32)
    stacked_keys = np.concatenate(all_keys) if all_keys else np.zeros(0, dtype=object)
    matrix = TermCounts(stacked_keys, vocabulary, matrix).rows(keys)  # KeyError when a key has no counts
    used = np.flatnonzero(np.diff(matrix.tocsc().indptr) > 0)
    matrix = matrix[:, used]
    matrix.sort_indices()
    return TermCounts(np.asarray(keys, dtype=object), vocabulary[used], matrix.astype(np.int32))


def _rows(counts: TermCounts, keys: np.ndarray) -> TermCounts:
    return TermCounts(np.asarray(keys, dtype=object), counts.vocabulary, counts.rows(keys))
