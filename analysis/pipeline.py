"""The build: data/raw/ → data/processed/ tables → reports/ figures and report.

Incremental: each raw file's parse and classification are cached under .cache/ by
content hash (recorded by size, modification time and inode, see `scan_raw`) and by the
versions of the parser, the ingest resources, the codebook and the segmenter; only new or
changed files are re-parsed, a codebook change re-classifies every task, and removed files
drop out. What a build assembled from those results (the per-document tables, term counts
and bootstrap shares) is kept as one snapshot (`analysis.snapshot`), so the next build reads
one file for every unchanged plan instead of one cache file each. Corpus-level measures are
recomputed each time anything changed; a build with nothing to do reuses the last build's
outputs (`analysis.freshness`). Outputs are written atomically (temporary file, then rename), tables
are schema-checked first, and a lock keeps two builds apart.

Scale: everything that depends on one document only — parsing, classifying, segmenting
and the plan's bootstrap resamples — runs once, in worker processes, and is cached. The
main process streams the results in file order: it writes each cache file, turns the
document into table rows and its token lists into a compact term-count matrix, and keeps
nothing else, so memory grows with the tables, not with the raw text. The corpus stage
starts from those counts and the cached resamples; the topic model's fit is cached by
its input (see `analysis.domains.topics`).
"""
from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import time
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import config, forks, freshness, snapshot
from . import corpus as _corpus  # noqa: F401 — registers its tables before the measures' (order of docs/tables.md)
from .atomic import atomic_write_text, atomic_write_with, remove_temporaries, temporary
from .schemas import TABLES, check

MANIFEST = "manifest.json"
LOCK = ".build.lock"


# ---------------------------------------------------------------------------- versions and keys
def _file_digest(*paths: Path) -> str:
    h = hashlib.sha256()
    for p in paths:
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def versions() -> dict[str, str]:
    """Versions of everything that changes the outputs for an unchanged raw file."""
    from .domains import load_codebook
    from .ingest import PARSER_VERSION
    from .text.segment import resources_digest

    return {
        "parser": PARSER_VERSION,
        "code": freshness.per_document_code(),
        "ingest_resources": _file_digest(config.INGEST_PATTERNS, config.REGIONS, config.TOWNSHIPS),
        "codebook": load_codebook(config.CODEBOOK).digest[:16],
        "segmenter": resources_digest(),
    }


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _raw_files(raw_dir: Path) -> list[os.DirEntry]:
    """The supported raw files, by name; a DirEntry knows from the listing whether it is a file
    and keeps its stat (at 20,000 files half the time of Path.iterdir, is_file and stat)."""
    with os.scandir(raw_dir) as listing:
        return sorted((e for e in listing if not e.name.startswith(".") and e.is_file()
                       and os.path.splitext(e.name)[1].lower() in config.RAW_SUFFIXES), key=lambda e: e.name)


def _utf8(name: str) -> bool:
    """False for a name holding bytes the file system could not decode (a GBK name from an unzip)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


#: Files modified less than this many nanoseconds before a scan are hashed again at the next one.
SETTLED_NS = 2_000_000_000


def scan_raw(raw_dir: Path, known: dict[str, list] | None = None) -> dict[str, str]:
    """{file name: sha256} of every supported raw file (sorted); names that are not UTF-8 are left out.

    `known` ({absolute path: [size, mtime_ns, inode, sha256]}, from an earlier scan) saves reading
    files: one whose size, modification time and inode are unchanged keeps its hash, as git and
    rsync decide; it is updated in place. Only files settled for `SETTLED_NS` are entered, so one
    rewritten within the same clock tick as a scan is hashed again next time."""
    out, now, folder = {}, time.time_ns(), str(raw_dir.resolve())
    for e in _raw_files(raw_dir):
        if not _utf8(e.name):
            continue
        st = e.stat()
        key = os.path.join(folder, e.name) if not e.is_symlink() else str(Path(e.path).resolve())  # as Path.resolve
        stamp = [st.st_size, st.st_mtime_ns, st.st_ino]
        entry = known.get(key) if known is not None else None
        if entry is not None and entry[:3] == stamp:
            out[e.name] = entry[3]
            continue
        out[e.name] = sha256_file(Path(e.path))
        if known is not None and now - st.st_mtime_ns > SETTLED_NS:
            known[key] = [*stamp, out[e.name]]
    return out


def _hashes_path(cache_dir: Path) -> Path:
    return Path(cache_dir) / "raw-hashes.json"


def known_hashes(cache_dir: Path) -> dict[str, list]:
    """The hashes earlier scans recorded (see `scan_raw`); empty when there are none or they are unreadable."""
    try:
        known = json.loads(_hashes_path(cache_dir).read_text(encoding="utf-8"))
        return known if isinstance(known, dict) else {}
    except (OSError, ValueError):
        return {}


def save_hashes(cache_dir: Path, raw_dir: Path, known: dict[str, list], current: dict[str, str],
                recorded: dict[str, list] | None = None) -> None:
    """Keep what `scan_raw` recorded, less the files gone from `raw_dir` (an accelerator: no fsync);
    nothing is written when that is what was `recorded` before the scan."""
    folder = str(raw_dir.resolve()) + os.sep
    known = {k: v for k, v in known.items() if not k.startswith(folder) or os.path.basename(k) in current}
    if known == recorded:
        return
    text = json.dumps(known, ensure_ascii=False, sort_keys=True).encode("utf-8")
    atomic_write_with(_hashes_path(cache_dir), lambda fh: fh.write(text), durable=False)


def undecodable_names(raw_dir: Path) -> list[str]:
    """Raw files left out because their names are not UTF-8, shown with \\xNN for the odd bytes."""
    return [os.fsencode(e.name).decode("utf-8", "backslashreplace") for e in _raw_files(raw_dir)
            if not _utf8(e.name)]


def raw_manifest(raw_dir: Path) -> dict[str, dict]:
    """Rows of data/raw/manifest.csv by file name."""
    path = raw_dir / "manifest.csv"
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as fh:
        return {row["file"]: row for row in csv.DictReader(fh)}


def overrides(raw_dir: Path) -> dict[str, dict]:
    """Researcher's metadata corrections (data/raw/overrides.csv): {file: {field: value}}."""
    path = raw_dir / "overrides.csv"
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as fh:
        return {row["file"]: {k: v for k, v in row.items() if k != "file" and v not in ("", None)}
                for row in csv.DictReader(fh)}


# ---------------------------------------------------------------------------- per-document stage
def _process(args: tuple[str, str, str, Path | None]) -> dict:
    """Parse, classify and segment one raw file and resample its tasks (runs in a worker process);
    the result is written to its cache file (when given and the file could be read) and returned."""
    from .domains import classify_tasks, default_classifier
    from .ingest import parse_bytes, parse_file
    from .measure.emphasis import plan_bootstrap, weight_matrix
    from .readers import ReadError, load_bytes
    from .text.segment import tokenize

    path, file, sha, cache_path = args
    clock, cpu = time.perf_counter(), time.process_time()
    try:
        data = load_bytes(path)  # refuses pipes, devices and files over MAX_RAW_BYTES without reading them
    except ReadError:
        data = None  # parse_file says why
    read = time.perf_counter()
    doc = parse_file(path) if data is None else parse_bytes(data, str(path))
    parsed = time.perf_counter()
    scored = classify_tasks(doc.tasks)
    classified = time.perf_counter()
    tokens = [tokenize(t.content) for t in doc.tasks]
    segmented = time.perf_counter()
    shares = None
    if doc.tasks:
        chars = [float(len(t.content)) for t in doc.tasks]
        codebook = default_classifier().codebook_
        shares = plan_bootstrap(file, weight_matrix([s.domains for s in scored], codebook), np.array(chars), codebook)
    result = {"file": file, "sha256": sha, "document": doc.to_dict(), "scored": [s.to_dict() for s in scored],
              "tokens": tokens, "shares": shares}
    resampled = time.perf_counter()
    if cache_path is not None and not doc.failed:
        data = json.dumps(result, ensure_ascii=False).encode("utf-8")
        atomic_write_with(cache_path, lambda fh: fh.write(data), durable=False)
    done = time.perf_counter()
    result["seconds"] = {"start": _STARTED.pop() if _STARTED else 0.0, "read": read - clock, "parse": parsed - read,
                         "classify": classified - parsed, "segment": segmented - classified,
                         "bootstrap": resampled - segmented, "cache": done - resampled,
                         "cpu": time.process_time() - cpu}
    return result


def _restore(cached: dict):
    from .domains import Scored
    from .ingest import Document, Task

    d = dict(cached["document"])
    d["tasks"] = [Task(**t) for t in d["tasks"]]
    return Document(**d), [Scored(**s) for s in cached["scored"]]


def _compact_shares(shares: dict | None) -> dict | None:
    """A plan's cached bootstrap shares with numpy arrays (a fraction of the memory of lists)."""
    if not shares:
        return None
    out = dict(shares)
    for kind in ("domain", "group"):
        part = dict(shares[kind])
        for key, values in part.items():
            if key != "labels":
                part[key] = np.asarray(values, dtype=np.int64 if key == "n_tasks" else np.float64)
        out[kind] = part
    return out


class Cache:
    """Per-document results on disk, keyed by content hash and versions."""

    def __init__(self, folder: Path, vers: dict[str, str]):
        self.folder = folder
        self.key = hashlib.sha256(json.dumps(vers, sort_keys=True).encode()).hexdigest()[:12]

    def path(self, sha: str) -> Path:
        return self.folder / f"{sha}-{self.key}.json"

    def has(self, sha: str) -> bool:
        return self.path(sha).exists()

    def get(self, sha: str) -> dict | None:
        p = self.path(sha)
        if not p.exists():
            return None
        try:
            return json.loads(p.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            return None



# ---------------------------------------------------------------------------- writing
def _write_parquet(frame: pd.DataFrame, path: str) -> None:
    frame.to_parquet(path, index=False, engine="pyarrow", compression="zstd")


def _write_csv(frame: pd.DataFrame, path: str) -> None:
    """UTF-8 CSV with a BOM (Excel then reads the Chinese), written by pyarrow in a fraction of
    pandas' time. A whole float keeps its decimal point (3.0, where pyarrow writes 3), so
    `pd.read_csv` gives back the frame it would from pandas' own CSV, float columns included."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv

    table = pa.Table.from_pandas(frame, preserve_index=False)
    for i, column in enumerate(table.columns):
        if pa.types.is_floating(column.type):
            text = pc.cast(column, pa.string())
            values = column.to_numpy()  # nulls as NaN
            rows = np.flatnonzero(np.floor(values) == values)  # only these can be written without a point
            picked = text.take(rows)
            plain = pc.match_substring_regex(picked, r"^-?\d+$").to_numpy(zero_copy_only=False)
            whole = np.zeros(len(values), dtype=bool)
            whole[rows[plain]] = True
            table = table.set_column(i, table.field(i).name, pc.replace_with_mask(
                text, pa.array(whole), pc.binary_join_element_wise(picked.filter(plain), ".0", "").combine_chunks()))
    with open(path, "wb") as fh:
        fh.write("\ufeff".encode())
        pyarrow.csv.write_csv(table, fh)


def write_tables(tables: dict[str, pd.DataFrame], out_dir: Path) -> list[Path]:
    """Schema-check every table, stage all files, then rename them into place.

    Files are staged as temporary files beside their targets, written in chunks, so a large
    table never exists twice in memory as text; two threads write them (pyarrow releases the
    GIL): at 20,000 plans 2.9 s instead of 5.4, for 0.1 GB more at the peak.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    staged: dict[Path, str] = {}
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            jobs = []
            for name, frame in tables.items():
                frame = check(name, frame)
                for suffix, write in ((".parquet", _write_parquet), (".csv", _write_csv)):
                    path = out_dir / f"{name}{suffix}"
                    staged[path] = tmp = temporary(path)
                    jobs.append(pool.submit(write, frame, tmp))
            for job in jobs:
                job.result()
        for path, tmp in staged.items():
            os.replace(tmp, path)
    except BaseException:
        for tmp in staged.values():
            Path(tmp).unlink(missing_ok=True)
        raise
    return list(staged)


def _staging(out_dir: Path) -> Path:
    return out_dir.with_name(f".{out_dir.name}.staging")


def _previous(out_dir: Path) -> Path:
    return out_dir.with_name(f".{out_dir.name}.previous")


def publish(tables: dict[str, pd.DataFrame], manifest: str, out_dir: Path) -> list[Path]:
    """Write every table and the manifest into a staging folder, then put it in place of out_dir with
    two renames: a build killed at any point leaves either the old outputs or the new ones, never a mix."""
    staging, previous = _staging(out_dir), _previous(out_dir)
    shutil.rmtree(staging, ignore_errors=True)
    written = write_tables(tables, staging)
    atomic_write_text(staging / MANIFEST, manifest)
    for keep in out_dir.glob(".gitkeep"):
        shutil.copy2(keep, staging / keep.name)
    shutil.rmtree(previous, ignore_errors=True)
    if out_dir.exists():
        os.rename(out_dir, previous)
    os.rename(staging, out_dir)
    shutil.rmtree(previous, ignore_errors=True)
    return [out_dir / p.name for p in written]


def recover(out_dir: Path) -> None:
    """Undo what a build killed inside publish() left: a half-written staging folder, or the old outputs
    moved aside but the new ones not yet in place (run under the build lock)."""
    shutil.rmtree(_staging(out_dir), ignore_errors=True)
    previous = _previous(out_dir)
    if previous.exists():
        if out_dir.exists():
            shutil.rmtree(previous, ignore_errors=True)
        else:
            os.rename(previous, out_dir)
    remove_temporaries(out_dir)


# ---------------------------------------------------------------------------- lock
class BuildLocked(RuntimeError):
    """Another build holds the lock."""


class Lock:
    """An exclusive lock (fcntl.flock) on a lock file; the kernel releases it when the holder exits,
    however it exits, so a killed build never leaves a stale lock. The file holds the holder's pid for
    the message and is never deleted: a build waiting on a deleted file would lock a different one.
    Forked workers close their copy of the descriptor (`forks.detach`): workers orphaned by a killed
    build must not keep its lock."""

    def __init__(self, path: Path):
        self.path = path
        self.fd: int | None = None

    def __enter__(self):
        import fcntl

        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 32).decode(errors="replace").strip() or "?"
            os.close(fd)
            raise BuildLocked(f"another build (pid {holder}) is running (it holds {self.path}); "
                              "wait for it to finish") from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self.fd = fd
        forks.HELD_LOCKS.add(fd)
        return self

    def __exit__(self, *exc):
        forks.HELD_LOCKS.discard(self.fd)
        os.ftruncate(self.fd, 0)
        os.close(self.fd)  # releases the lock
        self.fd = None


# ---------------------------------------------------------------------------- status
@dataclass
class Status:
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    not_in_raw_manifest: list[str] = field(default_factory=list)
    modified_since_added: list[str] = field(default_factory=list)


def status(raw_dir: Path = config.RAW_DIR, out_dir: Path = config.PROCESSED_DIR,
           cache_dir: Path = config.CACHE_DIR) -> Status:
    """Compare data/raw/ with what the last build processed (nothing is written)."""
    current = scan_raw(raw_dir, known_hashes(cache_dir))
    built = _read_manifest(out_dir).get("files", {})
    st = Status()
    for file, sha in current.items():
        if file not in built:
            st.new.append(file)
        elif built[file] != sha:
            st.changed.append(file)
        else:
            st.unchanged.append(file)
    st.removed = sorted(set(built) - set(current))
    listed = raw_manifest(raw_dir)
    st.not_in_raw_manifest = [f for f in current if f not in listed]
    st.modified_since_added = [f for f in current if f in listed and listed[f].get("sha256") not in ("", None, current[f])]
    return st


def _read_manifest(out_dir: Path) -> dict:
    try:
        return json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}


# ---------------------------------------------------------------------------- build
@dataclass
class BuildSummary:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    processed: list[str] = field(default_factory=list)  # parsed/classified in this build (not from cache)
    failed: list[str] = field(default_factory=list)
    reasons: dict[str, str] = field(default_factory=dict)  # failed file → why it could not be read
    n_documents: int = 0
    n_plans: int = 0
    n_tasks: int = 0
    n_warnings: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    outputs: list[str] = field(default_factory=list)
    charts_left_out: dict[str, str] = field(default_factory=dict)  # view → why (corpus too large to draw)
    up_to_date: bool = False  # nothing was rebuilt: the last build's outputs are current (see analysis.freshness)

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0


def _apply_overrides(doc, fields: dict) -> None:
    casts = {"plan_year": int, "is_plan": lambda v: str(v).lower() in ("1", "true", "yes")}
    for key, value in fields.items():
        if hasattr(doc, key):
            setattr(doc, key, casts.get(key, str)(value))
    if fields:
        doc.warnings.append("metadata corrected from overrides.csv: " + ", ".join(sorted(fields)))


class _Tables:
    """Per-document table rows, collected document by document and turned into frames in chunks."""

    NAMES = ("documents", "tasks", "task_domains", "citations", "annex_rows")
    CHUNK = 500  # documents per intermediate frame

    def __init__(self, corrections: dict, listed: dict, current: dict[str, str]):
        self.corrections, self.listed, self.current = corrections, listed, current
        self.rows: dict[str, list[dict]] = {name: [] for name in self.NAMES}
        self.chunks: dict[str, list[pd.DataFrame]] = {name: [] for name in self.NAMES}
        self.pending = 0

    def add(self, file: str, result: dict) -> list[str]:
        """Rows of one document (overrides and manifest warnings applied); returns its task ids."""
        from .tables import document_tables

        doc, scored = _restore(result)
        _apply_overrides(doc, self.corrections.get(file, {}))
        if file not in self.listed:
            doc.warnings.append("not listed in data/raw/manifest.csv (add plans with `python -m analysis add`)")
        elif self.listed[file].get("sha256") and self.listed[file]["sha256"] != self.current[file]:
            doc.warnings.append("raw file differs from the sha256 recorded in data/raw/manifest.csv")
        parts = document_tables(doc, file, scored)
        for name, part in parts.items():
            self.rows[name].extend(part)
        self.pending += 1
        if self.pending >= self.CHUNK:
            self._flush()
        return [row["task_id"] for row in parts["tasks"]]

    def _flush(self) -> None:
        from .tables import frame

        for name, rows in self.rows.items():
            if rows:
                self.chunks[name].append(frame(name, rows))
            self.rows[name] = []
        self.pending = 0

    def frames(self) -> dict[str, pd.DataFrame]:
        from .schemas import conform
        from .tables import frame

        self._flush()
        return {name: conform(name, pd.concat(chunks, ignore_index=True)) if len(chunks) > 1 else
                (chunks[0] if chunks else frame(name, [])) for name, chunks in self.chunks.items()}


def build(raw_dir: Path = config.RAW_DIR, out_dir: Path = config.PROCESSED_DIR,
          reports_dir: Path = config.REPORTS_DIR, cache_dir: Path = config.CACHE_DIR, *, force: bool = False,
          workers: int | None = None, figures: bool = True, report: bool = True, lang: str = config.LANG,
          include_partial: bool = False, lineage: bool | None = None, progress=None,
          resident: bool = False) -> BuildSummary:
    """Run the whole build and return what happened (see module docstring). `lineage`: compute the
    lineage tables (None: only for corpora of at most config.LINEAGE_AUTO_MAX_PLANS plans);
    `resident`: keep the per-document products in this process for its next build (`watch`; up to
    config.RESIDENT_MAX_FILES raw files)."""
    out_dir = Path(out_dir)
    with Lock(out_dir.parent / f".{out_dir.name}{LOCK}"):  # beside the folder: publish() swaps the folder
        recover(out_dir)
        for folder in (Path(cache_dir), Path(cache_dir) / "documents", Path(reports_dir), Path(reports_dir) / "figures"):
            remove_temporaries(folder)
        return _build(Path(raw_dir), Path(out_dir), Path(reports_dir), Path(cache_dir), force, workers, figures,
                      report, lang, include_partial, progress, lineage=lineage, resident=resident)


def _build(raw_dir, out_dir, reports_dir, cache_dir, force, workers, figures, report, lang, include_partial,
           progress, lineage=None, resident=False) -> BuildSummary:
    from threadpoolctl import threadpool_limits

    from .text.counts import CountsBuilder

    summary = BuildSummary()
    clock = time.perf_counter()
    vers = versions()
    known = {} if force else known_hashes(cache_dir)
    recorded = dict(known)
    current, undecodable = scan_raw(raw_dir, known), undecodable_names(raw_dir)
    before = _read_manifest(out_dir)
    built = before.get("files", {})
    summary.added = [f for f in current if f not in built]
    summary.changed = [f for f in current if f in built and built[f] != current[f]]
    summary.removed = sorted(set(built) - set(current))
    summary.unchanged = [f for f in current if f in built and built[f] == current[f]]
    record = {} if force else freshness.read_record(cache_dir)
    memory, cache = cache_dir / "corpus", Cache(cache_dir / "documents", vers)
    resident = resident and len(current) <= config.RESIDENT_MAX_FILES
    # the files' hashes and the two lists' bytes: at 20,000 files, reading the lists and the
    # files' fingerprints would be half of a build with nothing to do
    tables_key = freshness.key(files=current, versions=vers, code=freshness.code_digest(),
                               lists=[freshness.file_digest(raw_dir / name) for name in ("overrides.csv", "manifest.csv")],
                               undecodable=undecodable, include_partial=include_partial,
                               lineage=lineage, folder=str(out_dir.resolve()))
    if freshness.current(record.get("tables"), tables_key, out_dir):  # nothing changed since the last build
        for name, value in record["tables"]["summary"].items():
            setattr(summary, name, value)
        summary.up_to_date = True
        save_hashes(cache_dir, raw_dir, known, current, recorded)
        if resident:  # read now, while nothing waits for it, rather than in the next build
            if (held := snapshot.load(memory, cache.key)) is not None:
                snapshot.keep(memory, cache.key, held)
        summary.seconds["scan"] = time.perf_counter() - clock
        return _reports(summary, None, tables_key, record, out_dir, reports_dir, cache_dir, figures, report, lang,
                        raw_dir, vers, workers)
    corrections, listed = overrides(raw_dir), raw_manifest(raw_dir)
    prints = {file: snapshot.fingerprint(sha, corrections.get(file), listed.get(file)) for file, sha in current.items()}
    cache.folder.mkdir(parents=True, exist_ok=True)
    todo = [(str(raw_dir / file), file, sha, cache.path(sha)) for file, sha in current.items()
            if force or not cache.has(sha)]
    pending = {item[1] for item in todo}
    summary.seconds["scan"] = time.perf_counter() - clock
    if todo:  # the parser, classifier and dictionary load here, once; forked workers inherit them
        summary.seconds["load"] = _start()

    clock = time.perf_counter()
    remove_temporaries(memory)
    snap = None if force else snapshot.load(memory, cache.key)
    kept = set() if snap is None else {f for f in current if snap.fingerprints.get(f) == prints[f]} - pending
    tables = _Tables(corrections, listed, current)
    counts, shares = CountsBuilder(), {}
    fresh = _run(todo, workers, progress)
    for file, sha in current.items():  # file order; fresh results arrive in the same order
        if file in kept:
            continue
        result = next(fresh) if file in pending else cache.get(sha)
        if result is None:  # an unreadable cache file
            result = _process((str(raw_dir / file), file, sha, cache.path(sha)))
            pending.add(file)
        if file in pending:
            for stage, seconds in result.pop("seconds").items():
                summary.seconds[stage] = summary.seconds.get(stage, 0.0) + seconds
            summary.processed.append(file)
        task_ids = tables.add(file, result)
        for task_id, tokens in zip(task_ids, result["tokens"]):
            counts.add(task_id, tokens)
        if result.get("shares"):
            shares[file] = _compact_shares(result["shares"])
    next(fresh, None)  # let the worker pool shut down
    summary.seconds["documents"] = time.perf_counter() - clock

    clock = time.perf_counter()
    tables, counts = tables.frames(), counts.build()
    if kept:  # the unchanged files' rows from the snapshot, the others' as just assembled
        old_tables, old_counts, old_shares = snap.take(kept)
        files = list(current)
        tables = snapshot.combine([old_tables, tables], files)
        counts = snapshot.merge_counts([old_counts, counts], tables["tasks"]["task_id"].to_numpy(dtype=object))
        del old_counts
        shares = {f: s for f in files for s in [shares.get(f, old_shares.get(f))] if s is not None}
    docs = tables["documents"]
    failed = docs.loc[docs["failed"].fillna(False).astype(bool), ["file", "warnings"]]
    summary.failed = failed["file"].tolist() + [f"{name} (file name is not UTF-8: rename it)" for name in undecodable]
    summary.reasons = {f: str(w).split("；")[0] for f, w in zip(failed["file"], failed["warnings"].fillna(""), strict=True)}
    summary.n_documents, summary.n_tasks = len(docs), len(tables["tasks"])
    summary.n_plans = int((docs["is_plan"].fillna(False) & ~docs["failed"].fillna(False)).sum()) if len(docs) else 0
    summary.n_warnings = int(sum(len([w for w in str(x).split("；") if w]) for x in docs["warnings"].fillna("")))
    fresh_snapshot = snapshot.Snapshot(prints, dict(tables), counts, shares, saved=None if snap is None else snap.saved)
    summary.seconds["tables"] = time.perf_counter() - clock

    clock = time.perf_counter()
    with threadpool_limits(1):  # see `_run`; the corpus stage's products are small too
        tables.update(corpus_measures(tables, include_partial=include_partial, counts=counts, shares=shares,
                                      memory=memory, lineage=lineage, workers=workers or os.cpu_count()))
    summary.seconds["measures"] = time.perf_counter() - clock

    clock = time.perf_counter()
    manifest = {"files": current, "versions": vers, "tables": sorted(tables)}
    written = publish(tables, json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True), out_dir)
    summary.outputs = [str(p) for p in written]
    if snapshot.stale(fresh_snapshot.saved, prints):
        snapshot.save(memory, cache.key, fresh_snapshot, lambda path, fill: atomic_write_with(path, fill, durable=False))
        fresh_snapshot.saved = prints
    if resident:
        snapshot.keep(memory, cache.key, fresh_snapshot)
    save_hashes(cache_dir, raw_dir, known, current, recorded)
    summary.seconds["write"] = time.perf_counter() - clock

    freshness.write_record(cache_dir, tables={
        "key": tables_key, "outputs": freshness.stamps(out_dir, [*written, out_dir / MANIFEST]),
        "summary": {name: getattr(summary, name) for name in ("failed", "reasons", "n_documents", "n_plans",
                                                               "n_tasks", "n_warnings")}})
    return _reports(summary, tables, tables_key, record, out_dir, reports_dir, cache_dir, figures, report, lang,
                    raw_dir, vers, workers)


def _reports(summary: BuildSummary, tables, tables_key: str, record: dict, out_dir: Path, reports_dir: Path,
             cache_dir: Path, figures: bool, report: bool, lang: str, raw_dir: Path, vers: dict,
             workers: int | None) -> BuildSummary:
    """Draw the figures and write the report (`tables` None: read them from out_dir), unless those of
    the last build are current for these tables and options."""
    if not (figures or report):
        return summary
    clock = time.perf_counter()
    wanted = freshness.key(tables=tables_key, lang=lang, figures=figures, report=report,
                           inputs=freshness.report_inputs(), folder=str(reports_dir.resolve()))
    if freshness.current(record.get("reports"), wanted, reports_dir):
        summary.charts_left_out = record["reports"]["charts_left_out"]
        return summary
    summary.up_to_date = False
    if tables is None:
        from .viz.frames import CHART_TASK_COLUMNS

        tables = StoredTables(out_dir, {"tasks": CHART_TASK_COLUMNS})
    written = render_outputs(tables, reports_dir, lang, figures, report, workers=_workers(workers), raw_dir=raw_dir,
                             versions=vers)
    summary.outputs += [str(p) for p in written]
    if figures:
        from .viz.export import left_out_views

        summary.charts_left_out = {view: str(why) for view, why in left_out_views(tables).items()}
    freshness.write_record(cache_dir, reports={"key": wanted, "outputs": freshness.stamps(reports_dir, written),
                                               "charts_left_out": summary.charts_left_out})
    summary.seconds["figures+report"] = time.perf_counter() - clock
    return summary


def _run(todo: list[tuple], workers: int | None, progress):
    """Per-document stage, in worker processes when there is enough work; results in input order.

    Each process uses one BLAS thread: the work is already spread over the processes, and
    idle BLAS threads spinning beside them cost more than the tiny products they speed up.
    The caller loads the models first (`_start`, with the dictionary only when nothing forks).
    The objects that exist before the stage (modules, codebook, ...) are frozen out of garbage
    collection meanwhile (`gc.freeze`, as Python's documentation advises before a fork): the
    collections the stage triggers walk only what it allocates, and forked workers do not copy
    the parent's pages by marking them.
    """
    import gc

    from threadpoolctl import threadpool_limits

    if progress:
        progress.start(len(todo))
    gc.freeze()
    try:
        if todo and not _forks(todo, workers):
            with threadpool_limits(1):
                for item in todo:
                    yield _process(item)
                    if progress:
                        progress.advance()
        elif todo:
            with ProcessPoolExecutor(max_workers=_workers(workers), initializer=_start_worker) as pool:
                chunk = max(1, min(16, len(todo) // (_workers(workers) * 32)))
                for result in pool.map(_process, todo, chunksize=chunk):
                    yield result
                    if progress:
                        progress.advance()
    finally:
        gc.unfreeze()
    if progress:
        progress.stop()


def _workers(workers: int | None) -> int:
    return workers or os.cpu_count() or 1


def _forks(todo: list, workers: int | None) -> bool:
    """Whether `_run` hands `todo` to worker processes (not worth it for a few documents)."""
    return _workers(workers) > 1 and len(todo) >= 4


_STARTED: list[float] = []


def _start() -> float:
    """Load the parser, the classifier and the segmenter's dictionary, so that the stage timings of
    the first document do not include them; returns the seconds it took (nothing in a forked worker:
    the build process loaded them before forking)."""
    clock = time.perf_counter()
    from .domains import default_classifier
    from .ingest.document import parser
    from .text.segment import tokenize

    parser()
    default_classifier()
    tokenize("政务公开")
    return time.perf_counter() - clock


def preload() -> None:
    """Import and load everything a build with work to do needs (`_start`, the corpus measures and
    the topic model's scikit-learn), for a process that builds again and again (`watch`)."""
    _start()
    from . import corpus, measure  # noqa: F401
    from .domains import topics  # noqa: F401


def _start_worker() -> None:
    from threadpoolctl import threadpool_limits

    forks.detach()
    threadpool_limits(1)
    _STARTED.append(_start())


def corpus_measures(tables: dict[str, pd.DataFrame], include_partial: bool = False, **inputs) -> dict[str, pd.DataFrame]:
    """Corpus-level tables (emphasis, comparisons, vocabulary, similarity, topics) from the per-document ones;
    `inputs` are what the per-document stage prepared (see `analysis.corpus.corpus_tables`)."""
    from .corpus import corpus_tables

    return corpus_tables(tables, include_partial=include_partial, **inputs)


def render_outputs(tables, reports_dir: Path, lang: str, figures: bool, report: bool, workers: int = 1,
                   **context) -> list[Path]:
    """Figures (reports/figures/, drawn by `workers` processes) and the HTML report (reports/index.html)."""
    written: list[Path] = []
    if figures:
        from .viz.export import render_all

        written += render_all(tables, reports_dir / "figures", lang, workers=workers)
    if report:
        from .report import build_report

        written.append(build_report(tables, reports_dir, lang=lang, **context))
    return written


def available_tables(out_dir: Path = config.PROCESSED_DIR) -> list[str]:
    return sorted(p.stem for p in out_dir.glob("*.parquet"))


def read_table(name: str, out_dir: Path = config.PROCESSED_DIR, columns: list[str] | None = None) -> pd.DataFrame:
    """A processed table, as written by the last build (only `columns`, when given)."""
    path = out_dir / f"{name}.parquet"
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist: run `make report` (or `python -m analysis build`) first")
    return pd.read_parquet(path, columns=columns)


class StoredTables(Mapping):
    """The processed tables of out_dir as a read-only mapping, each read when first asked for, and
    of `columns` ({table: columns}) only the columns named. The figures and report drawn from stored
    tables read the task table's chart columns and never read the tables they do not draw: in the
    20,000-plan benchmark 2.5 GB at the peak instead of 3.6 GB for all of every table."""

    def __init__(self, out_dir: Path, columns: dict[str, list[str]] | None = None):
        self.out_dir, self.columns = Path(out_dir), columns or {}
        self.names = available_tables(self.out_dir)
        self.read: dict[str, pd.DataFrame] = {}

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self.names:
            raise KeyError(name)
        if name not in self.read:
            import pyarrow.parquet as pq

            wanted = self.columns.get(name)
            present = None if wanted is None else [c for c in wanted if c in pq.read_schema(
                self.out_dir / f"{name}.parquet").names]
            self.read[name] = read_table(name, self.out_dir, present)
        return self.read[name]

    def __iter__(self):
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)


__all__ = ["BuildLocked", "BuildSummary", "Status", "StoredTables", "TABLES", "available_tables", "build", "read_table",
           "status"]
