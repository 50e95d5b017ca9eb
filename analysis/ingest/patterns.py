"""Load the ingest layout knowledge (resources/ingest_patterns.yaml) once, compiled."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from ..config import INGEST_PATTERNS


@dataclass(frozen=True)
class Patterns:
    furniture_line: re.Pattern
    furniture_inline: re.Pattern
    spam: re.Pattern
    metadata_labels: dict[str, tuple[str, ...]]
    bracket_labels: dict[str, tuple[str, ...]]
    plan_title_words: tuple[str, ...]
    disclosure_words: tuple[str, ...]
    not_plan_words: tuple[str, ...]
    #: A summary with a plan for the next year: its title, and the plan's section heading.
    summary_title: re.Pattern
    summary_plan_section: str  # a pattern with {year} for the plan's year
    #: A title ending with one of these names another kind of document; a dated one's may be a plan.
    other_genres: tuple[str, ...]
    dated_plan_genres: tuple[str, ...]
    #: A department's name ends with one of these and contains none of the government words.
    department_endings: tuple[str, ...]
    government_words: tuple[str, ...]
    whole_area: re.Pattern
    non_task_sections: tuple[str, ...]
    deadline_labels: tuple[str, ...]
    lead_labels: tuple[str, ...]
    cooperating_labels: tuple[str, ...]
    responsible_labels: tuple[str, ...]
    ignored_labels: tuple[str, ...]
    remarks: re.Pattern
    verbs: tuple[str, ...]
    first_leads: re.Pattern
    deadline: re.Pattern
    deadline_clause: re.Pattern
    doc_number: re.Pattern
    report_signals: re.Pattern
    plan_signals: re.Pattern
    #: Task-table column names and their roles (None: read past), and a header of 3 or more of them.
    table_columns: tuple[tuple[str, str | None], ...]
    table_header: re.Pattern


_ROLES = {None, "number", "task", "requirement", "lead", "responsible", "cooperating", "deadline"}


def _table_header(names: list[str]) -> re.Pattern:
    """Three or more column names in a row, spaces allowed inside a name (PDF extraction); the
    lookahead on their first characters lets the search skip most positions (4 times faster)."""
    spaced = (r"\s*".join(map(re.escape, name)) for name in sorted(names, key=len, reverse=True))
    first = "".join(sorted({name[0] for name in names}))
    return re.compile(rf"(?=[{re.escape(first)}])((?:(?:" + "|".join(spaced) + r")[\s|｜\t]*){3,})")


def _union(items: list[str], flags: int = 0) -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in items), flags)


@lru_cache(maxsize=4)
def load_patterns(path: Path = INGEST_PATTERNS) -> Patterns:
    """Compile the pattern file; fails loudly on a bad regex, naming it."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    for key in ("furniture_lines", "furniture_inline", "spam", "deadline_patterns"):
        for p in data[key]:
            try:
                re.compile(p)
            except re.error as exc:
                raise ValueError(f"{path}: bad regex in {key}: {p!r} ({exc})") from exc
    resp = data["responsibility"]
    columns = data["task_table_columns"]
    bad = {name: role for name, role in columns.items() if role not in _ROLES}
    if bad:
        raise ValueError(f"{path}: unknown roles in task_table_columns: {bad} (known: {sorted(_ROLES - {None})})")
    by_len = lambda xs: tuple(sorted(xs, key=len, reverse=True))  # noqa: E731
    return Patterns(
        furniture_line=re.compile(r"^\s*+(?:" + "|".join(f"(?:{p})" for p in data["furniture_lines"]) + ")"),
        furniture_inline=_union(data["furniture_inline"]),
        spam=_union(data["spam"], re.IGNORECASE),
        metadata_labels={k: tuple(v) for k, v in data["metadata_labels"].items()},
        bracket_labels={k: tuple(v) for k, v in data["bracket_labels"].items()},
        plan_title_words=by_len(data["plan_title_words"]),
        disclosure_words=tuple(data["disclosure_words"]),
        not_plan_words=tuple(data["not_plan_words"]),
        summary_title=re.compile(data["summary_and_plan"]["title"]),
        summary_plan_section=data["summary_and_plan"]["section"],
        other_genres=tuple(data["other_genres"]["words"]),
        dated_plan_genres=tuple(data["other_genres"]["dated_plans"]),
        department_endings=tuple(data["department"]["endings"]),
        government_words=tuple(data["department"]["government"]),
        whole_area=re.compile(data["department"]["whole_area"]),
        non_task_sections=tuple(data["non_task_sections"]),
        deadline_labels=by_len(resp["labels"]["deadline"]),
        lead_labels=by_len(resp["labels"]["lead"]),
        cooperating_labels=by_len(resp["labels"]["cooperating"]),
        responsible_labels=by_len(resp["labels"]["responsible"]),
        ignored_labels=by_len(resp["labels"]["ignored"]),
        remarks=_union(resp["remarks"]),
        verbs=by_len(resp["verbs"]),
        first_leads=_union(resp["first_leads"]),
        deadline=_union(data["deadline_patterns"]),
        deadline_clause=_union(resp["deadline_clauses"]),
        doc_number=re.compile(data["doc_number"]),
        report_signals=re.compile("|".join(f"(?:{p})" if not p.startswith("(?m)") else f"(?:{p[4:]})"
                                           for p in data["report_signals"]), re.M),
        plan_signals=_union(data["plan_signals"]),
        table_columns=tuple(columns.items()),
        table_header=_table_header(list(columns)),
    )
