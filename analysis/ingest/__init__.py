"""Ingest: raw plan text → Document (metadata, tasks, citations, annex rows)."""
from .document import PARSER_VERSION, Document, PlanParser, Task, parse_bytes, parse_file, parse_text

__all__ = ["PARSER_VERSION", "Document", "PlanParser", "Task", "parse_bytes", "parse_file", "parse_text"]
