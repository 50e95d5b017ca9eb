"""Charts: palette and fonts, static (matplotlib) and interactive (plotly) views, export.

Each view is one function taking the measure tables plus `lang='zh'|'en'` and returning a
figure; `static.<view>` and `interactive.<view>` draw the same data with the same colours.
Saving is separate (`save_static`, `save_interactive`, `render_all`).
"""
from . import interactive, static
from .export import render_all, save_interactive, save_static
from .fonts import PLOTLY_FONT_FAMILY, use_cjk_font
from .palette import domain_colors, domain_labels

__all__ = ["PLOTLY_FONT_FAMILY", "domain_colors", "domain_labels", "interactive", "render_all", "save_interactive",
           "save_static", "static", "use_cjk_font"]
