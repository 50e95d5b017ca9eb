"""pyproject.toml and environment.yml list the same dependencies; the README's commands exist."""
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _name(spec: str) -> str:
    return re.split(r"[<>=!~\[ ;]", spec.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_pyproject_and_environment_list_the_same_packages():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pip_side = {_name(s) for s in project["dependencies"]}
    pip_side |= {_name(s) for extra in project["optional-dependencies"].values() for s in extra}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda_side = set()
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            conda_side |= {_name(s) for s in dep["pip"] if not s.startswith("-e")}
        elif _name(dep) not in ("python", "pip"):
            conda_side.add(_name(dep))
    assert pip_side - conda_side == set(), "in pyproject.toml but not environment.yml"
    assert conda_side - pip_side == set(), "in environment.yml but not pyproject.toml"


def test_every_dependency_has_a_version_range():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = project["dependencies"] + [s for extra in project["optional-dependencies"].values() for s in extra]
    loose = [s for s in specs if not re.search(r">=.*,\s*<", s)]
    assert loose == []


def test_ci_runs_exactly_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in readme
    assert re.search(r"^make test$", ci, re.M)
    assert "set -e" in ci


def test_make_help_lists_every_target():
    makefile = (ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z-]+):", makefile, re.M))
    documented = set(re.findall(r"^([a-z-]+):.*## ", makefile, re.M))
    assert targets == documented


def test_raw_manifest_matches_raw_files():
    import csv
    import hashlib

    raw = ROOT / "data" / "raw"
    with (raw / "manifest.csv").open(encoding="utf-8") as fh:
        rows = {r["file"]: r["sha256"] for r in csv.DictReader(fh)}
    for name, sha in rows.items():
        assert hashlib.sha256((raw / name).read_bytes()).hexdigest() == sha, name


def test_docs_tables_reference_is_current():
    from analysis.schemas import all_schemas_markdown

    assert (ROOT / "docs" / "tables.md").read_text(encoding="utf-8") == all_schemas_markdown(), \
        "regenerate with: python -m analysis schemas > docs/tables.md"


def test_the_tables_reference_does_not_depend_on_import_order():
    """Measure modules register their tables on import; the reference lists them in one order."""
    code = ("import analysis.measure.lineage, analysis.corpus, analysis.measure.emphasis\n"
            "from analysis.schemas import all_schemas_markdown\nimport sys; sys.stdout.write(all_schemas_markdown())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout == (ROOT / "docs" / "tables.md").read_text(encoding="utf-8")
