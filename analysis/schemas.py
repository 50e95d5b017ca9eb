"""Written schemas of the processed tables: columns, types, meaning and primary key.

`check(name, frame)` is called before every table is written; it fails loudly on a
missing or extra column, a wrong type, a null or duplicate key. The README's table
reference is generated from these definitions (`python -m analysis schemas`).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import levels

#: Lists (units, domains, annex rows) are stored as text joined with this separator,
#: so every table reads the same with plain pandas from Parquet or CSV.
LIST_SEP = "；"


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str  # string | int | float | bool
    description: str
    nullable: bool = True


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


def _c(name, dtype, description, nullable=True):
    return Column(name, dtype, description, nullable)


DOCUMENTS = Table("documents", "One row per raw file: the plan's metadata and how it was read.", ("file",), (
    _c("file", "string", "raw file name in data/raw/", False),
    _c("sha256", "string", "SHA-256 of the raw bytes"),
    _c("region", "string", "government the plan belongs to, with its suffix (丽水市, 隆阳区)"),
    _c("parent", "string", levels.PARENT),
    _c("province", "string", "province-level unit (for a province: itself)"),
    _c("level", "string", levels.DESCRIPTION),
    _c("adcode", "string", "administrative division code from the region table"),
    _c("region_in_table", "bool", "region found in resources/regions.csv, or a township in resources/townships.csv (False: read from the text and flagged)"),
    _c("plan_year", "int", "year the plan is for"),
    _c("plan_year_evidence", "string", "'title'; 'title: 2021–2025' for a plan for several years (', the year issued' "
                                        "when filed under it); or how the year was inferred"),
    _c("plan_span", "string", "the years a plan for several years covers (2021–2025), else empty; charts label "
                              "such a plan with it"),
    _c("title", "string", "the plan's own title (not the covering notice's)"),
    _c("notice_title", "string", "title of the covering notice that issues the plan, if any"),
    _c("issuer", "string", "office that signs or issues the plan"),
    _c("department", "string", "the department whose own plan this is (信访局 for 池州市信访局2024年政务公开工作要点), "
                               "named after its place; empty for a government's plan and for documents that are no plan"),
    _c("published", "string", "signing date, else publication date (YYYY-MM-DD)"),
    _c("doc_number", "string", "文号 with 〔〕 brackets"),
    _c("is_plan", "bool", "False for reports, interpretations, plans of other work (a title naming no "
                          "disclosure work), departments' own plans: documents that are no government's disclosure plan"),
    _c("is_partial", "bool", "the text appears truncated"),
    _c("kind", "string", "how the raw file was read: txt | html | pdf | docx"),
    _c("encoding", "string", "text encoding detected for txt/html files"),
    _c("n_chars", "int", "characters of cleaned text"),
    _c("n_tasks", "int", "tasks parsed"),
    _c("warnings", "string", f"parse warnings joined with '{LIST_SEP}'"),
    _c("failed", "bool", "the file could not be read (see warnings)"),
    _c("parser_version", "string", "version of the parser that produced the row"),
))

TASKS = Table("tasks", "One row per task (coding unit of the codebook) with its classification.", ("task_id",), (
    _c("task_id", "string", "file#NNNN (task order within the file)", False),
    _c("file", "string", "raw file name", False),
    _c("task_index", "int", "position of the task in the plan, from 1", False),
    _c("region", "string", "copied from documents for convenience"),
    _c("plan_year", "int", "copied from documents for convenience"),
    _c("path", "string", "numbering path as written: 一/(一)/1, with /a /b for split paragraphs"),
    _c("heading", "string", "the item's title phrase, or empty"),
    _c("text", "string", "full text, responsibility note included"),
    _c("content", "string", "text without responsibility notes (what is classified)"),
    _c("n_chars", "int", "characters of content"),
    _c("lead_units", "string", f"lead units joined with '{LIST_SEP}'"),
    _c("cooperating_units", "string", f"cooperating units joined with '{LIST_SEP}'"),
    _c("deadline", "string", "deadline as written"),
    _c("annex_rows", "string", f"rows of the annex responsibility table restating the task, joined with '{LIST_SEP}'"),
    _c("layout", "string", "prose | table"),
    _c("domains", "string", f"1-3 domain ids, primary first, joined with '{LIST_SEP}' (empty: unclassified)"),
    _c("primary_domain", "string", "first of domains, or 'unclassified'"),
    _c("evidence", "string", f"terms and sentence behind the classification, joined with '{LIST_SEP}'"),
))

TASK_DOMAINS = Table("task_domains", "Long table: each task's assigned domains with their counting weight.",
                     ("task_id", "domain"), (
    _c("task_id", "string", "task key", False),
    _c("file", "string", "raw file name", False),
    _c("domain", "string", "domain id (or 'unclassified')", False),
    _c("rank", "int", "1 = primary", False),
    _c("weight", "float", "share of the task counted for this domain (weights sum to 1 per task)", False),
    _c("score", "float", "classifier score"),
))

CITATIONS = Table("citations", "Documents each plan cites (《title》 and/or 文号); not the plan itself, whose title "
                  "and 文号 its notice names.", ("file", "citation_index"), (
    _c("file", "string", "citing raw file", False),
    _c("citation_index", "int", "order of first mention, from 1", False),
    _c("title", "string", "cited title without 《》"),
    _c("doc_number", "string", "cited 文号 with 〔〕"),
    _c("year", "int", "year in the 文号"),
))

ANNEX_ROWS = Table("annex_rows", "Rows of tables restating a plan's tasks (an annex's 责任分工表, or a task table "
                   "in the body under the items it repeats), linked to the task they restate.",
                   ("file", "row"), (
    _c("file", "string", "raw file name", False),
    _c("row", "int", "row number (printed, or counted by position; a body table's after the annex's)", False),
    _c("text", "string", "row text"),
    _c("units", "string", f"responsible units joined with '{LIST_SEP}'"),
    _c("task_path", "string", "path of the body task the row restates (empty: none found)"),
))

TABLES = {t.name: t for t in (DOCUMENTS, TASKS, TASK_DOMAINS, CITATIONS, ANNEX_ROWS)}
_CORE = tuple(TABLES)  # the per-document tables; measure modules register the rest on import
_KINDS = {"string": ("object", "string", "str"), "int": ("int", "Int"), "float": ("float",), "bool": ("bool", "boolean")}


class SchemaError(ValueError):
    """A table does not match its written schema."""


def register(table: Table) -> Table:
    """Add a table definition (measure modules register theirs)."""
    TABLES[table.name] = table
    return table


def check(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Validate a frame against its schema and return it with columns in schema order."""
    return _checked(name, frame, _ties(frame, TABLES[name].key))


def _checked(name: str, frame: pd.DataFrame, tied: np.ndarray | None) -> pd.DataFrame:
    """`check`, given the frame's `_ties` on its key."""
    table = TABLES[name]
    missing = [c for c in table.names if c not in frame.columns]
    extra = [c for c in frame.columns if c not in table.names]
    if missing or extra:
        raise SchemaError(f"{name}: missing columns {missing}, unexpected columns {extra}")
    for col in table.columns:
        kind = str(frame[col.name].dtype)
        if len(frame) and frame[col.name].notna().any() and not kind.startswith(_KINDS[col.dtype]):
            raise SchemaError(f"{name}.{col.name}: expected {col.dtype}, got {kind}")
        if not col.nullable and frame[col.name].isna().any():
            raise SchemaError(f"{name}.{col.name}: null values in a required column")
    if _duplicated(frame, table.key, tied):
        dups = frame[frame.duplicated(list(table.key), keep=False)][list(table.key)].head(3).to_dict("records")
        raise SchemaError(f"{name}: duplicate key {table.key}: {dups}")
    return frame[table.names]


def _ties(frame: pd.DataFrame, key: tuple[str, ...]) -> np.ndarray | None:
    """For each row after the first, whether its `key` values equal the row before's; None when the
    rows are not in key order, or a key column has nulls or values that do not compare."""
    tied = np.ones(max(len(frame) - 1, 0), dtype=bool)  # equal to the row before on the key so far
    for name in key:
        column = frame[name]
        later, earlier = column.array[1:], column.array[:-1]
        try:
            if column.hasnans or np.asarray(later < earlier, dtype=bool)[tied].any():
                return None
            tied &= np.asarray(later == earlier, dtype=bool)
        except TypeError:  # e.g. numbers and text in one object column
            return None
    return tied


def duplicate_key(frame: pd.DataFrame, key: tuple[str, ...]) -> bool:
    """Whether two rows of `frame` share the `key` columns' values. Rows in key order (as `conform`
    leaves them) are compared with the row before; others are hashed (`DataFrame.duplicated`,
    which at 2,000 plans took 0.1 s over the tables a build checks)."""
    return _duplicated(frame, key, _ties(frame, key))


def _duplicated(frame: pd.DataFrame, key: tuple[str, ...], tied: np.ndarray | None) -> bool:
    return bool(frame.duplicated(list(key)).any()) if tied is None else bool(tied.any())


_CASTS = {"string": "string", "int": "Int64", "float": "float64", "bool": "boolean"}


def conform(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Cast a frame to its schema's types, sort it by the key and check it."""
    table = TABLES[name]
    frame = frame.astype({c.name: _CASTS[c.dtype] for c in table.columns if c.name in frame.columns})
    tied = _ties(frame, table.key)
    if tied is None:  # not in key order (one that is is not sorted again, nor compared again in the check)
        return check(name, frame.sort_values(list(table.key), kind="mergesort").reset_index(drop=True))
    return _checked(name, frame.reset_index(drop=True), tied)


def markdown() -> str:
    """The schemas as Markdown tables: the per-document tables, then the others by name."""
    out = []
    for t in (TABLES[name] for name in [*_CORE, *sorted(set(TABLES) - set(_CORE))]):  # not in import order
        out.append(f"### `{t.name}`\n\n{t.description} Key: `{', '.join(t.key)}`.\n\n| column | type | meaning |\n|---|---|---|")
        out += [f"| `{c.name}` | {c.dtype} | {c.description.replace('|', chr(92) + '|')} |" for c in t.columns]
        out.append("")
    return "\n".join(out)


def all_schemas_markdown() -> str:
    """Markdown of every table the build writes (imports the modules that register them)."""
    from . import corpus, measure  # noqa: F401
    from .measure import lineage  # noqa: F401

    header = ("# Processed tables\n\nGenerated by `python -m analysis schemas` from `analysis/schemas.py` and the "
              "measure modules; do not edit by hand. Every table is written to `data/processed/<name>.parquet` and "
              f"`<name>.csv`. Lists are text joined with `{LIST_SEP}`.\n\n")
    return header + markdown()
