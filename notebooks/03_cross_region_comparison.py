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
# # 3. Cross-region comparison
#
# How much attention each plan gives each domain, how sure we can be of the differences,
# which words set a region apart, and which plans resemble each other.

# %% tags=["parameters"]
REGIONS = None
YEARS = None
PROVINCES = None  # e.g. ["浙江省"]: a corpus of more plans than the charts draw one by one needs a selection
LEVELS = None  # e.g. ["city", "district", "county"]: the governments' plans without the zones'
LANG = "zh"
ROOT = None
DOMAIN = None  # domain id for the dot plot, e.g. "platforms"; None = the domain that varies most

# %%
from IPython.display import display

from analysis import explore
from analysis.viz import frames, interactive, static, use_cjk_font

use_cjk_font()
tables = explore.select(explore.load_tables(ROOT), regions=REGIONS, years=YEARS, provinces=PROVINCES,
                        levels=LEVELS)
emphasis, documents, tasks = tables["emphasis"], tables["documents"], tables["tasks"]
if frames.n_plans(emphasis) > frames.MAX_PLAN_ROWS:
    raise ValueError(f"{frames.n_plans(emphasis)} plans: the charts below draw a row per plan, readable up to "
                     f"{frames.MAX_PLAN_ROWS}; set REGIONS, YEARS or PROVINCES to select fewer, or compare groups "
                     "of plans: static.group_heatmap(tables['emphasis_means'], 'province')")
if DOMAIN is None:
    DOMAIN = emphasis.groupby("domain")["task_share"].std().fillna(0).sort_values(ascending=False).index[0]

# %% [markdown]
# ## Share of tasks by domain
#
# `task_share` is the share of a plan's tasks given to a domain (a task with two or three
# domains is split 0.6/0.4 or 0.5/0.3/0.2, primary first), so each row sums to 100%. The
# heatmap orders domains by group: policy areas first, then disclosure processes.

# %%
explore.share_table(emphasis, LANG, documents=documents)

# %%
static.domain_heatmap(emphasis, LANG, documents=documents)

# %% [markdown]
# The interactive version shows, on hover, the interval and example task headings:

# %%
interactive.domain_heatmap(emphasis, LANG, documents=documents, tasks=tasks)

# %% [markdown]
# ## One domain, all plans, with 95% intervals
#
# Intervals come from resampling each plan's tasks (2,000 bootstrap replicates). With 15
# to 60 tasks per plan they are wide: two plans differ credibly only where their
# intervals barely overlap.

# %%
static.domain_dotplot(emphasis, DOMAIN, LANG, documents=documents)

# %% [markdown]
# ## Policy areas versus disclosure processes

# %%
static.domain_composition(emphasis, LANG, documents=documents)

# %% [markdown]
# ## Distinctive vocabulary
#
# Weighted log-odds with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008):
# words with a large positive z-score are used by a region more than by the others, beyond
# what chance in a corpus this size would give.

# %%
terms = tables["distinctive_terms"]
by_region = terms[terms["group_by"] == "region"]
static.distinctive_terms_chart(by_region, LANG) if len(by_region) else "Fewer than two regions selected."

# %% [markdown]
# ## Which plans resemble each other
#
# Cosine similarity of the plans' TF-IDF word profiles (1 = the same wording).

# %%
similarity = tables["similarity"]
static.similarity_heatmap(similarity, LANG, documents=documents) if len(similarity) else "Fewer than two plans."

# %% [markdown]
# ## Who copies whom
#
# Lineage tables (built for corpora of up to 400 plans, or with `build --lineage`):
# the upstream documents each plan cites and implements, and the share of each plan's
# sentences found near-verbatim in an earlier plan (character 5-gram Jaccard ≥ 0.6, or
# containment ≥ 0.8 for sentences of 14+ characters; place names neutralised).

# %%
from analysis.measure import lineage_charts

if "citation_links" in tables and len(tables["citation_links"]):
    display(tables["citation_links"][["file", "cited_label", "cited_level", "relation", "resolved_file"]])
    display(lineage_charts.citation_graph_figure(tables["citation_links"], documents, LANG))
else:
    print("No citation links in this selection.")

# %%
if "reuse_index" in tables and len(tables["reuse_index"]):
    display(tables["reuse_index"])
if "text_reuse" in tables and len(tables["text_reuse"]):
    display(lineage_charts.reuse_matrix_figure(tables["text_reuse"], documents, LANG))

# %% [markdown]
# Which units lead which domains (normalised across plans: own place name removed,
# renamed agencies mapped to their current names — see `analysis/resources/unit_renames.csv`):

# %%
if "responsibility" in tables and len(tables["responsibility"]):
    display(lineage_charts.responsibility_figure(tables["responsibility"], LANG))
