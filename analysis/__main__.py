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


def main() -> None:
    app()


if __name__ == "__main__":
    main()
