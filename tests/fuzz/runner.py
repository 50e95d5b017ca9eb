"""Run `analysis.ingest.parse_bytes` over many inputs in forked worker processes, each input under a
hard time limit (a worker that overruns is killed and replaced), and classify what happened.

Outcomes: parsed (tasks found), parsed-empty (read, no tasks), failed (failed=True with a reason),
crash (an exception escaped), invalid (failed without a reason, or not a Document), hang (killed).
"""
from __future__ import annotations

import multiprocessing as mp
import time
import traceback
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import wait

OUTCOMES = ("parsed", "parsed-empty", "failed", "crash", "invalid", "hang")
BAD = ("crash", "invalid", "hang")


@dataclass(frozen=True)
class Result:
    label: str
    kind: str
    name: str
    outcome: str
    detail: str  # failure reason, traceback or task count
    seconds: float


def classify(data: bytes, name: str) -> tuple[str, str]:
    """(outcome, detail) of parsing one input in this process."""
    from analysis.ingest import Document, parse_bytes

    try:
        doc = parse_bytes(data, name)
    except Exception:  # noqa: BLE001 - any escape is the finding
        return "crash", traceback.format_exc()
    if not isinstance(doc, Document):
        return "invalid", f"returned {type(doc).__name__}"
    if doc.failed:
        reasons = [w for w in doc.warnings if w.startswith("unreadable: ") and len(w) > len("unreadable: ")]
        return ("failed", reasons[0][len("unreadable: "):]) if reasons else ("invalid", f"failed, warnings {doc.warnings}")
    return ("parsed", str(len(doc.tasks))) if doc.tasks else ("parsed-empty", "0")


def reason_category(detail: str) -> str:
    """'broken PDF (PSSyntaxError: …)' → 'broken PDF'; 'file too large (…)' → 'file too large'."""
    return detail.split(" (")[0].split(":")[0].strip()


def _worker(conn) -> None:
    from analysis.ingest.document import parser

    parser()  # load patterns, regions and the converter before the clock starts
    while True:
        job = conn.recv()
        if job is None:
            return
        data, name = job
        start = time.perf_counter()
        outcome, detail = classify(data, name)
        conn.send((outcome, detail, time.perf_counter() - start))


class _Slot:
    def __init__(self, ctx):
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker, args=(child,), daemon=True)
        self.proc.start()
        child.close()
        self.job = None
        self.started = 0.0

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.proc.kill()
        else:
            try:
                self.conn.send(None)
            except OSError:
                self.proc.kill()
        self.proc.join(5)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()
        self.conn.close()


def run(cases: Iterable, timeout: float = 20.0, workers: int = 2) -> Iterator[Result]:
    """Parse each case (objects with label, kind, name, data) and yield its Result (in completion order).

    The clock of a case starts when a worker receives it; a worker still busy after `timeout`
    seconds is killed (outcome 'hang') and a fresh one takes its place.
    """
    from analysis.ingest.document import parser

    parser()  # forked workers inherit the loaded parser
    ctx = mp.get_context("fork")
    slots = [_Slot(ctx) for _ in range(max(1, workers))]
    todo = iter(cases)
    exhausted = False
    try:
        while True:
            for slot in slots:
                if slot.job is None and not exhausted:
                    case = next(todo, None)
                    if case is None:
                        exhausted = True
                        break
                    slot.job, slot.started = case, time.monotonic()
                    slot.conn.send((case.data, case.name))
            busy = [s for s in slots if s.job is not None]
            if not busy:
                return
            now = time.monotonic()
            ready = wait([s.conn for s in busy], timeout=max(0.0, min(s.started + timeout for s in busy) - now))
            for k, slot in enumerate(slots):
                if slot.job is None:
                    continue
                case = slot.job
                if slot.conn in ready:
                    try:
                        outcome, detail, seconds = slot.conn.recv()
                    except (EOFError, OSError):  # the worker died (e.g. out of memory)
                        outcome, detail, seconds = "crash", "worker process died", time.monotonic() - slot.started
                        slot.stop(kill=True)
                        slots[k] = _Slot(ctx)
                    else:
                        slot.job = None
                    yield Result(case.label, case.kind, case.name, outcome, detail, seconds)
                elif time.monotonic() - slot.started >= timeout:
                    slot.stop(kill=True)
                    slots[k] = _Slot(ctx)
                    yield Result(case.label, case.kind, case.name, "hang", f"killed after {timeout:.0f} s", timeout)
    finally:
        for slot in slots:
            slot.stop(kill=slot.job is not None)
