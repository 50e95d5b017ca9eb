"""Adding plans to data/raw/: copy byte for byte, name descriptively, record in the raw manifest.

Raw files are never modified after they are added. `add` refuses a file whose bytes
are already in the corpus, and refuses paths that are not regular files.
"""
from __future__ import annotations

import csv
import datetime as dt
import os
import re
import shutil
from pathlib import Path

from . import config
from .atomic import atomic_write_bytes
from .pipeline import raw_manifest, sha256_file

MANIFEST_FIELDS = ["file", "sha256", "source", "added", "url", "retrieved", "http_status", "content_type",
                   "encoding"]
OVERRIDE_FIELDS = ["file", "region", "parent", "province", "level", "plan_year", "title", "issuer", "published",
                   "doc_number", "is_plan"]


class AddError(ValueError):
    """A file cannot be added; the message says why."""


def safe_name(name: str) -> str:
    """A file name without path separators, control or shell-hostile characters (Chinese is kept)."""
    stem, suffix = Path(name).stem, Path(name).suffix.lower()
    stem = re.sub(r"[^\w\u4e00-\u9fff.-]+", "-", stem, flags=re.UNICODE).strip("-.") or "plan"
    stem = stem[:80].encode("utf-8")[:150].decode("utf-8", "ignore")  # file systems allow 255 bytes
    return stem + suffix


def printable_path(path: Path) -> str:
    """The path as text that can be written to UTF-8 (bytes that are not UTF-8 shown as \\xNN)."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def _utf8(value):
    """A command-line value that can be written to UTF-8 (undecodable argument bytes shown as \\xNN)."""
    if isinstance(value, str):
        return value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return value


def descriptive_name(src: Path, region: str | None, year: int | None) -> str:
    """'<region>-<year>.<ext>' when both are known, else the sanitised original name."""
    if region and year:
        return safe_name(f"{region}-{year}{src.suffix}")
    return safe_name(src.name)


def _write_csv(path: Path, fields: list[str], rows: list[dict]) -> None:
    import io

    buf = io.StringIO()
    writer = csv.DictWriter(buf, fields, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    atomic_write_bytes(path, buf.getvalue().encode("utf-8"))


def record(raw_dir: Path, row: dict) -> None:
    rows = list(raw_manifest(raw_dir).values()) + [row]
    fields = MANIFEST_FIELDS + sorted({k for r in rows for k in r} - set(MANIFEST_FIELDS))
    _write_csv(raw_dir / "manifest.csv", fields, sorted(rows, key=lambda r: r["file"]))


def record_override(raw_dir: Path, file: str, values: dict) -> None:
    path = raw_dir / "overrides.csv"
    rows = []
    if path.exists():
        with path.open(encoding="utf-8", newline="") as fh:
            rows = [r for r in csv.DictReader(fh) if r["file"] != file]
    rows.append({"file": file, **{k: v for k, v in values.items() if v is not None}})
    _write_csv(path, OVERRIDE_FIELDS, sorted(rows, key=lambda r: r["file"]))


def add(src: str | Path, raw_dir: Path = config.RAW_DIR, *, source: str | None = None,
        overrides: dict | None = None, extra: dict | None = None, data: bytes | None = None) -> Path:
    """Copy one plan into data/raw/ and record it; returns the new path. Raises AddError."""
    src = Path(src)
    shown = printable_path(src)
    if data is None:
        if not src.is_file():
            raise AddError(f"{shown}: not a regular file (a directory, pipe, device or broken link)")
        if src.stat().st_size > config.MAX_RAW_BYTES:
            raise AddError(f"{shown}: too large ({src.stat().st_size // 2**20} MiB > {config.MAX_RAW_BYTES // 2**20} MiB)")
        try:
            sha = sha256_file(src)
        except OSError as exc:
            raise AddError(f"{shown}: cannot read ({exc.strerror or exc})") from exc
    else:
        import hashlib

        sha = hashlib.sha256(data).hexdigest()
    if src.suffix.lower() not in config.RAW_SUFFIXES:
        raise AddError(f"{shown}: unsupported file type {src.suffix!r} (use {', '.join(config.RAW_SUFFIXES)})")
    raw_dir.mkdir(parents=True, exist_ok=True)
    known = {r.get("sha256"): f for f, r in raw_manifest(raw_dir).items()}
    for p in raw_dir.iterdir():
        if p.is_file() and p.suffix.lower() in config.RAW_SUFFIXES and p.name not in known.values():
            known[sha256_file(p)] = p.name
    if sha in known:
        raise AddError(f"{printable_path(Path(src.name))}: already in the corpus as data/raw/{known[sha]} (same sha256)")
    overrides = {k: _utf8(v) for k, v in (overrides or {}).items() if v not in (None, "")}
    name = descriptive_name(src, overrides.get("region"), overrides.get("plan_year"))
    target = raw_dir / name
    k = 2
    while target.exists():
        target = raw_dir / f"{Path(name).stem}-{k}{Path(name).suffix}"
        k += 1
    try:
        if data is None:
            tmp = target.with_name(f".{target.name}.part")
            try:
                shutil.copyfile(src, tmp)
                tmp.replace(target)
            finally:
                tmp.unlink(missing_ok=True)
        else:
            atomic_write_bytes(target, data)
        record(raw_dir, {"file": target.name, "sha256": sha, "source": source or shown,
                         "added": dt.date.today().isoformat(), **(extra or {})})
        if overrides:
            record_override(raw_dir, target.name, overrides)
    except OSError as exc:  # disk full, permissions…: leave data/raw/ as it was
        target.unlink(missing_ok=True)
        raise AddError(f"{shown}: could not be added ({exc.strerror or exc})") from exc
    return target
