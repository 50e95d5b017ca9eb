"""Helpers the notebooks share: load the processed tables, select plans, and the small
summary tables a researcher looks at first. Pure functions over DataFrames, except `load_tables`."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import config
from .levels import LEVELS
from .schemas import LIST_SEP


def table_paths(root: str | Path | None = None) -> list[Path]:
    """The Parquet files of data/processed/ (under `root`, default the project); FileNotFoundError,
    saying to build first, when there are none."""
    folder = Path(root) / "data" / "processed" if root else config.PROCESSED_DIR
    paths = sorted(folder.glob("*.parquet"))
    if not paths:
        raise FileNotFoundError(f"no tables in {folder}: run `make report` (or `python -m analysis build`) first")
    return paths


def load_tables(root: str | Path | None = None) -> dict[str, pd.DataFrame]:
    """Every table of data/processed/ (under `root`, default the project) as {name: DataFrame}."""
    return {p.stem: pd.read_parquet(p) for p in table_paths(root)}


def select(tables: dict[str, pd.DataFrame], regions=None, years=None, provinces=None,
           levels=None) -> dict[str, pd.DataFrame]:
    """The tables restricted to plans of the given regions, plan years, provinces and levels (None:
    all); e.g. the plans of one province, to chart a corpus larger than the charts' limits
    (`analysis.viz.frames.MAX_PLAN_ROWS`), or the governments' plans without the zones'
    (`levels=["city", "district", "county"]`).

    Tables with a `file` column are filtered by file; pair tables (similarity, text reuse)
    keep rows whose two plans are both selected; `emphasis_means` is recomputed from the
    selected plans; other tables (topics, distinctive terms: fitted on the whole corpus) are
    returned unchanged. A region, year or province no document has is an error that names those
    there are, and so is a level that is none of `analysis.levels.LEVELS`.
    """
    docs = tables["documents"]
    keep = pd.Series(True, index=docs.index)
    years = [int(y) for y in years] if years else years  # "2020" as a notebook parameter may give it
    for column, wanted in (("region", regions), ("plan_year", years), ("province", provinces), ("level", levels)):
        if wanted:
            _check_known(docs[column], list(wanted), column)
            keep &= docs[column].isin(list(wanted))
    files = set(docs.loc[keep, "file"])
    out = {}
    for name, frame in tables.items():
        if "file" in frame.columns:
            frame = frame[frame["file"].isin(files)]
        elif {"file_a", "file_b"} <= set(frame.columns):
            frame = frame[frame["file_a"].isin(files) & frame["file_b"].isin(files)]
        elif "task_id" in frame.columns and "tasks" in tables:
            frame = frame[frame["task_id"].isin(tables["tasks"].loc[tables["tasks"]["file"].isin(files), "task_id"])]
        out[name] = frame.reset_index(drop=True)
    if "emphasis_means" in out and "emphasis" in out:
        from .measure import emphasis_means

        out["emphasis_means"] = emphasis_means(out["emphasis"], documents=out.get("documents"))
    return out


def _check_known(values: pd.Series, wanted: list, column: str) -> None:
    """A ValueError naming the values no document has (a misspelt 杭州 for 杭州市), with those it has;
    a level is one of LEVELS, whether or not the corpus has a plan of it."""
    if column == "level":
        if unknown := [w for w in wanted if w not in LEVELS]:
            raise ValueError(f"no level {'、'.join(map(str, unknown))} (the levels are {'、'.join(LEVELS)})")
        return
    have = set(values.dropna().tolist())
    unknown = [w for w in wanted if w not in have]
    if unknown:
        known = sorted(have, key=str)
        shown = "、".join(map(str, known[:30])) + ("…" if len(known) > 30 else "")
        raise ValueError(f"no document has {column} {'、'.join(map(str, unknown))} (the corpus has {shown})")


def corpus_overview(documents: pd.DataFrame) -> pd.DataFrame:
    """One line per document: who, when, what, how many tasks, how many warnings."""
    cols = ["region", "parent", "province", "level", "plan_year", "title", "issuer", "department", "published",
            "is_plan", "is_partial", "n_tasks"]
    out = documents.set_index("file").reindex(columns=cols)  # documents built before 1.37 lack department
    out["n_warnings"] = documents.set_index("file")["warnings"].fillna("").map(
        lambda w: len([x for x in w.split(LIST_SEP) if x]))
    return out.sort_values(["province", "region", "plan_year"], kind="mergesort")


def plans_by_region_year(documents: pd.DataFrame) -> pd.DataFrame:
    """Plans per government (rows: province, parent city, region; two governments of one name stay
    apart, an unknown one is blank) and plan year (columns); a year without a plan is blank, not 0."""
    keys = ["province", "parent", "region"]
    plans = documents[documents["is_plan"].fillna(False)]
    plans = plans.assign(**{k: plans[k].astype("string").fillna("") for k in keys})
    counts = plans.pivot_table(index=keys, columns="plan_year", values="file", aggfunc="count")
    return counts.astype("Int64").astype(object).where(counts.notna(), "")


def warnings_table(documents: pd.DataFrame) -> pd.DataFrame:
    """Parse warnings, one row per (file, warning)."""
    rows = [(f, w) for f, ws in zip(documents["file"], documents["warnings"].fillna(""))
            for w in ws.split(LIST_SEP) if w]
    return pd.DataFrame(rows, columns=["file", "warning"])


def lead_unit_counts(tasks: pd.DataFrame, top: int = 15) -> pd.DataFrame:
    """Units most often in the lead: number of tasks and of plans naming each (as written)."""
    pairs = [(u, f) for f, units in zip(tasks["file"], tasks["lead_units"].fillna("")) for u in units.split(LIST_SEP) if u]
    frame = pd.DataFrame(pairs, columns=["unit", "file"])
    if frame.empty:
        return pd.DataFrame(columns=["unit", "n_tasks", "n_plans"])
    out = frame.groupby("unit").agg(n_tasks=("file", "size"), n_plans=("file", "nunique")).reset_index()
    return out.sort_values(["n_tasks", "unit"], ascending=[False, True], kind="mergesort").head(top).reset_index(drop=True)


def tasks_per_plan(documents: pd.DataFrame, tasks: pd.DataFrame) -> pd.DataFrame:
    """Tasks and characters per plan, with the share of tasks that name a lead unit."""
    t = tasks.assign(has_lead=tasks["lead_units"].fillna("") != "")
    per = t.groupby("file").agg(n_tasks=("task_id", "size"), chars=("n_chars", "sum"), with_lead=("has_lead", "mean"))
    per = documents.set_index("file")[["region", "plan_year"]].join(per, how="inner")
    per["with_lead"] = per["with_lead"].round(3)
    return per.sort_values(["region", "plan_year"], kind="mergesort")


def codebook_table(lang: str = "zh") -> pd.DataFrame:
    """The codebook as a table: id, name, group, definition and its keyword count."""
    from .domains import load_codebook

    cb = load_codebook()
    return pd.DataFrame([{"id": d.id, "name": d.label(lang), "group": d.group, "definition": d.definition,
                          "n_keywords": len(d.keywords)} for d in cb.domains]).set_index("id")


def classification_sample(tasks: pd.DataFrame, n: int = 8, seed: int = config.SEED) -> pd.DataFrame:
    """A reproducible random sample of tasks with their domains and the evidence behind them."""
    sample = tasks.sample(min(n, len(tasks)), random_state=seed) if len(tasks) else tasks
    out = sample[["task_id", "heading", "domains", "evidence"]].copy()
    out["heading"] = [h or c[:30] for h, c in zip(sample["heading"].fillna(""), sample["content"].fillna(""))]
    return out.set_index("task_id")


def share_table(emphasis: pd.DataFrame, lang: str = "zh", value: str = "task_share",
                documents: pd.DataFrame | None = None) -> pd.DataFrame:
    """Plans × domains of `value` in percent: a row per plan, labelled and ordered as the charts'
    rows (`viz.frames.plans`: two plans of one region and year, or two governments of one name,
    keep a row each; with `documents`, a plan for several years goes by its span), columns domain
    labels; 0 where a plan has no row for a domain (the unclassified share of a plan whose every
    task is classified)."""
    from .domains import load_codebook
    from .viz.frames import plans

    labels = load_codebook().labels(lang)
    rows = plans(emphasis, documents)
    wide = emphasis.pivot(index="file", columns="domain", values=value).reindex(rows["file"]).fillna(0.0)
    wide.index = pd.Index(rows["label"], name="plan")
    order = [d for d in labels if d in wide.columns] + [c for c in wide.columns if c not in labels]
    return (wide[order] * 100).round(1).rename(columns=labels)
