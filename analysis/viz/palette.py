"""Colours and labels shared by the matplotlib and plotly views (one hex code per domain).

Domain colours come from Paul Tol's and Okabe & Ito's colour-blind-safe sets. Policy domains
use warm, earth and green hues; process (disclosure-work) domains use blues, cyans and
violets, so the two groups read as two families. The assignment was chosen so that domains
stacked next to each other (codebook order) stay apart under simulated protanopia,
deuteranopia and tritanopia; with 19 categories colour alone cannot carry every
distinction, so every chart also names domains in labels, legends or hover text.
"""
from __future__ import annotations

from functools import lru_cache

from ..domains import Codebook, load_codebook
from ..tables import UNCLASSIFIED

DOMAIN_COLORS: dict[str, str] = {
    # policy: warm, earth and green hues
    "finance": "#EE8866",
    "economy": "#EE3377",
    "projects": "#E69F00",
    "environment": "#117733",
    "health": "#DDCC77",
    "education": "#666633",
    "employment": "#882255",
    "welfare": "#CC6677",
    "housing": "#FFAABB",
    "safety": "#CC3311",
    "agriculture": "#BBCC33",
    "enforcement": "#997700",
    # process: blues, cyans and violets
    "decisions": "#117799",
    "interpretation": "#BBAAEE",
    "platforms": "#004488",
    "on_request": "#44AA99",
    "services": "#332288",
    "standards": "#AA4499",
    "organization": "#99DDFF",
    UNCLASSIFIED: "#BBBBBB",
}

#: Regions (series in the year and term charts): Okabe-Ito, then Paul Tol's muted set.
REGION_COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#882255",
                 "#44AA99", "#999933", "#332288", "#DDCC77")
#: Markers paired with region colours, so series differ in shape too (matplotlib, plotly).
REGION_MARKERS = (("o", "circle"), ("s", "square"), ("^", "triangle-up"), ("D", "diamond"),
                  ("v", "triangle-down"), ("P", "cross"), ("X", "x"), ("*", "star"))

#: Sequential ramps (ColorBrewer Blues for shares, YlOrBr for similarity), light = low.
SHARE_RAMP = ("#F7FBFF", "#DEEBF7", "#C6DBEF", "#9ECAE1", "#6BAED6", "#4292C6", "#2171B5", "#08519C", "#08306B")
SIMILARITY_RAMP = ("#FFFFE5", "#FFF7BC", "#FEE391", "#FEC44F", "#FB9A29", "#EC7014", "#CC4C02", "#993404",
                   "#662506")

#: Background of process-domain panels and the line separating the two groups.
PROCESS_SHADE = "#F2F2F2"
GROUP_RULE = "#333333"
NOTE_GREY = "#555555"

UNCLASSIFIED_LABEL = {"zh": "未分类", "en": "Unclassified"}
GROUP_LABELS = {"zh": {"policy": "政策领域", "process": "过程领域", "none": "未分类"},
                "en": {"policy": "Policy domains", "process": "Process domains", "none": "Unclassified"}}


@lru_cache(maxsize=1)
def codebook() -> Codebook:
    return load_codebook()


def domain_colors() -> dict[str, str]:
    """Domain id → hex colour, codebook order, 'unclassified' last; fails if the codebook changed."""
    ids = codebook().ids
    missing = [d for d in ids if d not in DOMAIN_COLORS]
    if missing:
        raise KeyError(f"no colour for codebook domains {missing}: add them to viz/palette.py DOMAIN_COLORS")
    return {d: DOMAIN_COLORS[d] for d in [*ids, UNCLASSIFIED]}


def domain_labels(lang: str = "zh") -> dict[str, str]:
    """Domain id → its name in the codebook ('zh' or 'en'), 'unclassified' included."""
    check_lang(lang)
    return {**codebook().labels(lang), UNCLASSIFIED: UNCLASSIFIED_LABEL[lang]}


def domain_group(domain: str) -> str:
    """'policy' | 'process' for codebook domains, 'none' for 'unclassified'."""
    return "none" if domain == UNCLASSIFIED else codebook().group_of(domain)


def region_style(regions) -> dict[str, tuple[str, str, str]]:
    """Region → (hex colour, matplotlib marker, plotly symbol), assigned in sorted order."""
    out = {}
    for k, region in enumerate(sorted(set(regions))):
        mpl_marker, plotly_symbol = REGION_MARKERS[k % len(REGION_MARKERS)]
        out[region] = (REGION_COLORS[k % len(REGION_COLORS)], mpl_marker, plotly_symbol)
    return out


def text_color(background: str) -> str:
    """Black or white, whichever reads better on a hex background (WCAG relative luminance)."""
    rgb = [int(background.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    luminance = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    return "#000000" if luminance > 0.179 else "#FFFFFF"


def check_lang(lang: str) -> str:
    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh' or 'en', not {lang!r}")
    return lang
