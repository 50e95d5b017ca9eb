"""A wall-clock limit for pure-Python work on hostile input (pdfminer on a malformed PDF, the parser on
pathological text), so that one file can slow a build down but never stop it."""
from __future__ import annotations

import signal
import threading
import time
from contextlib import contextmanager


class TimeUp(BaseException):
    """Raised by the alarm; a BaseException so that a library's own `except Exception` cannot swallow it."""


@contextmanager
def time_limit(seconds: float):
    """Interrupt the block with TimeUp after `seconds` (main thread only; elsewhere there is no limit).

    An alarm the caller already set that is due sooner is left alone; a later one is restored afterwards.
    Work inside C code (a regex match) is interrupted only when it returns to Python.
    """
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return
    pending, interval = signal.getitimer(signal.ITIMER_REAL)
    if pending and pending <= seconds:
        yield
        return

    def alarm(signum, frame):
        # Re-arm first: a TimeUp raised inside a garbage-collector callback or a __del__ is
        # swallowed by Python, so the alarm repeats until one lands in the block (or it ends).
        signal.setitimer(signal.ITIMER_REAL, 0.05)
        raise TimeUp

    previous = signal.signal(signal.SIGALRM, alarm)
    started = time.monotonic()
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if pending:
            signal.setitimer(signal.ITIMER_REAL, max(pending - (time.monotonic() - started), 1e-3), interval)
