"""Whether the last build's outputs are still current, so that a build with nothing to do does nothing.

A build records a key of everything its outputs depend on: the raw files (content hashes and their
rows of overrides.csv and manifest.csv), the versions the per-document cache is keyed by (parser,
ingest resources, codebook, segmenter), the package's own source and resource files, the versions
of the libraries that compute or draw, and the build's options. It also records the size and
modification time of every file it wrote. A later build with the same key, whose outputs are all
present and untouched, reuses them: same inputs, same outputs, as the pipeline's determinism
tests check byte for byte. `build --force` rebuilds regardless.

The tables and the figures with the report are recorded apart (in .cache/last-build.json): `make
report` after a `build --no-figures` draws from the current tables without recomputing them.
"""
from __future__ import annotations

import hashlib
import json
import os
import platform
from importlib import metadata
from pathlib import Path

from . import config

#: Libraries whose version can change a number, a figure or the report.
LIBRARIES = ("numpy", "pandas", "pyarrow", "scipy", "scikit-learn", "jieba", "datasketch", "matplotlib", "plotly",
             "mplfonts", "opencc", "cpca")
#: The record, in the cache folder (the outputs themselves stay byte-identical from build to build).
RECORD = "last-build.json"


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "-"


def code_digest() -> str:
    """Hash of the package's source and resource files and the versions of Python and the libraries."""
    h = _hash_files(config.PACKAGE_DIR, sorted(p for p in config.PACKAGE_DIR.rglob("*")
                                               if p.is_file() and p.suffix != ".pyc"))
    h.update(json.dumps({"python": platform.python_version(), **{name: _version(name) for name in LIBRARIES}},
                        sort_keys=True).encode())
    return h.hexdigest()[:16]


#: The package's code a raw file's cached per-document result depends on: reading, parsing,
#: classifying, segmenting, the per-plan bootstrap and their settings (resources are keyed apart).
PER_DOCUMENT_CODE = ("config.py", "readers", "ingest", "domains/__init__.py", "domains/classifier.py",
                     "domains/codebook.py", "text/segment.py", "text/wordfreq.py", "tables.py", "measure/emphasis.py",
                     "measure/bootstrap.py")


def per_document_code(package: Path = config.PACKAGE_DIR) -> str:
    """Hash of the `PER_DOCUMENT_CODE` source files: editing any of them (a parser rule, a classifier
    weight, the bootstrap's replicates in config.py) redoes every file instead of reusing results
    the old code computed."""
    sources = []
    for entry in PER_DOCUMENT_CODE:
        path = package / entry
        sources += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return _hash_files(package, sources).hexdigest()[:16]


def _hash_files(package: Path, files: list[Path]):
    """A sha256 fed each file's path (relative to `package`) and bytes, in the given order."""
    h = hashlib.sha256()
    for path in files:
        h.update(path.relative_to(package).as_posix().encode())
        h.update(path.read_bytes())
    return h


def key(**parts) -> str:
    """A digest of `parts` (JSON-serialisable values)."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()[:24]


def file_digest(path: Path) -> str | None:
    """Content hash of a file that may be absent (None)."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]
    except OSError:
        return None


def stamps(root: Path, paths) -> dict[str, list[int]]:
    """{path relative to root: [size, mtime_ns]} of written files."""
    out = {}
    for p in map(Path, paths):
        st = p.stat()
        out[str(p.relative_to(root))] = [st.st_size, st.st_mtime_ns]
    return out


def intact(root: Path, recorded: dict[str, list[int]] | None) -> bool:
    """Every file `stamps` recorded is under `root` with the same size and modification time."""
    if not recorded:
        return False
    for name, stamp in recorded.items():
        try:
            st = (Path(root) / name).stat()
        except OSError:
            return False
        if [st.st_size, st.st_mtime_ns] != stamp:
            return False
    return True


def read_record(cache_dir: Path) -> dict:
    """What the last build recorded (empty when nothing or unreadable)."""
    try:
        record = json.loads((Path(cache_dir) / RECORD).read_text(encoding="utf-8"))
        return record if isinstance(record, dict) else {}
    except (OSError, ValueError):
        return {}


def write_record(cache_dir: Path, **parts) -> None:
    """Update the record with `parts` ({"tables": ...} or {"reports": ...}); an accelerator, so no fsync."""
    from .atomic import atomic_write_with

    data = json.dumps(read_record(cache_dir) | parts, ensure_ascii=False, sort_keys=True).encode("utf-8")
    atomic_write_with(Path(cache_dir) / RECORD, lambda fh: fh.write(data), durable=False)


def current(part: dict | None, wanted: str, root: Path) -> bool:
    """A recorded part (tables or reports) has the wanted key and its files are untouched."""
    return bool(part) and part.get("key") == wanted and intact(root, part.get("outputs"))


def report_inputs() -> dict:
    """What the figures and report read besides the tables: the gold standard the report scores
    the classifier against (when present) and a fixed build date (SOURCE_DATE_EPOCH)."""
    return {"gold": file_digest(config.SHARED_DIR / "gold" / "seed_labels.jsonl"),
            "source_date_epoch": os.environ.get("SOURCE_DATE_EPOCH")}
