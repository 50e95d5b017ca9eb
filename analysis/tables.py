"""Parsed and classified documents → the tidy tables of data/processed/ (pure functions)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from .config import DOMAIN_WEIGHTS
from .domains import Scored, classify_tasks
from .ingest import Document
from .schemas import LIST_SEP, conform

UNCLASSIFIED = "unclassified"


def _join(items) -> str:
    return LIST_SEP.join(str(x) for x in items)


def domain_weights(domains: list[str]) -> list[float]:
    """Counting weights of a task's 1-3 domains, primary first (config.DOMAIN_WEIGHTS)."""
    return list(DOMAIN_WEIGHTS[len(domains)]) if domains else [1.0]


def document_row(doc: Document, file: str) -> dict:
    return {
        "file": file, "sha256": doc.sha256, "region": doc.region, "parent": doc.parent, "province": doc.province,
        "level": doc.level, "adcode": doc.adcode, "region_in_table": doc.region_in_table, "plan_year": doc.plan_year,
        "plan_year_evidence": doc.plan_year_evidence, "plan_span": doc.plan_span, "title": doc.title, "notice_title": doc.notice_title,
        "issuer": doc.issuer, "department": doc.department, "published": doc.published, "doc_number": doc.doc_number, "is_plan": doc.is_plan,
        "is_partial": doc.is_partial, "kind": doc.kind, "encoding": doc.encoding, "n_chars": doc.n_chars,
        "n_tasks": len(doc.tasks), "warnings": _join(doc.warnings), "failed": doc.failed,
        "parser_version": doc.parser_version,
    }


def document_tables(doc: Document, file: str, scored: list[Scored] | None = None) -> dict[str, list[dict]]:
    """Rows of every per-document table for one parsed (and classified) document."""
    scored = scored if scored is not None else classify_tasks(doc.tasks)
    tasks, domains = [], []
    for k, (task, s) in enumerate(zip(doc.tasks, scored), start=1):
        task_id = f"{file}#{k:04d}"
        labels = s.domains or [UNCLASSIFIED]
        tasks.append({
            "task_id": task_id, "file": file, "task_index": k, "region": doc.region, "plan_year": doc.plan_year,
            "path": task.path, "heading": task.heading, "text": task.text, "content": task.content,
            "n_chars": len(task.content), "lead_units": _join(task.lead_units),
            "cooperating_units": _join(task.cooperating_units), "deadline": task.deadline,
            "annex_rows": _join(task.annex_rows), "layout": task.layout, "domains": _join(s.domains),
            "primary_domain": labels[0], "evidence": _join(s.evidence),
        })
        for rank, (domain, weight) in enumerate(zip(labels, domain_weights(s.domains)), start=1):
            domains.append({"task_id": task_id, "file": file, "domain": domain, "rank": rank, "weight": weight,
                            "score": s.scores.get(domain, 0.0)})
    citations = [{"file": file, "citation_index": k, "title": c["title"], "doc_number": c["doc_number"],
                  "year": c["year"]} for k, c in enumerate(doc.citations, start=1)]
    annex = [{"file": file, "row": r["row"], "text": r["text"], "units": _join(r["units"]),
              "task_path": r["task_path"]} for r in doc.annex]
    return {"documents": [document_row(doc, file)], "tasks": tasks, "task_domains": domains,
            "citations": citations, "annex_rows": annex}


def frame(name: str, rows: list[dict]) -> pd.DataFrame:
    """Rows → a schema-checked DataFrame with the schema's column order and types."""
    from .schemas import TABLES

    return conform(name, pd.DataFrame(rows, columns=TABLES[name].names))


def build_tables(docs: dict[str, Document]) -> dict[str, pd.DataFrame]:
    """All per-document tables for a corpus {file name: Document}, in file order."""
    rows: dict[str, list[dict]] = {}
    for file in sorted(docs):
        for name, part in document_tables(docs[file], file).items():
            rows.setdefault(name, []).extend(part)
    return {name: frame(name, rows.get(name, [])) for name in ("documents", "tasks", "task_domains", "citations",
                                                                "annex_rows")}


def load_corpus(paths) -> dict[str, Document]:
    """Parse raw files into {file name: Document} (no caching; the pipeline caches)."""
    from .ingest import parse_file

    return {Path(p).name: parse_file(p) for p in paths}
