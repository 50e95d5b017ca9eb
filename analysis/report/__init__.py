"""The self-contained HTML report (reports/index.html)."""
from .build import build_report, render

__all__ = ["build_report", "render"]
