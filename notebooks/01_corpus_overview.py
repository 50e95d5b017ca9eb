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
# # 1. Corpus overview
#
# Which plans are in the corpus, whose they are, which years they cover, how they were
# read, and what the parser warned about. Run `make report` first: this notebook reads the
# tables the build wrote to `data/processed/`.

# %% tags=["parameters"]
REGIONS = None  # e.g. ["丽水市", "承德市"]; None = all
YEARS = None  # e.g. [2020, 2022]; None = all
LANG = "zh"  # "zh" or "en"
ROOT = None  # project folder holding data/processed; None = this project

# %%
import pandas as pd

from analysis import explore

pd.set_option("display.max_colwidth", 60)
tables = explore.select(explore.load_tables(ROOT), regions=REGIONS, years=YEARS)
documents, tasks = tables["documents"], tables["tasks"]
measured = set(tables["emphasis"]["file"])
print(f"{len(documents)} documents, {int(documents['is_plan'].sum())} plans ({len(measured)} measured), "
      f"{len(tasks)} tasks")

# %% [markdown]
# ## The plans
#
# One line per raw file. `level` comes from the region table (national, province, city,
# district, county; zone for a development zone's or new area's 管委会; township for a
# 乡镇's plan, read from its title); `plan_year` is the
# year the plan is *for* — read from the title, or inferred from the documents it
# implements when the title has no year (see
# `plan_year_evidence` in the documents table). `is_partial` marks texts that stop
# mid-sentence: they are left out of emphasis shares unless the build is run with
# `--include-partial`.

# %%
explore.corpus_overview(documents)

# %% [markdown]
# ## Regions and years
#
# A cross-tabulation of plans by region and year. Empty cells are years without a plan —
# they stay empty in every later comparison (never zero).

# %%
explore.plans_by_region_year(documents)

# %% [markdown]
# ## Parse warnings
#
# What the parser noticed: repaired artefacts (page numbers, HTML tags), inferred years,
# truncated texts, regions missing from the region table, unreadable files. Read these
# before trusting a plan's numbers.

# %%
explore.warnings_table(documents)

# %% [markdown]
# ## Tasks per plan
#
# The coding unit is the task (the deepest numbered item, or a paragraph closed by its
# own responsibility marker). `with_lead` is the share of tasks that name a lead unit.

# %%
explore.tasks_per_plan(documents, tasks)

# %% [markdown]
# ## Units most often in the lead
#
# Units as written in the plans (before normalisation across plans; see the lineage
# tables for the normalised responsibility network).

# %%
explore.lead_unit_counts(tasks, top=15)
