"""Cache files of computed values (`.cache/corpus/`): pickled, written atomically without fsync,
and a file that is missing or unreadable is simply computed again."""
from __future__ import annotations

import pickle
from pathlib import Path


def load(path: Path):
    """What `keep` stored at path, None when it is missing or unreadable."""
    try:
        return pickle.loads(path.read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError):
        return None


def keep(path: Path, value) -> None:
    """Store value at path (pickled, atomically; a cache, so without fsync)."""
    from .atomic import atomic_write_with

    atomic_write_with(path, lambda fh: pickle.dump(value, fh), durable=False)
