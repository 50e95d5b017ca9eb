"""A watching process: builds each settled change of the raw folder once, with the outputs a new
process's build gives, and waits while another build holds the lock."""
import shutil
from pathlib import Path

from analysis import pipeline
from analysis.ingest import parse_file
from analysis.watch import signature, watch

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "data" / "raw").glob("*.txt"))


def folders(root: Path) -> dict[str, Path]:
    return {"out_dir": root / "processed", "reports_dir": root / "reports", "cache_dir": root / "cache"}


def outputs(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.*"))}


def scripted(actions: dict[int, callable]):
    """A `sleep` that runs actions[k] at its k-th call (from 1) instead of sleeping, and its count."""
    calls = [0]

    def sleep(_seconds: float) -> None:
        calls[0] += 1
        actions.get(calls[0], lambda: None)()

    return sleep, calls


def test_signature_sees_added_and_rewritten_files_only(tmp_path):
    (tmp_path / "sub").mkdir()
    before = signature(tmp_path)
    (tmp_path / "sub" / "inside.txt").write_text("x", encoding="utf-8")
    assert signature(tmp_path) == before  # subfolders are not raw files
    (tmp_path / "plan.txt").write_text("一、", encoding="utf-8")
    added = signature(tmp_path)
    assert added != before
    (tmp_path / "plan.txt").read_bytes()
    assert signature(tmp_path) == added
    (tmp_path / "plan.txt").write_text("一、二、", encoding="utf-8")
    assert signature(tmp_path) != added
    assert signature(tmp_path / "missing") == ()


def test_a_plan_copied_in_two_steps_is_built_once_complete_and_as_a_new_build_would(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for f in SEEDS[:2]:
        shutil.copyfile(f, raw / f.name)
    new, data = raw / SEEDS[2].name, SEEDS[2].read_bytes()
    sleep, calls = scripted({1: lambda: new.write_bytes(data[: len(data) // 2]),  # the copy has begun
                             2: lambda: new.write_bytes(data)})  # and ends one interval later
    summaries = []
    builds = watch(raw, **folders(tmp_path / "watched"), interval=0, on_build=summaries.append, sleep=sleep,
                   stop=lambda: calls[0] >= 5, figures=False, report=False)
    assert builds == 2 and len(summaries) == 2
    assert sorted(summaries[0].processed) == sorted(f.name for f in SEEDS[:2])
    assert summaries[1].processed == [new.name] and summaries[1].added == [new.name]
    assert summaries[1].n_tasks - summaries[0].n_tasks == len(parse_file(SEEDS[2]).tasks)  # the whole file
    pipeline.build(raw, **folders(tmp_path / "new"), figures=False, report=False)
    assert outputs(tmp_path / "watched" / "processed") == outputs(tmp_path / "new" / "processed")


def test_a_build_put_off_by_another_builds_lock_runs_once_it_is_free(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copyfile(SEEDS[0], raw / SEEDS[0].name)
    where = folders(tmp_path)
    lock = pipeline.Lock(tmp_path / f".processed{pipeline.LOCK}")
    lock.__enter__()  # another build is running
    sleep, calls = scripted({1: lambda: lock.__exit__(None, None, None)})
    waits, summaries = [], []
    builds = watch(raw, **where, interval=0, on_build=summaries.append, on_wait=waits.append, sleep=sleep,
                   stop=lambda: bool(summaries), figures=False, report=False)
    assert builds == 1 and len(waits) == 1 and "another build" in waits[0]
    assert summaries[0].processed == [SEEDS[0].name]
    assert (where["out_dir"] / "tasks.parquet").exists()


def test_a_change_to_the_packages_code_stops_the_watch_before_it_builds_with_the_old_code(tmp_path, monkeypatch):
    import pytest

    from analysis import freshness
    from analysis.watch import Restart

    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copyfile(SEEDS[0], raw / SEEDS[0].name)
    edited = []
    monkeypatch.setattr(freshness, "code_digest", lambda: "edited" if edited else "loaded")

    def edit_and_add() -> None:  # someone edits the region table, then a plan arrives
        edited.append(True)
        shutil.copyfile(SEEDS[1], raw / SEEDS[1].name)

    summaries = []
    sleep, _ = scripted({1: edit_and_add})
    with pytest.raises(Restart):
        watch(raw, **folders(tmp_path), interval=0, on_build=summaries.append, sleep=sleep, figures=False,
              report=False)
    assert len(summaries) == 1 and summaries[0].processed == [SEEDS[0].name]  # the second plan waits for the restart


def test_the_watch_command_rebuilds_when_a_plan_arrives_and_stops_on_ctrl_c(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    raw = tmp_path / "data" / "raw"
    raw.mkdir(parents=True)
    shutil.copyfile(SEEDS[0], raw / SEEDS[0].name)
    proc = subprocess.Popen([sys.executable, "-m", "analysis", "watch", "--interval", "0.2", "--no-figures",
                             "--no-report"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "ANALYSIS_ROOT": str(tmp_path)}, cwd=tmp_path)
    lines: list[str] = []

    def wait_for(text: str, count: int) -> None:
        deadline = time.monotonic() + 120
        while sum(text in line for line in lines) < count:
            assert time.monotonic() < deadline and proc.poll() is None, "".join(lines) + proc.stderr.read()
            lines.append(proc.stdout.readline())

    try:
        wait_for("watching", 1)
        shutil.copyfile(SEEDS[1], raw / SEEDS[1].name)
        wait_for("watching", 2)
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=60)
    finally:
        proc.kill()
    text = "".join(lines) + out
    assert f"added: {SEEDS[1].name}" in text and text.count("--- ") == 2 and "stopped" in text
    assert proc.returncode == 0
    assert (tmp_path / "data" / "processed" / "tasks.parquet").exists()


def test_a_resident_build_hands_its_tables_to_the_next_which_reads_only_what_changed(tmp_path, monkeypatch):
    """A watching process's build keeps its per-document products in memory: the next takes the
    unchanged files from there (not from the snapshot file, here deleted, nor from their cache
    files) and gives the bytes a new process's build does, after an added, a corrected and a
    removed plan."""
    raw = tmp_path / "raw"
    raw.mkdir()
    for f in SEEDS[:3]:
        shutil.copyfile(f, raw / f.name)
    kept = folders(tmp_path / "kept")
    pipeline.build(raw, **kept, figures=False, report=False, resident=True)
    for path in (kept["cache_dir"] / "corpus").glob("snapshot-*.pkl"):
        path.unlink()
    shutil.copyfile(SEEDS[3], raw / SEEDS[3].name)
    (raw / "overrides.csv").write_text(f"file,plan_year\n{SEEDS[1].name},2031\n", encoding="utf-8")
    (raw / SEEDS[0].name).unlink()
    reads, get = [], pipeline.Cache.get
    monkeypatch.setattr(pipeline.Cache, "get", lambda self, sha: reads.append(sha) or get(self, sha))
    summary = pipeline.build(raw, **kept, figures=False, report=False, resident=True)
    assert summary.processed == [SEEDS[3].name] and summary.removed == [SEEDS[0].name]
    assert len(reads) == 1  # the corrected plan's cache file; the unchanged one came from memory
    pipeline.build(raw, **folders(tmp_path / "new"), figures=False, report=False)
    assert outputs(kept["out_dir"]) == outputs(tmp_path / "new" / "processed")
    reads.clear()
    pipeline.build(raw, **kept, figures=False, report=False, resident=True)  # nothing to do: still held
    (raw / "overrides.csv").unlink()
    pipeline.build(raw, **kept, figures=False, report=False, resident=True)
    assert len(reads) == 1  # the plan whose correction was taken back
