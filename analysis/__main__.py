"""Command line: `python -m analysis COMMAND` (see `python -m analysis --help`)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from . import config
from .levels import LEVELS

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Compare Chinese local governments' 政务公开 work plans across regions and years.")


def _emit(rows: list[dict]) -> None:
    sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1) + "\n")


@app.command()
def parse(paths: list[Path] = typer.Argument(..., help="Raw plan files (txt, html, pdf, docx)"),
          json_out: bool = typer.Option(False, "--json", help="Print a JSON array, one object per file")) -> None:
    """Parse plans into metadata and tasks. Exit 1 when some files could not be parsed."""
    from .cli_output import document_json
    from .ingest import parse_file

    docs = [parse_file(p) for p in paths]
    rows = [document_json(d) | {"source": str(p)} for d, p in zip(docs, paths)]
    if json_out:
        _emit(rows)
    else:
        for d in rows:
            typer.echo(f"{d['source']}: {d['region']} {d['plan_year']} {d['title']} — {len(d['tasks'])} tasks"
                       + (f"; warnings: {'; '.join(d['warnings'])}" if d["warnings"] else ""))
    raise typer.Exit(1 if any(d.failed for d in docs) else 0)


@app.command()
def classify(paths: list[Path] = typer.Argument(..., help="Raw plan files (txt, html, pdf, docx)"),
             json_out: bool = typer.Option(False, "--json", help="Print a JSON array, one object per file")) -> None:
    """Parse plans and classify every task into codebook domains (with scores and evidence)."""
    from .cli_output import document_json
    from .domains import classify_tasks
    from .ingest import parse_file

    docs = [parse_file(p) for p in paths]
    rows = []
    for doc, path in zip(docs, paths):
        scored = classify_tasks(doc.tasks)
        rows.append(document_json(doc, [{"domains": s.domains, "domain_scores": {k: v for k, v in s.scores.items() if v},
                                         "evidence": s.evidence} for s in scored]) | {"source": str(path)})
    if json_out:
        _emit(rows)
    else:
        for d in rows:
            typer.echo(f"{d['source']}: {d['region']} {d['plan_year']} — {len(d['tasks'])} tasks")
            for t in d["tasks"]:
                typer.echo(f"  {t['path']:<14} {','.join(t['domains']) or '-':<32} {t['heading'] or t['text'][:30]}")
    raise typer.Exit(1 if any(d.failed for d in docs) else 0)


@app.command()
def validate(gold: Path = typer.Option(..., "--gold", help="Labels file (format of shared/gold/seed_labels.jsonl)"),
             tasks: Path = typer.Option(None, "--tasks", help="Its task file (default: seed_tasks.jsonl beside it)"),
             refine: bool = typer.Option(False, "--refine", help="Also score the supervised refinement "
                                                                 "(document-grouped cross-validation)")) -> None:
    """Score the classifier against hand-coded labels, beside two baselines."""
    from .domains.validate import validate as run

    if not gold.exists():
        typer.echo(f"error: {gold} not found", err=True)
        raise typer.Exit(2)
    v = run(gold, tasks, refine=refine)
    typer.echo("Primary domain, all methods:\n" + v.summary.to_string(index=False))
    typer.echo("\nCodebook classifier per domain:\n" + v.per_domain.to_string(index=False))
    typer.echo("\nMisclassified (gold → predicted):\n" + (v.confusion.to_string(index=False) if len(v.confusion)
                                                          else "none"))


class _Progress:
    """A rich progress bar for the per-document stage (hidden with --quiet or --json)."""

    def __init__(self, label: str):
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

        self.bar = Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                            TimeElapsedColumn(), transient=True)
        self.label = label

    def start(self, total: int) -> None:
        self.bar.start()
        self.task = self.bar.add_task(self.label, total=total)

    def advance(self) -> None:
        self.bar.advance(self.task)

    def stop(self) -> None:
        self.bar.stop()


# the options `build` and `watch` share
WORKERS = typer.Option(0, "--workers", help="Worker processes (default: all cores)")
LANG = typer.Option("zh", "--lang", help="Language of figures and report: zh | en")
FIGURES = typer.Option(True, "--figures/--no-figures", help="Write reports/figures/")
REPORT = typer.Option(True, "--report/--no-report", help="Write reports/index.html")
INCLUDE_PARTIAL = typer.Option(False, "--include-partial", help="Count truncated plans in emphasis shares")
LINEAGE = typer.Option(None, "--lineage/--no-lineage",
                       help=f"Compute the lineage tables (default: for up to {config.LINEAGE_AUTO_MAX_PLANS:,} plans)")


def _check_lang(lang: str) -> None:
    if lang not in ("zh", "en"):
        typer.echo("error: --lang must be zh or en", err=True)
        raise typer.Exit(2)


def _print_summary(s) -> None:
    """A build's summary, as `build` prints it."""
    if s.up_to_date:
        typer.echo("up to date: nothing changed since the last build, its outputs are current (--force rebuilds)")
    typer.echo(f"documents: {s.n_documents} ({s.n_plans} plans), tasks: {s.n_tasks}, warnings: {s.n_warnings}")
    typer.echo(f"raw files: {len(s.added)} added, {len(s.changed)} changed, {len(s.removed)} removed, "
               f"{len(s.unchanged)} unchanged; parsed now: {len(s.processed)}")
    for label, files in (("added", s.added), ("changed", s.changed), ("removed", s.removed)):
        for f in files:
            typer.echo(f"  {label}: {f}")
    for f in s.failed:
        typer.echo(f"  FAILED: {f}" + (f" — {s.reasons[f]}" if s.reasons.get(f) else ""))
    typer.echo("time: " + ", ".join(f"{k} {v:.1f}s" for k, v in s.seconds.items()))
    typer.echo(f"outputs: {len([o for o in s.outputs if 'processed' in o])} table files in data/processed/, "
               f"{len([o for o in s.outputs if 'processed' not in o])} files in reports/")
    if s.charts_left_out:
        typer.echo("charts not drawn, the corpus is too large to draw one by one (chart a selection in a "
                   "notebook: analysis.explore.select):")
        for view, why in s.charts_left_out.items():
            typer.echo(f"  {view}: {why}")


@app.command()
def build(force: bool = typer.Option(False, "--force", help="Rebuild everything, ignoring the cache"),
          workers: int = WORKERS, lang: str = LANG, figures: bool = FIGURES, report: bool = REPORT,
          include_partial: bool = INCLUDE_PARTIAL, lineage: bool = LINEAGE,
          quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing but errors"),
          json_out: bool = typer.Option(False, "--json", help="Print the summary as JSON")) -> None:
    """Build data/processed/ and reports/ from data/raw/ (incremental). Exit 1 when some files failed."""
    from dataclasses import asdict

    from .pipeline import BuildLocked
    from .pipeline import build as run

    _check_lang(lang)
    progress = None if quiet or json_out or not sys.stderr.isatty() else _Progress("parse + classify")
    try:
        s = run(force=force, workers=workers or None, figures=figures, report=report, lang=lang,
                include_partial=include_partial, lineage=lineage, progress=progress)
    except BuildLocked as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    if json_out:
        _emit([asdict(s) | {"exit_code": s.exit_code}])
    elif not quiet:
        _print_summary(s)
    raise typer.Exit(s.exit_code)


@app.command()
def watch(interval: float = typer.Option(2.0, "--interval", help="Seconds between looks at data/raw/"),
          workers: int = WORKERS, lang: str = LANG, figures: bool = FIGURES, report: bool = REPORT,
          include_partial: bool = INCLUDE_PARTIAL, lineage: bool = LINEAGE) -> None:
    """Build, then rebuild each time data/raw/ changes, until Ctrl-C (one process: a new plan's
    rebuild skips the start-up a new `build` pays)."""
    import os
    from datetime import datetime

    from .watch import Restart
    from .watch import watch as run

    _check_lang(lang)

    def built(s) -> None:
        typer.echo(f"--- {datetime.now():%H:%M:%S} build" + ("" if s.exit_code == 0 else " (some files FAILED)"))
        _print_summary(s)
        typer.echo(f"watching {config.RAW_DIR} (Ctrl-C stops)")

    try:
        run(interval=interval, on_build=built, on_wait=lambda why: typer.echo(f"waiting: {why}", err=True),
            workers=workers or None, lang=lang, figures=figures, report=report, include_partial=include_partial,
            lineage=lineage)
    except KeyboardInterrupt:
        typer.echo("stopped")
    except Restart as exc:
        typer.echo(f"restarting: {exc}")
        os.execv(sys.executable, [sys.executable, "-m", "analysis", *sys.argv[1:]])


@app.command()
def status(json_out: bool = typer.Option(False, "--json", help="Print as JSON")) -> None:
    """List new, changed, removed and unchanged raw files and their parse warnings, without building."""
    from dataclasses import asdict

    from . import config
    from .ingest import parse_file
    from .pipeline import status as run

    st = run()
    warnings = {}
    for file in st.new + st.changed + st.unchanged:
        doc = parse_file(config.RAW_DIR / file)
        if doc.warnings:
            warnings[file] = doc.warnings
    if json_out:
        _emit([asdict(st) | {"warnings": warnings}])
        return
    for label, files in (("new", st.new), ("changed", st.changed), ("removed", st.removed),
                         ("unchanged", st.unchanged)):
        typer.echo(f"{label} ({len(files)}): " + (", ".join(files) or "-"))
    for label, files in (("not in data/raw/manifest.csv", st.not_in_raw_manifest),
                         ("changed since added (sha256 differs from manifest)", st.modified_since_added)):
        if files:
            typer.echo(f"{label}: " + ", ".join(files))
    for file, ws in warnings.items():
        typer.echo(f"warnings in {file}:")
        for w in ws:
            typer.echo(f"  - {w}")


@app.command()
def add(paths: list[Path] = typer.Argument(..., help="Plan files to copy into data/raw/"),
        region: str = typer.Option(None, "--region", help="Region name with suffix (override the parser)"),
        year: int = typer.Option(None, "--year", help="Plan year (override)"),
        province: str = typer.Option(None, "--province"), parent: str = typer.Option(None, "--parent"),
        level: str = typer.Option(None, "--level", help=" | ".join(LEVELS)),
        title: str = typer.Option(None, "--title"), issuer: str = typer.Option(None, "--issuer"),
        source: str = typer.Option(None, "--source", help="Where the file came from (URL, e-mail…)")) -> None:
    """Copy new plans into data/raw/ (byte for byte) and record them; refuses files already there."""
    from .raw_store import AddError
    from .raw_store import add as run

    if level and level not in LEVELS:
        typer.echo(f"error: unknown level {level!r}", err=True)
        raise typer.Exit(2)
    values = {"region": region, "plan_year": year, "province": province, "parent": parent, "level": level,
              "title": title, "issuer": issuer}
    failed = False
    for path in paths:
        try:
            target = run(path, source=source, overrides=values)
        except AddError as exc:
            typer.echo(f"refused: {exc}", err=True)
            failed = True
            continue
        typer.echo(f"added {path} → {target} (run `make report` to rebuild)")
    raise typer.Exit(1 if failed else 0)


@app.command()
def fetch(urls: list[str] = typer.Argument(..., help="Web addresses of plans (http or https)"),
          region: str = typer.Option(None, "--region", help="Region name with suffix (override the parser)"),
          year: int = typer.Option(None, "--year", help="Plan year (override)"),
          timeout: float = typer.Option(20, "--timeout", help="Seconds to wait for a connection or for more data"),
          json_out: bool = typer.Option(False, "--json", help="Print a JSON array, one object per URL")) -> None:
    """Download plans into data/raw/ with provenance, a wrapper page's attachment instead of the page.

    Exit 1 when some URL failed (nothing is written for it).
    """
    from dataclasses import asdict

    from .collect import fetch as run

    results = run(urls, region=region, year=year, timeout=timeout)
    if json_out:
        _emit([asdict(r) | {"path": str(r.path) if r.path else None} for r in results])
    else:
        for r in results:
            typer.echo(f"{r.url}: {r.message}" if r.ok else f"{r.url}: FAILED ({r.reason}) {r.message}")
        if any(r.reason == "stored" for r in results):
            typer.echo("run `make report` to rebuild")
    raise typer.Exit(0 if all(r.ok for r in results) else 1)


@app.command()
def notebooks(names: list[str] = typer.Argument(None, help="Notebooks to run, by the start of their name "
                                                             "('03'); default all"),
              lang: str = typer.Option(None, "--lang", help="Language of the charts: zh | en (default: each "
                                                            "notebook's own)"),
              out: Path = typer.Option(config.NOTEBOOK_PAGES_DIR, "--out", help="Folder for the pages")) -> None:
    """Run the notebooks on data/processed/ and save each as an HTML page whose charts work offline
    (reports/notebooks/). Exit 1 when some notebook failed."""
    from .explore import table_paths
    from .notebook_pages import export, notebook_paths

    if lang is not None:
        _check_lang(lang)
    try:
        paths = notebook_paths(names)
        table_paths()  # the notebooks read them: without any, say so once
    except (ValueError, FileNotFoundError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    written, failed = export(paths, out, {"LANG": lang} if lang else None)
    for page in written:
        typer.echo(f"wrote {page}")
    for path, reason in failed.items():
        typer.echo(f"FAILED: {path} — {reason}", err=True)
    raise typer.Exit(1 if failed else 0)


@app.command()
def schemas() -> None:
    """Print the processed tables' schemas as Markdown (the source of docs/tables.md)."""
    from .schemas import all_schemas_markdown

    typer.echo(all_schemas_markdown(), nl=False)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
