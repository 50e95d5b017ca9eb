"""The command line against a throw-away project (ANALYSIS_ROOT), for the robustness tests."""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

MAIN = Path(__file__).resolve().parents[2]
SEEDS = sorted((MAIN / "data" / "raw").glob("*.txt"))


def make_project(folder: Path, n_seeds: int = 3) -> Path:
    """A project folder holding data/raw/ with the first n seed plans (no manifest: they count as unlisted)."""
    raw = folder / "data" / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    for f in SEEDS[:n_seeds]:
        shutil.copyfile(f, raw / f.name)
    return folder


def environ(project: Path, **extra: str) -> dict[str, str]:
    return {**os.environ, "ANALYSIS_ROOT": str(project), "COLUMNS": "200", **extra}


def cli(project: Path, *args, timeout: float = 300, cwd: Path = MAIN) -> subprocess.CompletedProcess:
    """`python -m analysis ARGS` on the project (output as bytes); arguments may be str, bytes or Path."""
    return subprocess.run([sys.executable, "-m", "analysis", *map(os.fsencode, args)], capture_output=True,
                          env=environ(project), cwd=cwd, timeout=timeout)


def build_args(*extra: str) -> list[str]:
    return ["build", "--no-figures", "--no-report", "--quiet", *extra]


def hashes(folder: Path) -> dict[str, str]:
    """sha256 of every file under folder (names relative to it); hidden temporary files included."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()}


def outputs(project: Path) -> dict[str, bytes]:
    """The build's products in data/processed/: tables and manifest (not the lock or stray temp files)."""
    return {p.name: p.read_bytes() for p in sorted((project / "data" / "processed").glob("*"))
            if p.is_file() and not p.name.startswith(".")}
