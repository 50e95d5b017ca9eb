# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 5. Figures for a paper
#
# Regenerates every figure in the chosen language into `reports/figures/`: PNG (300 dpi),
# SVG and PDF for the paper, and an offline HTML version of each for co-authors. File
# names are stable (`<view>_<lang>.<ext>`), so a LaTeX or Word document can link them.

# %% tags=["parameters"]
REGIONS = None
YEARS = None
LANG = "en"  # the paper's language: "zh" or "en"
ROOT = None
OUTPUT = None  # folder for the figures; None = reports/figures of the project
DOMAIN = None  # domain of the dot plot; None = the one that varies most
WORKERS = None  # processes that draw the figures; None = one per core, 1 = this kernel alone

# %%
import os
from pathlib import Path

from analysis import config, explore
from analysis.viz import render_all

tables = explore.select(explore.load_tables(ROOT), regions=REGIONS, years=YEARS)
folder = Path(OUTPUT) if OUTPUT else (Path(ROOT) / "reports" / "figures" if ROOT else config.FIGURES_DIR)
written = render_all(tables, folder, LANG, domain=DOMAIN, workers=WORKERS or os.cpu_count() or 1)
print(f"{len(written)} files in {folder}")
sorted({p.name.rsplit('.', 1)[0] for p in written})

# %% [markdown]
# A look at one of them, as it will appear in print:

# %%
from IPython.display import Image

Image(filename=str(next(p for p in written if p.suffix == ".png")), width=700)
