"""Forked worker processes that let go of what belongs to the build that forked them.

A forked worker inherits the build's lock descriptor (`HELD_LOCKS`) and would keep the lock
after a killed build; it closes its copy (`detach`) and ends itself once that build is gone.
`run_forked` runs independent jobs (closures over data the caller already holds, which are
inherited, not pickled) in such workers.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")

HELD_LOCKS: set[int] = set()  # descriptors of the build locks this process holds
_JOBS: list[Callable] = []  # the jobs of the running `run_forked`, inherited by its workers


def detach() -> None:
    """In a forked worker: close the inherited lock descriptors and exit once the parent is gone."""
    for fd in HELD_LOCKS:
        os.close(fd)
    HELD_LOCKS.clear()
    threading.Thread(target=_exit_when_orphaned, args=(os.getppid(),), daemon=True).start()


def _exit_when_orphaned(parent: int) -> None:
    """End this worker once the build that started it is gone: a killed build's pool would
    otherwise wait for work forever (an orphan's parent becomes another process)."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def run_forked(jobs: list[Callable[[], T]], workers: int) -> list[T]:
    """Each job's result, in job order, from up to `workers` forked processes (each takes the next
    job when done with one); in this process when there is one worker or one job, or no fork."""
    if workers <= 1 or len(jobs) <= 1 or not can_fork():
        return [job() for job in jobs]
    _JOBS[:] = jobs
    gc.freeze()  # the workers share the parent's objects; collections would copy their pages
    try:
        with ProcessPoolExecutor(max_workers=min(workers, len(jobs)), mp_context=multiprocessing.get_context("fork"),
                                 initializer=detach) as pool:
            return list(pool.map(_run, range(len(jobs))))
    finally:
        gc.unfreeze()
        _JOBS.clear()


def _run(index: int):
    return _JOBS[index]()
