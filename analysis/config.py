"""Paths and defaults, in one place. Nothing else in the package hard-codes them."""
from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
RESOURCES = PACKAGE_DIR / "resources"

#: Project root: the folder holding data/ and reports/. Override with ANALYSIS_ROOT.
ROOT = Path(os.environ.get("ANALYSIS_ROOT", PACKAGE_DIR.parent)).resolve()
RAW_DIR = ROOT / "data" / "raw"
PROCESSED_DIR = ROOT / "data" / "processed"
REPORTS_DIR = ROOT / "reports"
FIGURES_DIR = REPORTS_DIR / "figures"
NOTEBOOK_PAGES_DIR = REPORTS_DIR / "notebooks"  # the notebooks as HTML pages (analysis.notebook_pages)
NOTEBOOKS_DIR = PACKAGE_DIR.parent / "notebooks"
CACHE_DIR = ROOT / ".cache"
RAW_MANIFEST = RAW_DIR / "manifest.csv"

#: Shared development data beside the project (seeds, extras, gold); may be absent.
SHARED_DIR = Path(os.environ.get("ANALYSIS_SHARED", ROOT.parent / "shared")).resolve()

# Resource files (domain knowledge as data).
#: The codebook file; ANALYSIS_CODEBOOK points a build at another (e.g. an edited copy).
CODEBOOK = Path(os.environ.get("ANALYSIS_CODEBOOK", RESOURCES / "codebook.yaml"))
REGIONS = RESOURCES / "regions.csv"
#: Townships (乡, 镇, 街道) with their county, city and province, looked up for township plans.
TOWNSHIPS = RESOURCES / "townships.csv"
GOV_TERMS = RESOURCES / "gov_terms.txt"
BOILERPLATE_STOPWORDS = RESOURCES / "boilerplate_stopwords.txt"
FUNCTION_WORDS = RESOURCES / "function_words.txt"
INGEST_PATTERNS = RESOURCES / "ingest_patterns.yaml"
UNIT_RENAMES = RESOURCES / "unit_renames.csv"

#: File types the readers accept.
RAW_SUFFIXES = (".txt", ".html", ".htm", ".pdf", ".docx")
#: Largest raw file the readers accept, in bytes.
MAX_RAW_BYTES = 50 * 1024 * 1024

SEED = 20240601
BOOTSTRAP_REPLICATES = 2000
LANG = "zh"

#: Counting weights of a task's domains by how many it has, primary first: a task with
#: two domains counts 0.6 for its primary and 0.4 for its second (see README, "Emphasis").
DOMAIN_WEIGHTS = {1: (1.0,), 2: (0.6, 0.4), 3: (0.5, 0.3, 0.2)}

#: Lineage (text reuse across all pairs of plans) is computed automatically for corpora of
#: at most this many plans; above it, run `build --lineage` (it is the slowest measure).
LINEAGE_AUTO_MAX_PLANS = 400

#: The corpus measures run side by side in the build's worker processes for corpora of at most
#: this many plans; above it one after another, in the build's process (memory: each holds its
#: own working arrays, and 20,000 plans already come near 4 GB).
MEASURE_FORK_MAX_PLANS = 5000

#: A watching process (`pipeline.build(resident=True)`) keeps the last build's per-document tables
#: and term counts in memory between builds for corpora of at most this many raw files: at 2,000
#: plans they are 140 MB, and the next build reads no snapshot file (0.2 s); at 20,000 they would
#: be over a gigabyte held while the process waits.
RESIDENT_MAX_FILES = 5000
