"""Chinese-capable fonts for both libraries, with no system fonts and no user config touched.

matplotlib: the Noto Sans CJK SC face shipped inside the mplfonts package is registered with
the running font manager (in memory only) and made the sans-serif default. plotly: the
browser picks the first installed family of `PLOTLY_FONT_FAMILY`.
"""
from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

import matplotlib as mpl
from matplotlib import font_manager

CJK_FONT_FILE = "NotoSansCJKsc-Regular.otf"
PLOTLY_FONT_FAMILY = "Noto Sans CJK SC, Noto Sans SC, Microsoft YaHei, PingFang SC, sans-serif"


class FontError(RuntimeError):
    """The CJK font shipped with mplfonts cannot be found."""


def cjk_font_path() -> Path:
    """Path of the Noto Sans CJK SC file inside the installed mplfonts package (not imported)."""
    spec = importlib.util.find_spec("mplfonts")
    if spec is None or not spec.submodule_search_locations:
        raise FontError("the mplfonts package is not installed; it ships the CJK font the charts use")
    path = Path(next(iter(spec.submodule_search_locations))) / "fonts" / CJK_FONT_FILE
    if not path.is_file():
        raise FontError(f"{path} is missing from the mplfonts package")
    return path


@lru_cache(maxsize=1)
def _register() -> str:
    path = cjk_font_path()
    if not any(Path(f.fname) == path for f in font_manager.fontManager.ttflist):
        font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def use_cjk_font() -> str:
    """Make the bundled CJK font matplotlib's sans-serif default; return its family name.

    Idempotent: the font file is registered once per process, and calling again only
    re-applies the rcParams (font family, and an ASCII minus the CJK font always has).
    """
    name = _register()
    fallback = [f for f in mpl.rcParams["font.sans-serif"] if f != name]
    mpl.rcParams["font.family"] = "sans-serif"
    mpl.rcParams["font.sans-serif"] = [name, *fallback]
    mpl.rcParams["axes.unicode_minus"] = False
    return name
