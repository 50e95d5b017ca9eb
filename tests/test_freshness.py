"""A build with nothing to do does nothing: same raw files, versions, code and options, and the
last build's outputs untouched (analysis.freshness)."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis import freshness, pipeline

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "data" / "raw").glob("*.txt"))


@pytest.fixture
def folders(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for f in SEEDS[:2]:
        shutil.copyfile(f, raw / f.name)
    return {"raw_dir": raw, "out_dir": tmp_path / "processed", "reports_dir": tmp_path / "reports",
            "cache_dir": tmp_path / "cache"}


def stamps(folder: Path) -> dict[str, tuple[int, bytes]]:
    return {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in sorted(folder.rglob("*")) if p.is_file()}


def tables_only(folders, **options):
    return pipeline.build(**folders, figures=False, report=False, workers=1, **options)


def test_an_unchanged_corpus_is_not_rebuilt_and_its_outputs_are_not_touched(folders):
    first = tables_only(folders)
    written = stamps(folders["out_dir"])
    again = tables_only(folders)
    assert not first.up_to_date and again.up_to_date
    assert again.processed == [] and again.outputs == [] and "measures" not in again.seconds
    assert (again.n_documents, again.n_plans, again.n_tasks, again.failed) == \
        (first.n_documents, first.n_plans, first.n_tasks, first.failed)
    assert stamps(folders["out_dir"]) == written


def test_a_build_with_nothing_to_do_does_not_load_the_classifier(folders):
    """The no-op check reads the codebook's digest, not the compiled classifier: scikit-learn
    (most of a no-op's time when it was imported) stays unloaded."""
    tables_only(folders)
    script = ("import sys; from pathlib import Path; from analysis import pipeline; "
              "s = pipeline.build(*map(Path, sys.argv[1:]), figures=False, report=False, workers=1); "
              "print(s.up_to_date, 'sklearn' in sys.modules)")
    places = [str(folders[k]) for k in ("raw_dir", "out_dir", "reports_dir", "cache_dir")]
    done = subprocess.run([sys.executable, "-c", script, *places], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.split() == ["True", "False"]


@pytest.mark.parametrize("change", ["delete an output", "edit an output", "new raw file", "option", "code", "force"])
def test_any_change_rebuilds(folders, monkeypatch, change):
    tables_only(folders)
    expected = stamps(folders["out_dir"])
    options = {}
    if change == "delete an output":
        (folders["out_dir"] / "tasks.csv").unlink()
    elif change == "edit an output":
        with (folders["out_dir"] / "emphasis.csv").open("a", encoding="utf-8") as fh:
            fh.write("edited by hand\n")
    elif change == "new raw file":
        shutil.copyfile(SEEDS[2], folders["raw_dir"] / SEEDS[2].name)
    elif change == "option":
        options["include_partial"] = True
    elif change == "code":
        monkeypatch.setattr(freshness, "code_digest", lambda: "another version of the package")
    else:
        options["force"] = True
    again = tables_only(folders, **options)
    assert not again.up_to_date and "measures" in again.seconds
    if change in ("delete an output", "edit an output", "code", "force"):  # same inputs: the same bytes again
        assert {k: v[1] for k, v in stamps(folders["out_dir"]).items()} == {k: v[1] for k, v in expected.items()}


def test_a_report_after_a_tables_only_build_reads_the_tables_and_is_kept_until_its_options_change(folders):
    tables_only(folders)
    tables = stamps(folders["out_dir"])
    drawn = pipeline.build(**folders, figures=False, report=True, workers=1)
    assert not drawn.up_to_date and set(drawn.seconds) == {"scan", "figures+report"}
    assert stamps(folders["out_dir"]) == tables  # not recomputed
    report = folders["reports_dir"] / "index.html"
    html = report.read_text(encoding="utf-8")
    assert pipeline.build(**folders, figures=False, report=True, workers=1).up_to_date
    english = pipeline.build(**folders, figures=False, report=True, workers=1, lang="en")
    assert not english.up_to_date and report.read_text(encoding="utf-8") != html
    report.unlink()
    assert not pipeline.build(**folders, figures=False, report=True, workers=1, lang="en").up_to_date
    assert report.exists()


def test_stamps_notice_size_and_time(tmp_path):
    a = tmp_path / "a.csv"
    a.write_text("x\n1\n", encoding="utf-8")
    recorded = freshness.stamps(tmp_path, [a])
    assert freshness.intact(tmp_path, recorded)
    a.write_text("x\n2\n", encoding="utf-8")  # same size; a new time (set: the clock may not have ticked)
    size, mtime = recorded["a.csv"]
    os.utime(a, ns=(mtime + 10**6, mtime + 10**6))
    assert not freshness.intact(tmp_path, recorded)
    assert not freshness.intact(tmp_path, {}) and not freshness.intact(tmp_path, {"gone.csv": [1, 1]})


def test_stored_tables_are_read_when_asked_for_and_only_the_columns_named(folders):
    tables_only(folders)
    stored = pipeline.StoredTables(folders["out_dir"], {"tasks": ["task_id", "file", "not a column"]})
    assert list(stored) == pipeline.available_tables(folders["out_dir"]) and stored.read == {}
    assert list(stored["tasks"].columns) == ["task_id", "file"]
    pd.testing.assert_frame_equal(stored["emphasis"], pipeline.read_table("emphasis", folders["out_dir"]))
    assert set(stored.read) == {"tasks", "emphasis"} and stored.get("no such table") is None


def test_the_per_document_cache_follows_the_code_that_fills_it(tmp_path):
    """Cached parse, classification, tokens and bootstrap are keyed by the code that computed them:
    editing a parser rule or the bootstrap's replicates in config.py redoes every file; editing a
    chart does not."""
    from analysis import config

    package = tmp_path / "analysis"
    shutil.copytree(config.PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    before = freshness.per_document_code(package)
    assert pipeline.versions()["code"] == freshness.per_document_code() == before
    for elsewhere in ("viz/static.py", "domains/topics.py"):  # a chart, the corpus's topic model
        with (package / elsewhere).open("a", encoding="utf-8") as fh:
            fh.write("\n# a change\n")
    assert freshness.per_document_code(package) == before
    for edited in ("config.py", "ingest/units.py", "domains/classifier.py", "text/segment.py", "measure/emphasis.py"):
        original = (package / edited).read_bytes()
        (package / edited).write_bytes(original + b"\n# changed\n")
        assert freshness.per_document_code(package) != before, edited
        (package / edited).write_bytes(original)
    assert freshness.per_document_code(package) == before
