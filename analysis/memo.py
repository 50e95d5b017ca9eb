"""Cache files of computed values (`.cache/corpus/`): pickled (or NumPy arrays), written atomically
without fsync, and a file that is missing or unreadable is simply computed again."""
from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np


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


def load_array(path: Path | None) -> np.ndarray | None:
    """The array `keep_array` stored at path, None when there is none or it is unreadable."""
    try:
        return None if path is None else np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError):
        return None


def keep_array(path: Path, value: np.ndarray) -> None:
    """Store an array at path (.npy, atomically, without fsync)."""
    from .atomic import atomic_write_with

    atomic_write_with(path, lambda fh: np.save(fh, value, allow_pickle=False), durable=False)
