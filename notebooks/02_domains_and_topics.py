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
# # 2. Domains and topics
#
# How tasks were coded into the 19 domains of the codebook, how well the coding agrees
# with hand-made labels, and which themes the tasks share that the codebook does not name.

# %% tags=["parameters"]
REGIONS = None
YEARS = None
LANG = "zh"
ROOT = None
GOLD_LABELS = None  # path to a labels file like shared/gold/seed_labels.jsonl; None = use ../shared if present
N_EXAMPLES = 8

# %%
from pathlib import Path

import pandas as pd
from IPython.display import display

from analysis import config, explore
from analysis.viz import static, use_cjk_font

use_cjk_font()
pd.set_option("display.max_colwidth", 80)
tables = explore.select(explore.load_tables(ROOT), regions=REGIONS, years=YEARS)
tasks = tables["tasks"]

# %% [markdown]
# ## The codebook
#
# Twelve policy areas and seven disclosure processes. The keywords behind each domain are
# in `analysis/resources/codebook.yaml`; edit it and rerun the build to change the coding.

# %%
explore.codebook_table(LANG)

# %% [markdown]
# ## How tasks were classified
#
# Every task gets one to three domains, primary first, and the evidence: the matched
# terms per domain and the sentence that carries the primary domain's strongest term.
# A reproducible random sample:

# %%
explore.classification_sample(tasks, n=N_EXAMPLES)

# %% [markdown]
# Primary domains across the selected plans:

# %%
tasks["primary_domain"].value_counts().rename("tasks").to_frame()

# %% [markdown]
# ## Validation against hand-made labels
#
# When a gold file is available (the seed gold lives in `../shared/gold/`), the classifier
# is scored beside two baselines computed in the same run: counting the codebook table's
# terms, and topic clusters mapped to domains by majority vote. The supervised refinement
# (fitted on labels) is scored by leave-one-document-out cross-validation, never on its
# own training labels.

# %%
gold = Path(GOLD_LABELS) if GOLD_LABELS else config.SHARED_DIR / "gold" / "seed_labels.jsonl"
if gold.exists():
    from analysis.domains.validate import validate

    result = validate(gold, refine=True)
    display(result.summary)
    display(result.per_domain)
    display(result.confusion)
else:
    print(f"No gold labels at {gold}: validation skipped.")

# %% [markdown]
# ## Topics the tasks share
#
# NMF topic clusters on the segmented task text; the number of topics is the one with the
# highest mean NPMI coherence. Each topic is matched to the codebook domain whose keywords
# are closest; a low `domain_similarity` marks a theme the codebook does not name. Topics are
# numbered from 1, as in the chart below and in `topic_assignments`.

# %%
topics = tables["topics"].set_index("topic")
topics[["n_tasks", "top_terms", "matched_domain", "domain_similarity", "example_headings"]] if len(topics) else \
    "Too few tasks for topic discovery (at least 20 are needed)."

# %%
if len(topics):
    display(static.topic_clusters(topics.reset_index(), LANG, tasks=tasks))

# %% [markdown]
# Themes least like any domain (candidates for a new codebook entry):

# %%
topics.sort_values("domain_similarity").head(3)[["top_terms", "matched_domain", "domain_similarity"]] if len(topics) \
    else None
