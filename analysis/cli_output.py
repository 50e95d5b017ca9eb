"""The JSON shape of `parse` and `classify` (one object per input file)."""
from __future__ import annotations

from .ingest import Document

DOC_KEYS = ["source", "sha256", "region", "parent", "province", "level", "plan_year", "plan_year_evidence",
            "plan_span", "title", "issuer", "department", "published", "doc_number", "is_plan", "is_partial", "region_in_table", "warnings"]
TASK_KEYS = ["path", "heading", "text", "lead_units", "cooperating_units", "deadline", "annex_rows"]


def document_json(doc: Document, classified: list[dict] | None = None) -> dict:
    """A Document as the CLI prints it; `classified` adds domains, scores and evidence per task."""
    out = {k: getattr(doc, k) for k in DOC_KEYS}
    tasks = []
    for k, task in enumerate(doc.tasks):
        row = {key: getattr(task, key) for key in TASK_KEYS}
        if classified is not None:
            row.update(classified[k])
        tasks.append(row)
    out["tasks"] = tasks
    out["citations"] = [{k: c[k] for k in ("title", "doc_number", "year")} for c in doc.citations]
    return out
