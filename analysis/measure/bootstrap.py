"""Percentile bootstrap of shares over a plan's tasks, seeded per plan."""
from __future__ import annotations

import hashlib

import numpy as np


def plan_rng(seed: int, key: str) -> np.random.Generator:
    """A generator seeded from a stable hash of (seed, key), so a plan's draws do not depend on
    which other plans are measured or in what order."""
    digest = hashlib.sha256(f"{seed}\x00{key}".encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "little"))


def resample(n: int, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """How often each of `n` units is drawn in each of `n_boot` resamples with replacement (n_boot × n)."""
    if n_boot < 1:
        raise ValueError(f"n_boot must be at least 1, got {n_boot}")
    return rng.multinomial(n, np.full(n, 1.0 / n), size=n_boot)


def resample_uniform(n: int, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """What `resample` gives (n_boot × n counts), from uniform draws: its multinomial takes seconds
    for the thousands of plans of a level or year in a national corpus (`groups.emphasis_means`)."""
    picks = rng.integers(0, n, size=(n_boot, n)) + n * np.arange(n_boot)[:, None]
    return np.bincount(picks.ravel(), minlength=n_boot * n).reshape(n_boot, n)


def share_intervals(weights: np.ndarray, sizes: np.ndarray, freq: np.ndarray,
                    level: float = 0.95) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shares of the columns of `weights` (units × k) with percentile bootstrap intervals.

    A column's share is Σ size·weight over units divided by the total over all columns; each
    resample reweights the units by `freq` (from `resample`). The interval is clipped to contain
    the point share, which a percentile interval can miss by rounding or when the resampling
    distribution is very skewed. Resamples whose sizes are all zero have no shares and are
    dropped; shares are NaN when every size is zero.
    """
    k = weights.shape[1]
    num = sizes @ weights
    if num.sum() <= 0:
        nan = np.full(k, np.nan)
        return nan, nan, nan
    point = num / num.sum()
    boot = (freq * sizes) @ weights
    total = boot.sum(axis=1)
    boot = boot[total > 0] / total[total > 0, None]
    tail = 50 * (1 - level)
    lo, hi = np.percentile(boot, [tail, 100 - tail], axis=0)
    return point, np.minimum(lo, point), np.maximum(hi, point)
