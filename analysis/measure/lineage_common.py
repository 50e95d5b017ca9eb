"""What the lineage measures share: which documents are plans, and how high a level sits."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..levels import DEPTH as LEVEL_DEPTH


def plan_documents(documents: pd.DataFrame) -> pd.DataFrame:
    """The `documents` rows of readable plans (reports and failed files left out), sorted by file."""
    keep = documents["is_plan"].fillna(False).astype(bool) & ~documents["failed"].fillna(False).astype(bool)
    return documents[keep].sort_values("file", kind="mergesort").reset_index(drop=True)


def depth(level) -> float:
    """LEVEL_DEPTH of a level, NaN when unknown."""
    return float(LEVEL_DEPTH.get(level, float("nan"))) if isinstance(level, str) else float("nan")


def earlier_matrix(plans: pd.DataFrame) -> np.ndarray:
    """earlier[b, a]: plan b (a row of `plans`) is earlier than plan a: a smaller plan_year, or the
    same year and a higher level; False where either year is unknown, and on the diagonal."""
    year = pd.to_numeric(plans["plan_year"], errors="coerce").to_numpy(dtype=float)
    level = plans["level"].map(depth).to_numpy(dtype=float)
    earlier = (year[:, None] < year[None, :]) | ((year[:, None] == year[None, :]) & (level[:, None] < level[None, :]))
    np.fill_diagonal(earlier, False)
    return earlier
