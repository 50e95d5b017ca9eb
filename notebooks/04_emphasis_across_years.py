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
# # 4. Emphasis across years
#
# How a region's attention to each domain changes from one plan year to the next.

# %% tags=["parameters"]
REGIONS = None
YEARS = None
PROVINCES = None  # e.g. ["浙江省"]: more governments than the chart tells apart need a selection
LEVELS = None  # e.g. ["city", "district", "county"]: the governments' plans without the zones'
LANG = "zh"
ROOT = None
DOMAINS = None  # list of domain ids to show; None = all

# %%
from analysis import explore
from analysis.viz import frames, interactive, static, use_cjk_font

use_cjk_font()
tables = explore.select(explore.load_tables(ROOT), regions=REGIONS, years=YEARS, provinces=PROVINCES,
                        levels=LEVELS)
emphasis, documents = tables["emphasis"], tables["documents"]
if frames.n_series(emphasis, documents) > frames.MAX_SERIES:
    raise ValueError(f"{frames.n_series(emphasis, documents)} governments: the charts below draw one line each, "
                     f"told apart up to {frames.MAX_SERIES}; set REGIONS or PROVINCES to select fewer, or compare "
                     "groups of plans: static.group_heatmap(tables['emphasis_means'], 'province')")
if DOMAINS:
    emphasis = emphasis[emphasis["domain"].isin(DOMAINS)]

# %% [markdown]
# ## Reading one plan per year
#
# Each point is one plan: the share of its tasks in a domain, with a 95% bootstrap
# interval. A region with a single plan is a point, not a trend. Years without a plan are
# absent — the line jumps over them, it is never drawn through zero. A change between two
# years is only worth reading when it is larger than the intervals around both points.

# %%
static.emphasis_over_years(emphasis, LANG, documents=documents)

# %%
interactive.emphasis_over_years(emphasis, LANG, documents=documents, tasks=tables["tasks"])

# %% [markdown]
# ## Changes between consecutive plan years
#
# `year_gap` says how far apart the two plans are; the largest changes first.

# %%
change = tables["emphasis_change"]
change.assign(abs_change=change["change"].abs()).sort_values("abs_change", ascending=False).head(15) \
    if len(change) else "No region has plans for two different years in this selection."
