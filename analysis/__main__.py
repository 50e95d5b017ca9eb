"""Command line: `python -m analysis COMMAND` (see `python -m analysis --help`)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

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


def main() -> None:
    app()


if __name__ == "__main__":
    main()
