"""Chinese-capable fonts for both libraries, with no system fonts and no user config touched.

matplotlib: the Noto Sans CJK SC face shipped inside the mplfonts package is registered with
the running font manager (in memory only) and made the sans-serif default. plotly: the
browser picks the first installed family of `PLOTLY_FONT_FAMILY`; the HTML report and the
figure files embed the characters they use of that same face under its first name
(`webfont_head`), so they render on machines that have no Chinese font at all.
"""
from __future__ import annotations

import importlib.util
import re
from functools import lru_cache
from pathlib import Path

import matplotlib as mpl
from matplotlib import font_manager

CJK_FONT_FILE = "NotoSansCJKsc-Regular.otf"
PLOTLY_FONT_FAMILY = "Noto Sans CJK SC, Noto Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
#: The name an HTML page's embedded subset of the bundled face goes by (`webfont_head`).
EMBEDDED_FAMILY = PLOTLY_FONT_FAMILY.split(",")[0]


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


#: Charts are drawn once the embedded face has loaded: plotly measures its labels when it draws,
#: and labels measured in a fallback font overlap once the real one arrives. Goes after plotly.js.
DRAW_AFTER_FONT = """<script>(function () {
  var draw = Plotly.newPlot;
  var ready = document.fonts ? document.fonts.load('12px "FAMILY"', "政务").catch(function () {}) : Promise.resolve();
  Plotly.newPlot = function () { var args = arguments; return ready.then(function () { return draw.apply(Plotly, args); }); };
})();</script>""".replace("FAMILY", EMBEDDED_FAMILY)


def webfont_head(page: str) -> str:
    """What an HTML page with plotly charts needs in its head, after plotly.js, to render on a
    machine without Chinese fonts: the bundled face cut down to the characters of `page` (the
    charts' JSON-escaped labels included) and charts drawn once it has loaded."""
    return f"<style>{webfont_css(page_characters(page))}</style>{DRAW_AFTER_FONT}"


def page_characters(page: str) -> str:
    """The characters of an HTML page, those its scripts write as JSON escapes (\\uXXXX) included
    (surrogates, halves of a character outside the BMP, left out)."""
    escaped = {chr(code) for code in (int(h, 16) for h in re.findall(r"\\u([0-9a-fA-F]{4})", page))
               if not 0xD800 <= code <= 0xDFFF}
    return "".join(set(page) | escaped)


def webfont_css(text: str) -> str:
    """A CSS @font-face declaring the bundled face as "Noto Sans CJK SC", cut down to the
    characters of `text` (WOFF in a data: URI; a few hundred kB for a report). The same text
    gives the same bytes."""
    import base64
    import io

    from fontTools import subset

    options = subset.Options()
    options.flavor = "woff"
    buffer = io.BytesIO()
    with subset.load_font(str(cjk_font_path()), options) as font:  # closes the 16 MB file it reads lazily
        cutter = subset.Subsetter(options)
        cutter.populate(text="".join(sorted(set(text) | {chr(c) for c in range(32, 127)})))
        cutter.subset(font)
        subset.save_font(font, buffer, options)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'@font-face{{font-family:"{EMBEDDED_FAMILY}";src:url(data:font/woff;base64,{data}) format("woff");}}'
