"""Rebuild whenever data/raw/ changes, in one process that stays up (`python -m analysis watch`).

A build in a new process first spends a second or more importing scikit-learn and loading the
parser, classifier and dictionary; a watching process does that once, before any plan arrives
(`pipeline.preload`), and keeps the last build's per-document tables in memory
(`pipeline.build(resident=True)`), so a new plan's rebuild is only the work the plan causes. It produces the
same outputs as `build` from a new process. A change is built once the folder has looked the
same for one whole interval (a plan still being copied is not read half-written). The code,
resources and libraries it loaded are those of the package when it started: when they change
(an edited region table or user dictionary, an upgrade), it stops with `Restart` before
building, and the command starts itself again.
"""
from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

from . import config


class Restart(RuntimeError):
    """The package's code, resources or libraries changed since the watching process started."""


def signature(raw_dir: Path) -> tuple:
    """What the raw folder holds, as names, sizes and modification times (no file is read)."""
    try:
        entries = [(e.name, e.stat().st_size, e.stat().st_mtime_ns) for e in os.scandir(raw_dir) if e.is_file()]
    except FileNotFoundError:
        return ()
    return tuple(sorted(entries))


def watch(raw_dir: Path = config.RAW_DIR, out_dir: Path = config.PROCESSED_DIR,
          reports_dir: Path = config.REPORTS_DIR, cache_dir: Path = config.CACHE_DIR, *,
          interval: float = 2.0, on_build: Callable = print, on_wait: Callable = lambda message: None,
          stop: Callable[[], bool] = lambda: False, sleep: Callable[[float], None] = time.sleep,
          **options) -> int:
    """Build now, then again each time the raw folder has changed and settled, until `stop()` is
    true (Ctrl-C in the command); returns the number of builds. `on_build` gets each build's
    summary, `on_wait` the reason a build was put off (another build holds the lock); `options`
    are `pipeline.build`'s. Raises `Restart` instead of building with code that is no longer the
    package's."""
    from .freshness import code_digest
    from .pipeline import BuildLocked, build, preload

    loaded = code_digest()
    preload()
    built, seen, builds = None, signature(raw_dir), 0
    while not stop():
        if seen != built:
            if code_digest() != loaded:
                raise Restart("the package's code, resources or libraries changed since this process started")
            try:
                on_build(build(raw_dir, out_dir, reports_dir, cache_dir, resident=True, **options))
                built, builds = seen, builds + 1
            except BuildLocked as exc:
                on_wait(str(exc))
        sleep(interval)
        now = signature(raw_dir)
        while now != seen and not stop():  # still changing: wait until it has looked the same for an interval
            seen = now
            sleep(interval)
            now = signature(raw_dir)
    return builds
