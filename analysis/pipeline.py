"""The build: data/raw/ → data/processed/ tables → reports/ figures and report.

Incremental: each raw file's parse and classification are cached under .cache/ by
content hash and by the versions of the parser, the ingest resources, the codebook and
the segmenter; only new or changed files are re-parsed, a codebook change re-classifies
every task, and removed files drop out. Corpus-level measures are recomputed each time
from the cached per-document results. Outputs are written atomically (temporary file,
then rename), tables are schema-checked first, and a lock keeps two builds apart.
"""
from __future__ import annotations

import csv
import hashlib
import json
import os
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

from . import config
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
        "ingest_resources": _file_digest(config.INGEST_PATTERNS, config.REGIONS),
        "codebook": load_codebook().digest[:16],
        "segmenter": resources_digest(),
    }


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def scan_raw(raw_dir: Path) -> dict[str, str]:
    """{file name: sha256} of every supported raw file (sorted)."""
    return {p.name: sha256_file(p) for p in sorted(raw_dir.iterdir())
            if p.is_file() and p.suffix.lower() in config.RAW_SUFFIXES and not p.name.startswith(".")}


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
def _process(args: tuple[str, str, str]) -> dict:
    """Parse, classify and segment one raw file (runs in a worker process)."""
    from .domains import classify_tasks
    from .ingest import parse_file
    from .text.segment import tokenize

    path, file, sha = args
    doc = parse_file(path)
    scored = classify_tasks(doc.tasks)
    return {"file": file, "sha256": sha, "document": doc.to_dict(),
            "scored": [asdict(s) for s in scored], "tokens": [tokenize(t.content) for t in doc.tasks]}


def _restore(cached: dict):
    from .domains import Scored
    from .ingest import Document, Task

    d = dict(cached["document"])
    d["tasks"] = [Task(**t) for t in d["tasks"]]
    return Document(**d), [Scored(**s) for s in cached["scored"]]


class Cache:
    """Per-document results on disk, keyed by content hash and versions."""

    def __init__(self, folder: Path, vers: dict[str, str]):
        self.folder = folder
        self.key = hashlib.sha256(json.dumps(vers, sort_keys=True).encode()).hexdigest()[:12]

    def path(self, sha: str) -> Path:
        return self.folder / f"{sha}-{self.key}.json"

    def get(self, sha: str) -> dict | None:
        p = self.path(sha)
        if not p.exists():
            return None
        try:
            return json.loads(p.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            return None

    def put(self, sha: str, result: dict) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        atomic_write_text(self.path(sha), json.dumps(result, ensure_ascii=False))


# ---------------------------------------------------------------------------- writing
def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write to a temporary file in the same folder, then rename over the target."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _parquet_bytes(frame: pd.DataFrame) -> bytes:
    import io

    buf = io.BytesIO()
    frame.to_parquet(buf, index=False, engine="pyarrow", compression="zstd")
    return buf.getvalue()


def write_tables(tables: dict[str, pd.DataFrame], out_dir: Path) -> list[Path]:
    """Schema-check every table, stage all files, then rename them into place."""
    staged = {}
    for name, frame in tables.items():
        frame = check(name, frame)
        staged[out_dir / f"{name}.parquet"] = _parquet_bytes(frame)
        staged[out_dir / f"{name}.csv"] = frame.to_csv(index=False, lineterminator="\n").encode("utf-8-sig")
    for path, data in staged.items():
        atomic_write_bytes(path, data)
    return list(staged)


# ---------------------------------------------------------------------------- lock
class BuildLocked(RuntimeError):
    """Another build holds the lock."""


class Lock:
    """An exclusive lock file with the holder's pid; a stale lock (dead pid) is taken over."""

    def __init__(self, path: Path):
        self.path = path

    def __enter__(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for _ in range(2):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            except FileExistsError:
                pid = self._holder()
                if pid and _alive(pid):
                    raise BuildLocked(f"another build (pid {pid}) is running on {self.path.parent}; "
                                      f"wait for it to finish (or delete {self.path} if it is not running)") from None
                self.path.unlink(missing_ok=True)
                continue
            with os.fdopen(fd, "w") as fh:
                fh.write(str(os.getpid()))
            return self
        raise BuildLocked(f"could not take the build lock {self.path}")

    def _holder(self) -> int | None:
        try:
            return int(self.path.read_text().strip() or 0)
        except (OSError, ValueError):
            return None

    def __exit__(self, *exc):
        self.path.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# ---------------------------------------------------------------------------- status
@dataclass
class Status:
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    not_in_raw_manifest: list[str] = field(default_factory=list)
    modified_since_added: list[str] = field(default_factory=list)


def status(raw_dir: Path = config.RAW_DIR, out_dir: Path = config.PROCESSED_DIR) -> Status:
    """Compare data/raw/ with what the last build processed (nothing is written)."""
    current = scan_raw(raw_dir)
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
    n_documents: int = 0
    n_plans: int = 0
    n_tasks: int = 0
    n_warnings: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    outputs: list[str] = field(default_factory=list)

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


def build(raw_dir: Path = config.RAW_DIR, out_dir: Path = config.PROCESSED_DIR,
          reports_dir: Path = config.REPORTS_DIR, cache_dir: Path = config.CACHE_DIR, *, force: bool = False,
          workers: int | None = None, figures: bool = True, report: bool = True, lang: str = config.LANG,
          include_partial: bool = False, progress=None) -> BuildSummary:
    """Run the whole build and return what happened (see module docstring)."""
    with Lock(out_dir / LOCK):
        return _build(Path(raw_dir), Path(out_dir), Path(reports_dir), Path(cache_dir), force, workers, figures,
                      report, lang, include_partial, progress)


def _build(raw_dir, out_dir, reports_dir, cache_dir, force, workers, figures, report, lang, include_partial,
           progress) -> BuildSummary:
    from .tables import document_tables, frame
    from .text.segment import prime

    summary = BuildSummary()
    clock = time.perf_counter()
    vers = versions()
    current = scan_raw(raw_dir)
    before = _read_manifest(out_dir)
    built = before.get("files", {})
    summary.added = [f for f in current if f not in built]
    summary.changed = [f for f in current if f in built and built[f] != current[f]]
    summary.removed = sorted(set(built) - set(current))
    summary.unchanged = [f for f in current if f in built and built[f] == current[f]]
    cache = Cache(cache_dir / "documents", vers)
    results, todo = {}, []
    for file, sha in current.items():
        hit = None if force else cache.get(sha)
        if hit is None:
            todo.append((str(raw_dir / file), file, sha))
        else:
            results[file] = hit
    summary.seconds["scan"] = time.perf_counter() - clock

    clock = time.perf_counter()
    for result in _run(todo, workers, progress):
        results[result["file"]] = result
        if not result["document"]["failed"]:
            cache.put(result["sha256"], result)
        summary.processed.append(result["file"])
    summary.seconds["parse+classify"] = time.perf_counter() - clock

    clock = time.perf_counter()
    corrections = overrides(raw_dir)
    listed = raw_manifest(raw_dir)
    rows: dict[str, list[dict]] = {name: [] for name in ("documents", "tasks", "task_domains", "citations",
                                                         "annex_rows")}
    for file in sorted(results):
        doc, scored = _restore(results[file])
        prime({t.content: tok for t, tok in zip(doc.tasks, results[file]["tokens"])})
        _apply_overrides(doc, corrections.get(file, {}))
        if file not in listed:
            doc.warnings.append("not listed in data/raw/manifest.csv (add plans with `python -m analysis add`)")
        elif listed[file].get("sha256") and listed[file]["sha256"] != current[file]:
            doc.warnings.append("raw file differs from the sha256 recorded in data/raw/manifest.csv")
        if doc.failed:
            summary.failed.append(file)
        for name, part in document_tables(doc, file, scored).items():
            rows[name].extend(part)
    tables = {name: frame(name, part) for name, part in rows.items()}
    docs = tables["documents"]
    summary.n_documents, summary.n_tasks = len(docs), len(tables["tasks"])
    summary.n_plans = int((docs["is_plan"].fillna(False) & ~docs["failed"].fillna(False)).sum()) if len(docs) else 0
    summary.n_warnings = int(sum(len([w for w in str(x).split("；") if w]) for x in docs["warnings"].fillna("")))
    summary.seconds["tables"] = time.perf_counter() - clock

    clock = time.perf_counter()
    tables.update(corpus_measures(tables, include_partial=include_partial))
    summary.seconds["measures"] = time.perf_counter() - clock

    clock = time.perf_counter()
    written = write_tables(tables, out_dir)
    for stale in sorted(out_dir.glob("*.parquet")) + sorted(out_dir.glob("*.csv")):
        if stale not in written:
            stale.unlink()
    manifest = {"files": current, "versions": vers, "tables": sorted(tables)}
    atomic_write_text(out_dir / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True))
    summary.outputs = [str(p) for p in written]
    summary.seconds["write"] = time.perf_counter() - clock

    if figures or report:
        clock = time.perf_counter()
        summary.outputs += [str(p) for p in render_outputs(tables, reports_dir, lang, figures, report,
                                                           raw_dir=raw_dir, versions=vers)]
        summary.seconds["figures+report"] = time.perf_counter() - clock
    return summary


def _run(todo: list[tuple[str, str, str]], workers: int | None, progress):
    """Per-document stage, in worker processes when there is enough work; results in input order."""
    workers = workers or os.cpu_count() or 1
    if progress:
        progress.start(len(todo))
    if workers <= 1 or len(todo) < 4:
        for item in todo:
            yield _process(item)
            if progress:
                progress.advance()
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for result in pool.map(_process, todo, chunksize=max(1, len(todo) // (workers * 8))):
                yield result
                if progress:
                    progress.advance()
    if progress:
        progress.stop()


def corpus_measures(tables: dict[str, pd.DataFrame], include_partial: bool = False) -> dict[str, pd.DataFrame]:
    """Corpus-level tables (emphasis, comparisons, vocabulary, similarity, topics) from the per-document ones."""
    from .corpus import corpus_tables

    return corpus_tables(tables, include_partial=include_partial)


def render_outputs(tables, reports_dir: Path, lang: str, figures: bool, report: bool, **context) -> list[Path]:
    """Figures (reports/figures/) and the HTML report (reports/index.html)."""
    written: list[Path] = []
    if figures:
        try:
            from .viz.export import render_all
        except ImportError:
            render_all = None
        if render_all:
            written += render_all(tables, reports_dir / "figures", lang)
    if report:
        try:
            from .report import build_report
        except ImportError:
            build_report = None
        if build_report:
            written.append(build_report(tables, reports_dir, lang=lang, **context))
    return written


def available_tables(out_dir: Path = config.PROCESSED_DIR) -> list[str]:
    return sorted(p.stem for p in out_dir.glob("*.parquet"))


def read_table(name: str, out_dir: Path = config.PROCESSED_DIR) -> pd.DataFrame:
    """A processed table, as written by the last build."""
    path = out_dir / f"{name}.parquet"
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist: run `make report` (or `python -m analysis build`) first")
    return pd.read_parquet(path)


__all__ = ["BuildLocked", "BuildSummary", "Status", "TABLES", "available_tables", "build", "read_table", "status"]
