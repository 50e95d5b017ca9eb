"""The build as researchers run it: incremental, deterministic, robust to bad files (CLI in a subprocess)."""
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "data" / "raw").glob("*.txt"))


def run(project: Path, *args, env=None, check=True):
    environ = {**os.environ, "ANALYSIS_ROOT": str(project), **(env or {})}
    out = subprocess.run([sys.executable, "-m", "analysis", *args], capture_output=True, text=True, env=environ,
                         cwd=project)
    if check and out.returncode not in (0, 1):
        raise AssertionError(out.stderr[-3000:])
    return out


def build(project: Path, *extra, env=None):
    out = run(project, "build", "--no-figures", "--no-report", "--json", *extra, env=env)
    return json.loads(out.stdout)[0], out.returncode


@pytest.fixture
def project(tmp_path):
    raw = tmp_path / "data" / "raw"
    raw.mkdir(parents=True)
    for f in SEEDS[:3]:
        shutil.copyfile(f, raw / f.name)
    return tmp_path


def processed(project: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((project / "data" / "processed").glob("*.*"))}


def test_full_build_then_incremental_add_and_remove(project):
    first, code = build(project)
    assert code == 0 and sorted(first["processed"]) == sorted(f.name for f in SEEDS[:3])
    tasks = pd.read_csv(project / "data" / "processed" / "tasks.csv")
    assert set(tasks["file"]) == {f.name for f in SEEDS[:3]}
    shutil.copyfile(SEEDS[3], project / "data" / "raw" / SEEDS[3].name)
    second, _ = build(project)
    assert second["processed"] == [SEEDS[3].name]
    assert second["added"] == [SEEDS[3].name]
    (project / "data" / "raw" / SEEDS[0].name).unlink()
    third, _ = build(project)
    assert third["removed"] == [SEEDS[0].name] and third["processed"] == []
    for name in ("documents", "tasks", "task_domains", "citations", "emphasis"):
        table = pd.read_parquet(project / "data" / "processed" / f"{name}.parquet")
        assert SEEDS[0].name not in set(table["file"]), name


def test_a_codebook_change_reclassifies_every_task(project, tmp_path):
    build(project)
    codebook = tmp_path / "codebook.yaml"
    text = (ROOT / "analysis" / "resources" / "codebook.yaml").read_text(encoding="utf-8")
    codebook.write_text(text.replace("heading_weight: 4.0", "heading_weight: 5.0"), encoding="utf-8")
    again, _ = build(project, env={"ANALYSIS_CODEBOOK": str(codebook)})
    assert sorted(again["processed"]) == sorted(f.name for f in SEEDS[:3])


def test_a_corrupt_file_is_reported_and_the_rest_is_built(project):
    (project / "data" / "raw" / "broken.pdf").write_bytes(b"%PDF-1.4\nnot really a pdf")
    summary, code = build(project)
    assert code == 1 and summary["failed"] == ["broken.pdf"]
    docs = pd.read_parquet(project / "data" / "processed" / "documents.parquet").set_index("file")
    assert docs.loc["broken.pdf", "failed"] and "PDF" in docs.loc["broken.pdf", "warnings"]
    assert docs["n_tasks"].drop("broken.pdf").min() > 0
    reason = summary["reasons"]["broken.pdf"]
    assert reason.startswith("unreadable: ") and "PDF" in reason and list(summary["reasons"]) == ["broken.pdf"]
    for extra in ((), ("--force",)):  # the path and the reason, whether the build is current or not
        out = run(project, "build", "--no-figures", "--no-report", *extra).stdout
        assert f"FAILED: broken.pdf — {reason}" in out


def test_a_corpus_without_a_plan_builds_its_tables_and_report(tmp_path):
    """A researcher's first file may be a report on work done, or unreadable: the build writes its
    tables and a report that says no plan was measured (the figures stage stopped with IndexError)."""
    raw = tmp_path / "data" / "raw"
    raw.mkdir(parents=True)
    (raw / "report-2014.txt").write_text("关于2014年政府信息公开工作要点落实情况的报告\n一、工作开展情况\n"
                                         "（一）完善制度。今年以来，我区完善了政务公开制度。\n", encoding="utf-8")
    (raw / "empty.txt").write_bytes(b"")
    out = run(tmp_path, "build", "--json")
    summary = json.loads(out.stdout)[0]
    assert out.returncode == 1 and summary["failed"] == ["empty.txt"], out.stderr[-2000:]
    docs = pd.read_parquet(tmp_path / "data" / "processed" / "documents.parquet")
    assert not docs["is_plan"].any() and pd.read_parquet(tmp_path / "data" / "processed" / "emphasis.parquet").empty
    page = (tmp_path / "reports" / "index.html").read_text(encoding="utf-8")
    assert "report-2014.txt" in page and "没有可计算占比的要点" in page
    assert not list((tmp_path / "reports" / "figures").glob("*.png"))


def test_two_builds_give_identical_bytes_and_raw_files_are_untouched(project):
    before = {p.name: p.read_bytes() for p in (project / "data" / "raw").iterdir()}
    build(project)
    first = processed(project)
    build(project, "--force")
    assert processed(project) == first
    assert {p.name: p.read_bytes() for p in (project / "data" / "raw").iterdir()} == before


def test_status_lists_changes_without_building(project):
    build(project)
    shutil.copyfile(SEEDS[3], project / "data" / "raw" / SEEDS[3].name)
    (project / "data" / "raw" / SEEDS[1].name).unlink()
    before = processed(project)
    out = json.loads(run(project, "status", "--json").stdout)[0]
    assert out["new"] == [SEEDS[3].name] and out["removed"] == [SEEDS[1].name]
    assert processed(project) == before


def test_add_copies_records_and_refuses_duplicates(project, tmp_path):
    plan = tmp_path / "new plan (final).txt"
    shutil.copyfile(SEEDS[4], plan)
    out = run(project, "add", str(plan), "--region", "菏泽市", "--year", "2018")
    assert out.returncode == 0
    added = project / "data" / "raw" / "菏泽市-2018.txt"
    assert added.read_bytes() == plan.read_bytes()
    manifest = (project / "data" / "raw" / "manifest.csv").read_text(encoding="utf-8")
    assert "菏泽市-2018.txt" in manifest and "2018" in (project / "data" / "raw" / "overrides.csv").read_text()
    again = run(project, "add", str(plan))
    assert again.returncode == 1 and "already in the corpus" in again.stderr
    assert run(project, "add", str(tmp_path / "missing.txt")).returncode == 1
    assert run(project, "add", check=False).returncode == 2


def test_a_second_build_is_refused_while_one_holds_the_lock(project):
    lock = project / "data" / ".processed.build.lock"
    hold = ("import fcntl, os, sys, time; fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT); "
            "fcntl.flock(fd, fcntl.LOCK_EX); os.write(fd, str(os.getpid()).encode()); print('locked', flush=True); "
            "time.sleep(60)")
    holder = subprocess.Popen([sys.executable, "-c", hold, str(lock)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        out = run(project, "build", "--no-figures", "--no-report", check=False)
        assert out.returncode == 2 and f"another build (pid {holder.pid}) is running" in out.stderr
    finally:
        holder.kill()
        holder.wait()
    summary, code = build(project)  # the kernel released the killed holder's lock
    assert code == 0 and summary["n_documents"] == 3


def test_lineage_tables_are_built_for_small_corpora_and_can_be_switched_off(project):
    lineage = {"citation_links", "text_reuse", "reuse_index", "responsibility"}
    build(project)
    manifest = json.loads((project / "data" / "processed" / "manifest.json").read_text(encoding="utf-8"))
    assert lineage <= set(manifest["tables"])
    links = pd.read_parquet(project / "data" / "processed" / "citation_links.parquet")
    assert len(links) and set(links["file"]) <= {f.name for f in SEEDS[:3]}
    build(project, "--no-lineage")
    names = {p.stem for p in (project / "data" / "processed").glob("*.parquet")}
    assert not lineage & names and "emphasis" in names  # the swap drops the previous build's lineage files


def test_a_rebuild_from_the_snapshot_equals_a_build_from_scratch(project, tmp_path_factory):
    """Unchanged files come from the previous build's snapshot; added, removed and corrected ones do not."""
    build(project)
    raw = project / "data" / "raw"
    shutil.copyfile(SEEDS[3], raw / SEEDS[3].name)
    (raw / "overrides.csv").write_text(f"file,plan_year\n{SEEDS[1].name},2031\n", encoding="utf-8")
    (raw / SEEDS[0].name).unlink()
    again, _ = build(project)
    assert again["processed"] == [SEEDS[3].name]
    docs = pd.read_parquet(project / "data" / "processed" / "documents.parquet").set_index("file")
    assert docs.loc[SEEDS[1].name, "plan_year"] == 2031 and SEEDS[0].name not in docs.index
    scratch = tmp_path_factory.mktemp("scratch")
    shutil.copytree(raw, scratch / "data" / "raw")
    build(scratch)
    assert processed(project) == processed(scratch)
    # the snapshot was not rewritten for so few files: a second rebuild still starts from it
    (raw / SEEDS[2].name).unlink()
    (raw / "overrides.csv").unlink()
    again, _ = build(project)
    assert again["processed"] == [] and again["removed"] == [SEEDS[2].name]
    scratch = tmp_path_factory.mktemp("scratch")
    shutil.copytree(raw, scratch / "data" / "raw")
    build(scratch)
    assert processed(project) == processed(scratch)


def test_csv_tables_read_back_as_the_parquet_ones(project):
    """The CSV copies (written by pyarrow, with a BOM for Excel) give pandas what pandas' own CSV would."""
    build(project)
    folder = project / "data" / "processed"
    for path in sorted(folder.glob("*.parquet")):
        csv = (folder / f"{path.stem}.csv").read_bytes()
        assert csv.startswith("\ufeff".encode()), path.stem
        own = pd.read_csv(io.StringIO(pd.read_parquet(path).to_csv(index=False)))
        pd.testing.assert_frame_equal(pd.read_csv(io.BytesIO(csv), encoding="utf-8-sig"), own, obj=path.stem)


floats = st.lists(st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**12, 10**12).map(float),
                            st.sampled_from([0.0, -0.0, 1.0, 1e9, 1e10, 1e21, 1e22, 0.5])), max_size=20)


@settings(max_examples=300, deadline=None)
@given(floats, st.booleans())
def test_csv_floats_read_back_as_pandas_own_csv(tmp_path_factory, values, nulls):
    """Whole floats keep their point (3.0), the rest as pyarrow writes them; NaN, infinities,
    -0.0, exponents and nullable floats included."""
    from analysis.pipeline import _write_csv

    frame = pd.DataFrame({"x": pd.array(values, dtype="Float64" if nulls else "float64"), "n": range(len(values))})
    if nulls and len(values):
        frame.loc[0, "x"] = pd.NA
    path = tmp_path_factory.mktemp("csv") / "t.csv"
    _write_csv(frame, str(path))
    own = pd.read_csv(io.StringIO(frame.to_csv(index=False)))
    pd.testing.assert_frame_equal(pd.read_csv(path, encoding="utf-8-sig"), own)


def test_a_rebuild_of_an_unchanged_corpus_or_after_one_new_plan_keeps_the_snapshot(project):
    build(project)
    (snap,) = (project / ".cache" / "corpus").glob("snapshot-*.pkl")
    stamp, first = snap.stat().st_mtime_ns, processed(project)
    again, _ = build(project)
    assert again["processed"] == [] and processed(project) == first
    assert snap.stat().st_mtime_ns == stamp
    shutil.copyfile(SEEDS[3], project / "data" / "raw" / SEEDS[3].name)  # one new plan: read from its cache file
    again, _ = build(project)
    assert again["processed"] == [SEEDS[3].name] and snap.stat().st_mtime_ns == stamp


def test_a_scan_reads_only_files_whose_size_time_or_inode_changed(tmp_path, monkeypatch):
    """Hashes of settled files are kept by (size, mtime, inode); an edit, a replacement or a fresh file is hashed."""
    from analysis import pipeline

    raw = tmp_path / "raw"
    raw.mkdir()
    for f in SEEDS[:3]:
        shutil.copyfile(f, raw / f.name)
        os.utime(raw / f.name, ns=(10**18, 10**18))  # settled long ago
    read = []
    real = pipeline.sha256_file
    monkeypatch.setattr(pipeline, "sha256_file", lambda p: read.append(p.name) or real(p))
    known = {}
    first = pipeline.scan_raw(raw, known)
    assert sorted(read) == sorted(first) and len(known) == 3
    read.clear()
    assert pipeline.scan_raw(raw, known) == first and read == []

    edited, replaced, fresh = (raw / f.name for f in SEEDS[:3])
    edited.write_bytes(edited.read_bytes() + b"\n")  # new size and time
    data = replaced.read_bytes()
    swapped = bytearray(data)
    swapped[-1:] = b"X"
    (raw / "tmp").write_bytes(bytes(swapped))
    os.utime(raw / "tmp", ns=(10**18, 10**18))
    os.replace(raw / "tmp", replaced)  # same size and time, another inode
    os.utime(fresh, None)  # touched just now: hashed, but not entered until it has settled
    second = pipeline.scan_raw(raw, known)
    assert sorted(read) == sorted([edited.name, replaced.name, fresh.name])
    assert second[edited.name] != first[edited.name] and second[replaced.name] != first[replaced.name]
    assert second == {p.name: real(p) for p in sorted(raw.iterdir())}
    read.clear()
    pipeline.scan_raw(raw, known)
    assert sorted(read) == sorted([edited.name, fresh.name])  # written within the last two seconds


def test_a_build_records_raw_hashes_and_force_reads_every_file_again(project):
    raw = project / "data" / "raw"
    for p in raw.iterdir():
        os.utime(p, ns=(10**18, 10**18))
    build(project)
    known = json.loads((project / ".cache" / "raw-hashes.json").read_text(encoding="utf-8"))
    assert sorted(Path(k).name for k in known) == sorted(p.name for p in raw.iterdir())
    (raw / SEEDS[0].name).unlink()
    build(project)
    known = json.loads((project / ".cache" / "raw-hashes.json").read_text(encoding="utf-8"))
    assert SEEDS[0].name not in {Path(k).name for k in known} and len(known) == 2
    (project / ".cache" / "raw-hashes.json").write_text("{not json", encoding="utf-8")  # unreadable: hashed again
    again, _ = build(project)
    assert again["processed"] == [] and len(json.loads((project / ".cache" / "raw-hashes.json").read_text())) == 2


def test_a_build_with_nothing_to_do_leaves_the_recorded_hashes_alone(project):
    raw, hashes = project / "data" / "raw", project / ".cache" / "raw-hashes.json"
    for p in raw.iterdir():
        os.utime(p, ns=(10**18, 10**18))
    build(project)
    stamp = hashes.stat().st_mtime_ns
    again, _ = build(project)
    assert again["up_to_date"] and hashes.stat().st_mtime_ns == stamp
    shutil.copyfile(SEEDS[3], raw / SEEDS[3].name)
    os.utime(raw / SEEDS[3].name, ns=(10**18, 10**18))
    build(project)
    assert SEEDS[3].name in {Path(k).name for k in json.loads(hashes.read_text(encoding="utf-8"))}


@pytest.mark.parametrize("listing", ["overrides.csv", "manifest.csv"])
def test_editing_only_a_list_beside_the_plans_rebuilds_the_tables(project, listing):
    """The up-to-date check reads the two lists' bytes, not the parsed rows: an edit to either
    alone must still make the next build recompute (a correction, or a plan's listed hash)."""
    raw = project / "data" / "raw"
    target = SEEDS[1].name
    rows = {"overrides.csv": f"file,plan_year\n{target},2031\n",
            "manifest.csv": f"file,sha256\n{target},{'0' * 64}\n"}
    build(project)
    assert build(project)[0]["up_to_date"]
    (raw / listing).write_text(rows[listing], encoding="utf-8")
    again, _ = build(project)
    assert not again["up_to_date"] and again["processed"] == []
    docs = pd.read_parquet(project / "data" / "processed" / "documents.parquet").set_index("file")
    if listing == "overrides.csv":
        assert docs.loc[target, "plan_year"] == 2031
    else:
        assert "differs from the sha256 recorded" in docs.loc[target, "warnings"]


def test_a_raw_file_reached_through_a_link_is_recorded_by_its_target(tmp_path):
    raw, elsewhere = tmp_path / "raw", tmp_path / "elsewhere"
    raw.mkdir()
    elsewhere.mkdir()
    shutil.copyfile(SEEDS[0], elsewhere / "plan.txt")
    os.utime(elsewhere / "plan.txt", ns=(10**18, 10**18))
    (raw / "linked.txt").symlink_to(elsewhere / "plan.txt")
    shutil.copyfile(SEEDS[1], raw / SEEDS[1].name)
    os.utime(raw / SEEDS[1].name, ns=(10**18, 10**18))
    (raw / ".hidden.txt").write_text("not a plan", encoding="utf-8")
    (raw / "notes.md").write_text("not a plan", encoding="utf-8")
    (raw / "folder.txt").mkdir()
    from analysis import pipeline

    known = {}
    current = pipeline.scan_raw(raw, known)
    assert list(current) == sorted(["linked.txt", SEEDS[1].name])  # no hidden file, other suffix or folder
    assert set(known) == {str((elsewhere / "plan.txt").resolve()), str((raw / SEEDS[1].name).resolve())}


def test_every_output_and_cache_file_gets_the_permissions_a_plain_file_would(project):
    """Temporary files are made 0600; the tables renamed from them must still be readable by co-authors."""
    before = os.umask(0o022)
    try:
        build(project)
    finally:
        os.umask(before)
    files = [p for folder in ("data/processed", ".cache") for p in (project / folder).rglob("*") if p.is_file()]
    assert len(files) > 20
    assert {oct(p.stat().st_mode & 0o777) for p in files} == {oct(0o644)}


def test_a_build_removes_what_a_killed_one_left_half_written_beside_figures_and_caches(project):
    figures, cache = project / "reports" / "figures", project / ".cache"
    figures.mkdir(parents=True)
    cache.mkdir()
    left = [figures / ".heatmap_zh.png.k3x9q0zt", project / "reports" / ".index.html.a1b2c3d4",
            cache / ".raw-hashes.json.zz99yy88"]
    for path in left:
        path.write_bytes(b"half")
    keep = figures / "notes.txt"
    keep.write_text("mine", encoding="utf-8")
    build(project)
    assert [p for p in left if p.exists()] == [] and keep.exists()


def test_a_build_whose_measures_fail_keeps_the_last_outputs_and_leaves_no_staging_folder(project, monkeypatch):
    from analysis import pipeline

    build(project)
    before = processed(project)
    shutil.copyfile(SEEDS[3], project / "data" / "raw" / SEEDS[3].name)

    def failing(tables, **_):
        raise RuntimeError("a measure failed")

    monkeypatch.setattr(pipeline, "corpus_measures", failing)
    with pytest.raises(RuntimeError, match="a measure failed"):
        pipeline.build(project / "data" / "raw", project / "data" / "processed", project / "reports",
                       project / ".cache", figures=False, report=False)
    assert processed(project) == before
    assert not (project / "data" / ".processed.staging").exists()


def test_a_plan_saved_twice_is_measured_once_and_said_so(tmp_path):
    """Governments publish a plan as a page and as an attachment: two files, one plan."""
    from analysis.config import SHARED_DIR

    extra = SHARED_DIR / "extra"
    if not extra.is_dir():
        pytest.skip(f"shared development data absent ({extra})")
    raw = tmp_path / "data" / "raw"
    raw.mkdir(parents=True)
    for year in ("2016", "2017", "2018"):
        (name,) = extra.glob(f"fujian-{year}-*.txt")
        shutil.copyfile(name, raw / name.name)
    shutil.copyfile(raw / "fujian-2017-task-table.txt", raw / "fujian-2017-attachment.txt")
    summary, code = build(tmp_path, "--report")
    assert code == 0 and summary["failed"] == []
    processed = tmp_path / "data" / "processed"
    copies = pd.read_parquet(processed / "plan_duplicates.parquet")
    assert len(copies) == 1 and {copies["file"].iloc[0], copies["duplicate_of"].iloc[0]} == {
        "fujian-2017-task-table.txt", "fujian-2017-attachment.txt"}
    measured, left_out = copies["duplicate_of"].iloc[0], copies["file"].iloc[0]
    emphasis = pd.read_parquet(processed / "emphasis.parquet")
    assert set(emphasis["file"]) == {"fujian-2016-task-table.txt", measured, "fujian-2018-task-table.txt"}
    change = pd.read_parquet(processed / "emphasis_change.parquet")  # the series runs through the year of the copy
    assert set(zip(change["file"], change["previous_file"])) == {(measured, "fujian-2016-task-table.txt"),
                                                                 ("fujian-2018-task-table.txt", measured)}
    similarity = pd.read_parquet(processed / "similarity.parquet")
    assert left_out not in set(similarity["file_a"]) | set(similarity["file_b"])
    topics = pd.read_parquet(processed / "topic_assignments.parquet")
    assert not topics["task_id"].str.startswith(left_out).any()
    assert f"{left_out} = {measured}" in (tmp_path / "reports" / "index.html").read_text(encoding="utf-8")
