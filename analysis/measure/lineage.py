"""Lineage: who copies whom among the plans.

Three views of the same question — how much a county's plan repeats its city's, the city's its
province's, the province's the State Council's:

- `citation_links`: the documents each plan cites, their issuer and level, and which upstream
  plans it says it implements (lineage_citations);
- `text_reuse` and `reuse_index`: which share of a plan's sentences reappear near-verbatim in
  another plan, and in any earlier one (lineage_reuse);
- `responsibility_edges`: which normalised units lead or cooperate on which domains
  (lineage_units).

Charts of these tables are in lineage_charts.
"""
from __future__ import annotations

import pandas as pd

from .lineage_citations import CITATION_LINKS, citation_links, clean_doc_number, issuer, plan_title
from .lineage_reuse import REUSE_INDEX, TEXT_REUSE, plan_sentences, reuse_index, sentence_matches, text_reuse
from .lineage_units import RESPONSIBILITY, is_generic_unit, load_renames, normalize_unit, responsibility_edges
from .plans import duplicate_plans

__all__ = [
    "CITATION_LINKS", "REUSE_INDEX", "RESPONSIBILITY", "TEXT_REUSE", "citation_links", "clean_doc_number",
    "is_generic_unit", "issuer", "lineage_tables", "load_renames", "normalize_unit", "plan_sentences",
    "plan_title", "responsibility_edges", "reuse_index", "sentence_matches", "text_reuse",
]


def lineage_tables(tables: dict[str, pd.DataFrame], duplicates: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """The four lineage tables from the per-document tables of `analysis.tables.build_tables`:
    citation_links, text_reuse, reuse_index and responsibility, each schema-checked and sorted by key.
    Second copies of a plan (`duplicate_plans`, or `duplicates` when already known) are left out:
    a copy is no plan that reuses another."""
    documents, tasks = tables["documents"], tables["tasks"]
    duplicates = duplicate_plans(documents, tasks) if duplicates is None else duplicates
    documents = documents[~documents["file"].isin(set(duplicates["file"]))]
    sentences = plan_sentences(tasks, documents)
    reuse = text_reuse(tasks, documents, sentences=sentences)
    return {
        "citation_links": citation_links(documents, tables["citations"]),
        "text_reuse": reuse,
        "reuse_index": reuse_index(reuse, documents, sentences=sentences),
        "responsibility": responsibility_edges(tasks, tables["task_domains"], documents),
    }
