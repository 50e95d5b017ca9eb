"""The domain palette: distinct, colour-blind-aware, two visible families, one hex per domain in both libraries."""
from __future__ import annotations

import colorsys
import itertools
import re

import numpy as np
import pytest
from matplotlib.colors import to_hex
from test_viz_frames import CB, synthetic_emphasis

from analysis.viz import domain_colors, domain_labels, interactive, static
from analysis.viz.palette import REGION_COLORS, region_style, text_color

# Machado, Oliveira & Fernandes (2009), severity 1.0, applied to linear RGB.
CVD = {
    "protanopia": np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
}


def _rgb(hex_code: str) -> np.ndarray:
    return np.array([int(hex_code[i:i + 2], 16) / 255 for i in (1, 3, 5)])


def _linear(c):
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _lab(rgb: np.ndarray) -> np.ndarray:
    """CIE L*a*b* (D65) of an sRGB colour."""
    m = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    xyz = m @ _linear(rgb) / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def _seen(hex_code: str, vision: str | None) -> np.ndarray:
    rgb = _rgb(hex_code)
    if vision is None:
        return _lab(rgb)
    lin = np.clip(CVD[vision] @ _linear(rgb), 0, 1)
    return _lab(np.where(lin <= 0.0031308, 12.92 * lin, 1.055 * lin ** (1 / 2.4) - 0.055))


def _delta_e(a: str, b: str, vision: str | None = None) -> float:
    return float(np.linalg.norm(_seen(a, vision) - _seen(b, vision)))


def _hue(hex_code: str) -> float:
    return colorsys.rgb_to_hls(*_rgb(hex_code))[0] * 360


def test_one_distinct_valid_hex_per_codebook_domain_plus_grey_unclassified():
    colors = domain_colors()
    assert list(colors) == [*CB.ids, "unclassified"]
    assert len(CB.ids) == 19
    assert all(re.fullmatch(r"#[0-9A-F]{6}", c) for c in colors.values())
    assert len(set(colors.values())) == 20
    r, g, b = _rgb(colors["unclassified"])
    assert r == g == b


def test_every_pair_of_domain_colours_differs_clearly_in_normal_vision():
    colors = [domain_colors()[d] for d in CB.ids]
    worst = min(_delta_e(a, b) for a, b in itertools.combinations(colors, 2))
    assert worst >= 20, worst


@pytest.mark.parametrize("vision", [None, *CVD])
def test_neighbouring_domains_stay_apart_under_colour_vision_deficiency(vision):
    """Stacked bars put codebook neighbours side by side: they must differ for every viewer."""
    colors = [domain_colors()[d] for d in [*CB.ids, "unclassified"]]
    worst = min(_delta_e(a, b, vision) for a, b in itertools.pairwise(colors))
    assert worst >= 20, (vision, worst)


def test_policy_and_process_domains_are_two_hue_families():
    colors = domain_colors()
    process = [_hue(colors[d]) for d in CB.ids if CB.group_of(d) == "process"]
    policy = [_hue(colors[d]) for d in CB.ids if CB.group_of(d) == "policy"]
    assert all(165 <= h <= 315 for h in process), process  # blues, cyans, violets
    assert not any(165 <= h <= 315 for h in policy), policy  # warm, earth and green hues


def test_cell_text_on_every_domain_colour_meets_wcag_contrast():
    def luminance(hex_code):
        lin = _linear(_rgb(hex_code))
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    for colour in domain_colors().values():
        lo, hi = sorted([luminance(colour), luminance(text_color(colour))])
        assert (hi + 0.05) / (lo + 0.05) >= 4.5, colour


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_labels_come_from_the_codebook(lang):
    labels = domain_labels(lang)
    assert {d: labels[d] for d in CB.ids} == CB.labels(lang)
    assert labels["unclassified"] == {"zh": "未分类", "en": "Unclassified"}[lang]


def test_matplotlib_and_plotly_paint_each_domain_with_the_same_hex():
    e = synthetic_emphasis()
    colors = domain_colors()
    fig = static.domain_composition(e, "en")
    ax = fig.axes[0]
    labels = domain_labels("en")
    static_hex = {c.get_label(): to_hex(c.patches[0].get_facecolor()).upper() for c in ax.containers}
    plotly_hex = {tr.name: tr.marker.color for tr in interactive.domain_composition(e, "en").data if tr.type == "bar"}
    for d in [*CB.ids, "unclassified"]:
        assert static_hex[labels[d]] == plotly_hex[labels[d]] == colors[d]


def test_region_styles_are_stable_and_distinct():
    regions = ["福建省", "丽水市", "平潭综合实验区", "承德市"]
    a, b = region_style(regions), region_style(reversed(regions))
    assert a == b
    assert len({style[0] for style in a.values()}) == len(regions)
    assert len(REGION_COLORS) >= 8
