"""The build's snapshot: merging term counts and combining per-document rows give what assembling everything does."""
from __future__ import annotations

import io

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import snapshot
from analysis.text.counts import CountsBuilder, TermCounts

WORDS = st.lists(st.sampled_from(["公开", "政务", "财政", "预算", "环境", "医疗", "教育", "信息"]), max_size=6)


def _same(a: TermCounts, b: TermCounts) -> None:
    assert list(a.keys) == list(b.keys) and list(a.vocabulary) == list(b.vocabulary)
    assert (a.matrix != b.matrix).nnz == 0 and a.matrix.dtype == b.matrix.dtype


@settings(max_examples=60, deadline=None)
@given(st.lists(WORDS, min_size=1, max_size=12), st.data())
def test_merged_counts_equal_counts_built_at_once(token_lists, data):
    keys = [f"t{i:03d}" for i in range(len(token_lists))]
    split = data.draw(st.lists(st.booleans(), min_size=len(keys), max_size=len(keys)))
    parts = []
    for side in (True, False):
        chosen = [i for i, s in enumerate(split) if s == side]
        parts.append(TermCounts.from_tokens([keys[i] for i in chosen], [token_lists[i] for i in chosen]))
    keep = data.draw(st.lists(st.sampled_from(keys), unique=True, min_size=1)) if len(keys) > 1 else keys
    keep = [k for k in keys if k in keep]  # a removed file's tasks drop out, their terms with them
    whole = TermCounts.from_tokens(keep, [token_lists[keys.index(k)] for k in keep])
    _same(snapshot.merge_counts(parts, np.array(keep, dtype=object)), whole)


def test_merge_refuses_keys_it_has_no_counts_for():
    part = CountsBuilder()
    part.add("a", ["公开"])
    try:
        snapshot.merge_counts([part.build()], np.array(["a", "b"], dtype=object))
    except KeyError as e:
        assert "b" in str(e)
    else:
        raise AssertionError("missing key accepted")


def test_combine_puts_rows_in_file_order_keeping_each_files_own_order(seed_tables):
    tables = {name: seed_tables[name] for name in ("documents", "tasks", "task_domains", "citations", "annex_rows")}
    files = sorted(tables["documents"]["file"])
    odd = {n: f[f["file"].isin(files[1::2])] for n, f in tables.items()}
    even = {n: f[f["file"].isin(files[0::2])] for n, f in tables.items()}
    combined = snapshot.combine([odd, even], files)
    for name, frame in tables.items():
        pd.testing.assert_frame_equal(combined[name], frame.reset_index(drop=True), obj=name)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(0, 7), max_size=30), st.integers(0, 2**16), st.integers(1, 4))
def test_reordering_by_runs_equals_taking_the_rows(lengths, seed, max_runs):
    """A rebuild splices new files' rows between kept ones: slicing the runs of consecutive rows
    gives what `take` does, for NumPy and Arrow columns, with few runs or many."""
    rng = np.random.default_rng(seed)
    n = sum(lengths)
    blocks = np.split(np.arange(n), np.cumsum(lengths)[:-1]) if lengths else []
    order = np.concatenate([blocks[i] for i in rng.permutation(len(blocks))]) if blocks else np.zeros(0, int)
    for column in (pd.Series(rng.integers(0, 9, n)), pd.Series([f"任务{i}" for i in range(n)], dtype="string[pyarrow]")):
        got = snapshot._reorder(column, order, max_runs=max_runs)
        pd.testing.assert_series_equal(got, column.take(order).reset_index(drop=True))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.integers(1, 6)), max_size=160))
def test_selecting_rows_by_runs_equals_boolean_indexing(runs):
    """A rebuild drops changed and removed files' rows from the snapshot: column by column, by runs
    of kept rows (few of them, or more than `_reorder` slices), it gives what `frame[mask]` does,
    for NumPy, nullable and Arrow columns."""
    mask = np.repeat([keep for keep, _ in runs], [length for _, length in runs]).astype(bool)
    n = len(mask)
    frame = pd.DataFrame({"file": pd.Series([f"f{i // 4}.txt" for i in range(n)], dtype="string[pyarrow]"),
                          "n": pd.Series(range(n), dtype="Int64"), "x": np.arange(n) / 7})
    pd.testing.assert_frame_equal(snapshot._select(frame, mask), frame[mask].reset_index(drop=True))


def test_a_damaged_snapshot_is_ignored(tmp_path):
    snapshot.path(tmp_path, "k").write_bytes(b"not a pickle")
    assert snapshot.load(tmp_path, "k") is None
    assert snapshot.load(tmp_path, "other") is None


def test_a_snapshot_is_rewritten_only_once_it_misses_more_than_the_slack():
    files = [f"{i}.txt" for i in range(1000)]
    prints = {f: "x" for f in files}

    def saved(names, changed=()):
        return {f: "old" if f in changed else "x" for f in names}

    assert snapshot.stale(None, prints)  # no snapshot file
    assert not snapshot.stale(saved(files), prints)  # nothing changed
    assert not snapshot.stale(saved(files[:980]), prints)  # twenty new files: 2 % is 20
    assert snapshot.stale(saved(files[:979]), prints)  # 21 new
    assert snapshot.stale(saved(files + [f"gone{i}" for i in range(21)]), prints)  # 21 removed
    assert not snapshot.stale(saved(files, changed=files[:10]), prints)  # ten changed count twice
    assert snapshot.stale(saved(files, changed=files[:11]), prints)
    assert not snapshot.stale(saved(files[:5]), {f: "x" for f in files[:8]})  # a small corpus: up to SLACK files
    assert snapshot.stale(saved(files[:5], changed=files[:5]), {f: "x" for f in files[:5]})  # 5 changed: 10 > 8


def test_a_kept_snapshot_is_loaded_once_instead_of_the_file(tmp_path):
    on_disk = snapshot.Snapshot({"a.txt": "x"}, {}, None, {"a.txt": {"n": 1}})
    snapshot.save(tmp_path, "k", on_disk, lambda path, fill: path.write_bytes(pickled(fill)))
    held = snapshot.Snapshot({"a.txt": "x", "b.txt": "y"}, {}, None, {}, saved={"a.txt": "x"})
    snapshot.keep(tmp_path, "k", held)
    assert snapshot.load(tmp_path, "other") is None  # other versions: neither
    assert snapshot.load(tmp_path, "k") is held
    loaded = snapshot.load(tmp_path, "k")  # given up: the file's from now on
    assert loaded is not held and loaded.fingerprints == loaded.saved == {"a.txt": "x"}
    snapshot.keep(tmp_path / "elsewhere", "k", held)
    snapshot.keep(tmp_path, "k", held)  # one held at a time: the other is let go
    assert snapshot.load(tmp_path / "elsewhere", "k") is None and snapshot.load(tmp_path, "k") is held


def pickled(fill) -> bytes:
    buffer = io.BytesIO()
    fill(buffer)
    return buffer.getvalue()


def test_take_gives_the_rows_and_counts_of_the_files_asked_for_and_empties_the_snapshot(seed_tables):
    tables = {name: seed_tables[name] for name in ("documents", "tasks", "task_domains", "citations", "annex_rows")}
    tasks = tables["tasks"]
    counts = TermCounts.from_texts(tasks["task_id"].to_numpy(), tasks["content"].to_numpy())
    files = sorted(tables["documents"]["file"])

    def snap():
        return snapshot.Snapshot({f: "x" for f in files}, dict(tables), counts, {f: {"n": 1} for f in files})

    whole = snap()
    frames, got, shares = whole.take(set(files) | {"new.txt"})
    assert all(frames[n] is tables[n] for n in tables) and got is counts and sorted(shares) == files
    assert whole.frames == {} and whole.counts is None  # nothing held twice

    some = set(files[:2])
    frames, got, shares = snap().take(some)
    assert all(set(frames[n]["file"]) <= some for n in tables) and sorted(shares) == sorted(some)
    ids = frames["tasks"]["task_id"].to_numpy(dtype=object)
    assert list(got.keys) == list(ids) and (got.matrix != counts.rows(ids)).nnz == 0


def test_combine_consumes_its_parts(seed_tables):
    files = sorted(seed_tables["documents"]["file"])
    parts = [{"tasks": seed_tables["tasks"][seed_tables["tasks"]["file"] == f].copy()} for f in files]
    combined = snapshot.combine(parts, files)
    assert all(p == {} for p in parts) and len(combined["tasks"]) == len(seed_tables["tasks"])


@settings(max_examples=15, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 12), st.sampled_from([20, 50])), min_size=0, max_size=6))
def test_packed_shares_read_back_as_each_plans_own(plans):
    """Plans' bootstrap shares are stored stacked, one array per field for plans of the same
    parameters (here two bootstrap sizes, so two stacks); read back, each plan has its own values."""
    from analysis.domains import load_codebook
    from analysis.measure.emphasis import plan_bootstrap, weight_matrix
    from analysis.pipeline import _compact_shares

    codebook = load_codebook()
    rng = np.random.default_rng(len(plans))
    shares = {}
    for k, (n_tasks, n_boot) in enumerate(plans):
        domains = [[codebook.ids[i]] if i < len(codebook.ids) else [] for i in rng.integers(0, 22, n_tasks)]
        file = f"plan-{k}.txt"
        shares[file] = _compact_shares(plan_bootstrap(file, weight_matrix(domains, codebook),
                                                      rng.integers(10, 300, n_tasks), codebook, n_boot=n_boot))
    packed = snapshot.pack_shares(shares)
    assert len(packed["groups"]) == len({n_boot for _, n_boot in plans})
    back = snapshot.unpack_shares(packed)
    assert list(back) == list(shares)
    for file, s in shares.items():
        assert back[file].keys() == s.keys()
        for key, value in s.items():
            if not isinstance(value, dict):
                assert back[file][key] == value
                continue
            assert back[file][key]["labels"] == value["labels"]
            for field, array in value.items():
                if field != "labels":
                    got = back[file][key][field]
                    assert got.dtype == array.dtype and np.array_equal(got, array), (file, key, field)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["a.txt", "b.txt", "丽水.txt"]), max_size=12), st.sampled_from(["string", "object"]))
def test_ranks_are_the_files_mapped_to_their_rank(files, dtype):
    rank = {"丽水.txt": 0, "a.txt": 1, "b.txt": 2}
    column = pd.Series(files, dtype=dtype)
    assert snapshot._ranks(column, rank).tolist() == [rank[f] for f in files]
