"""Nothing lost: raw files are never written, a killed build leaves readable outputs and the next
build is clean, two builds at once do not corrupt anything (CLI in subprocesses on temp projects)."""
from __future__ import annotations

import json
import multiprocessing as mp
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from fuzz.cli import MAIN, SEEDS, build_args, cli, environ, hashes, make_project, outputs

from analysis.pipeline import BuildLocked, Lock

#: Runs the CLI with os.replace and os.rename patched to SIGKILL the process just before its Nth rename
#: into data/ outside data/raw/ (KILL_AT_WRITE=N): a build killed in the middle of writing its outputs,
#: however it stages them. KILL_IN=module:Class.method (or module:function) instead kills it at the
#: KILL_CALL-th call (default 1) of that function: a build killed before it writes anything.
KILL_HOOK = """
import functools, importlib, os, signal, sys
if "KILL_IN" in os.environ:
    module, _, path = os.environ["KILL_IN"].partition(":")
    *owner, name = path.split(".")
    holder = importlib.import_module(module)
    for part in owner:
        holder = getattr(holder, part)
    calls, real, n = [0], getattr(holder, name), int(os.environ.get("KILL_CALL", "1"))
    @functools.wraps(real)
    def killing_call(*args, **kwargs):
        calls[0] += 1
        if calls[0] == n:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*args, **kwargs)
    setattr(holder, name, killing_call)
else:
    n, count = int(os.environ["KILL_AT_WRITE"]), [0]
    data = os.path.join(os.environ["ANALYSIS_ROOT"], "data")
    def killing(real):
        def rename(src, dst, *args, **kwargs):
            target = os.path.abspath(os.fspath(dst))
            if target.startswith(data + os.sep) and not target.startswith(os.path.join(data, "raw") + os.sep):
                count[0] += 1
                if count[0] == n:
                    os.kill(os.getpid(), signal.SIGKILL)
            return real(src, dst, *args, **kwargs)
        return rename
    os.replace, os.rename = killing(os.replace), killing(os.rename)
sys.argv = ["analysis", *sys.argv[1:]]
from analysis.__main__ import main
main()
"""


def built(project: Path) -> Path:
    out = cli(project, *build_args())
    assert out.returncode == 0, out.stderr.decode(errors="replace")[-3000:]
    return project


def readable(project: Path) -> None:
    """Every table in data/processed/ opens with pandas, as parquet and as CSV, and the manifest parses."""
    folder = project / "data" / "processed"
    names = sorted(p.stem for p in folder.glob("*.parquet"))
    assert names and json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["files"]
    for name in names:
        pd.read_parquet(folder / f"{name}.parquet")
        pd.read_csv(folder / f"{name}.csv", encoding="utf-8-sig")


def copy_project(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst, symlinks=True)
    return dst


@pytest.fixture(scope="module")
def previous(tmp_path_factory) -> Path:
    """A project of three seed plans after a clean build (its cache makes later builds fast)."""
    return built(make_project(tmp_path_factory.mktemp("previous"), 3))


@pytest.fixture(scope="module")
def clean4(tmp_path_factory) -> dict[str, bytes]:
    """The outputs of a clean build (no cache) of the three seed plans plus a fourth."""
    project = make_project(tmp_path_factory.mktemp("clean4"), 4)
    return outputs(built(project))


# ---------------------------------------------------------------- raw files are read-only
def test_build_status_and_add_never_write_a_raw_file(previous, tmp_path):
    project = copy_project(previous, tmp_path / "project")
    raw = project / "data" / "raw"
    os.mkfifo(raw / "pipe.txt")  # odd entries dropped into data/raw/ by hand are skipped, never block
    (raw / "zeros.txt").symlink_to("/dev/zero")
    (raw / "folder.txt").mkdir()
    before = hashes(raw)
    for args in (build_args("--force"), ["status", "--json"]):
        out = cli(project, *args)
        assert out.returncode == 0, (args, out.stderr.decode(errors="replace")[-2000:])
        assert hashes(raw) == before, args
    new = tmp_path / "new plan.txt"
    new.write_bytes(SEEDS[3].read_bytes())
    assert cli(project, "add", str(new)).returncode == 0
    after = hashes(raw)
    assert {k: v for k, v in after.items() if k in before} == before  # old files untouched
    assert set(after) - set(before) == {"new-plan.txt", "manifest.csv"}
    assert cli(project, *build_args()).returncode == 0
    assert hashes(raw) == after


# ---------------------------------------------------------------- a build killed half way
@pytest.fixture(scope="module")
def killed(previous, clean4, tmp_path_factory) -> dict:
    """Kill a build of four plans (three built before) at several points of writing its outputs and
    at two points before it writes (a --force build, taking its documents in, and in its corpus
    measures), then build again; record what data/processed/ held after each kill."""
    project = copy_project(previous, tmp_path_factory.mktemp("killed") / "project")
    shutil.copyfile(SEEDS[3], project / "data" / "raw" / SEEDS[3].name)
    old = outputs(previous)
    last = len(clean4)  # the outputs are renamed into place one by one; the manifest goes last
    after: dict[str, dict] = {}
    points = {f"at write {n}": ({"KILL_AT_WRITE": str(n)}, ())  # after the first file is replaced; before the manifest
              for n in (2, last)}
    points["taking in the second document"] = ({"KILL_IN": "analysis.pipeline:_Tables.add", "KILL_CALL": "2"},
                                               ("--force",))
    points["in the corpus measures"] = ({"KILL_IN": "analysis.pipeline:corpus_measures"}, ("--force",))
    for point, (env, extra) in points.items():
        run = subprocess.run([sys.executable, "-c", KILL_HOOK, *build_args(*extra)], capture_output=True,
                             timeout=300, env=environ(project, **env), cwd=MAIN)
        assert run.returncode == -signal.SIGKILL, run.stderr.decode(errors="replace")[-2000:]
        after[point] = {"outputs": outputs(project)}
        readable(project)
    final = cli(project, *build_args())
    return {"old": old, "new": clean4, "after": after, "final": final, "project": project}


def test_a_killed_build_leaves_only_whole_readable_outputs(killed):
    for point, state in killed["after"].items():
        for name, data in state["outputs"].items():
            assert data in (killed["old"].get(name), killed["new"].get(name)), f"{point}: {name} is torn"


def test_the_build_after_a_killed_one_completes_and_equals_a_clean_build(killed):
    assert killed["final"].returncode == 0, killed["final"].stderr.decode(errors="replace")[-3000:]
    assert outputs(killed["project"]) == killed["new"]
    readable(killed["project"])


def test_no_temporary_files_are_left_after_a_killed_build_and_the_next_one(killed):
    folder = killed["project"] / "data" / "processed"
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith(".") and p.name != ".build.lock") == []


def test_a_build_killed_while_writing_leaves_the_previous_outputs_as_a_set(killed):
    for point, state in killed["after"].items():
        assert state["outputs"] == killed["old"], f"{point}: outputs changed"


def test_a_failing_write_in_process_leaves_readable_outputs_and_releases_the_lock(previous, clean4, tmp_path,
                                                                                  monkeypatch):
    from analysis import pipeline

    project = copy_project(previous, tmp_path / "project")
    shutil.copyfile(SEEDS[3], project / "data" / "raw" / SEEDS[3].name)
    folders = {"raw_dir": project / "data" / "raw", "out_dir": project / "data" / "processed",
               "reports_dir": project / "reports", "cache_dir": project / ".cache"}
    data, raw, calls = project / "data", project / "data" / "raw", []

    def full_disk(real):
        def rename(src, dst, *args, **kwargs):
            target = Path(os.path.abspath(dst))
            if data in target.parents and raw not in target.parents:
                calls.append(target)
                if len(calls) == 5:
                    raise OSError(28, "No space left on device")
            return real(src, dst, *args, **kwargs)
        return rename

    monkeypatch.setattr(os, "replace", full_disk(os.replace))
    monkeypatch.setattr(os, "rename", full_disk(os.rename))
    with pytest.raises(OSError, match="No space left"):
        pipeline.build(**folders, figures=False, report=False, workers=1)
    monkeypatch.undo()
    readable(project)
    leftovers = [p.name for p in folders["out_dir"].iterdir() if p.name.startswith(".") and p.name != ".build.lock"]
    assert leftovers == []  # the failed write removed its temporary file
    pipeline.build(**folders, figures=False, report=False, workers=1)  # the lock was released
    assert outputs(project) == clean4


# ---------------------------------------------------------------- two builds at once
def test_two_builds_started_together_do_not_corrupt_the_outputs(previous, clean4, tmp_path):
    project = copy_project(previous, tmp_path / "project")
    shutil.copyfile(SEEDS[3], project / "data" / "raw" / SEEDS[3].name)
    shutil.rmtree(project / "data" / "processed")
    runs = [subprocess.Popen([sys.executable, "-m", "analysis", *build_args()], env=environ(project), cwd=MAIN,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    results = [(run.wait(timeout=300), run.stderr.read().decode(errors="replace")) for run in runs]
    codes = sorted(code for code, _ in results)
    assert codes in ([0, 2], [0, 0]), results  # [0, 0]: the second started after the first finished
    for code, err in results:
        if code == 2:
            assert "another build" in err and "is running" in err, err
    assert outputs(project) == clean4
    readable(project)


def _hold_lock(path: str, in_window, holding, release) -> None:
    """Take the build lock, pausing for a second between creating the lock file and writing the pid
    into it (where the current Lock writes it), then hold the lock until told to release it."""
    real = os.fdopen

    def slow_fdopen(fd, mode="r", *args, **kwargs):
        if "w" in mode and "b" not in mode:
            in_window.set()
            time.sleep(1)
        return real(fd, mode, *args, **kwargs)

    os.fdopen = slow_fdopen
    with Lock(Path(path)):
        holding.set()
        release.wait(30)


def test_a_build_starting_while_another_takes_the_lock_is_refused(tmp_path):
    ctx = mp.get_context("fork")
    path = str(tmp_path / ".build.lock")
    in_window, holding, release = ctx.Event(), ctx.Event(), ctx.Event()
    first = ctx.Process(target=_hold_lock, args=(path, in_window, holding, release))
    first.start()
    try:
        for _ in range(300):  # the first build is inside Lock.__enter__ or holds the lock
            if in_window.is_set() or holding.is_set():
                break
            time.sleep(0.02)
        with pytest.raises(BuildLocked, match="another build"), Lock(Path(path)):
            pass
    finally:
        release.set()
        first.join(30)


# ---------------------------------------------------------------- files dropped into data/raw by hand
def test_a_raw_file_with_a_non_utf8_name_does_not_stop_the_build(previous, tmp_path):
    project = copy_project(previous, tmp_path / "project")
    shutil.rmtree(project / "data" / "processed")
    raw = os.fsencode(project / "data" / "raw")
    with open(os.path.join(raw, b"\xb9\xab\xbf\xaa 2018.txt"), "wb") as fh:  # 公开 in GBK
        fh.write(SEEDS[3].read_bytes())
    out = cli(project, *build_args())
    assert out.returncode in (0, 1), out.stderr.decode(errors="replace")[-3000:]
    docs = pd.read_parquet(project / "data" / "processed" / "documents.parquet")
    assert {p.name for p in SEEDS[:3]} <= set(docs["file"])


def test_the_workers_of_a_killed_build_end_with_it(tmp_path):
    """A build killed while its worker processes parse leaves none of them running."""
    psutil = pytest.importorskip("psutil")
    project = make_project(tmp_path / "project", n_seeds=5)
    raw = project / "data" / "raw"
    for k, f in enumerate(sorted(raw.iterdir())):  # enough documents to keep the pool busy for a while
        for copy in range(3):
            shutil.copyfile(f, raw / f"copy{copy}-{k}{f.suffix}")
    build = subprocess.Popen([sys.executable, "-m", "analysis", *build_args("--workers", "2")], env=environ(project),
                             cwd=MAIN, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline, workers = time.monotonic() + 60, []
    while not workers and time.monotonic() < deadline and build.poll() is None:
        workers = psutil.Process(build.pid).children()
        time.sleep(0.05)
    assert workers, "the build finished before its pool was seen"
    build.kill()
    build.wait()
    gone, alive = psutil.wait_procs(workers, timeout=10)
    assert alive == [], f"{len(alive)} orphaned workers still running"
