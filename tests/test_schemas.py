"""The schema check every table passes before it is written: columns, types, nulls, duplicate keys."""
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.schemas import SchemaError, check, conform, duplicate_key


def _links(rows: list[tuple[str, str]]) -> pd.DataFrame:
    """A task_domains table (key task_id, domain) with the given keys, as the pipeline types it."""
    n = len(rows)
    return pd.DataFrame({
        "task_id": pd.array([r[0] for r in rows], dtype="string"),
        "file": pd.array(["规划.txt"] * n, dtype="string"),
        "domain": pd.array([r[1] for r in rows], dtype="string"),
        "rank": pd.array([1] * n, dtype="Int64"),
        "weight": [1.0] * n,
        "score": [0.5] * n,
    })


@pytest.mark.parametrize("rows", [
    [("a#1", "finance"), ("a#2", "health"), ("a#1", "finance")],  # the copy apart from its original
    [("a#1", "finance"), ("a#1", "finance"), ("a#2", "health")],  # beside it, as in key order
])
def test_a_duplicate_key_is_refused_in_or_out_of_key_order(rows):
    with pytest.raises(SchemaError, match="duplicate key"):
        check("task_domains", _links(rows))
    with pytest.raises(SchemaError, match="duplicate key"):
        conform("task_domains", _links(rows))


def test_a_key_shared_in_one_column_only_is_not_a_duplicate():
    rows = [("a#1", "finance"), ("a#1", "health"), ("a#2", "finance")]
    assert check("task_domains", _links(rows))["domain"].tolist() == ["finance", "health", "finance"]


def test_missing_columns_wrong_types_and_null_keys_are_named():
    frame = _links([("a#1", "finance")])
    with pytest.raises(SchemaError, match=r"missing columns \['score'\]"):
        check("task_domains", frame.drop(columns="score"))
    with pytest.raises(SchemaError, match="task_domains.weight: expected float"):
        check("task_domains", frame.assign(weight=["heavy"]))
    with pytest.raises(SchemaError, match="task_domains.task_id: null values"):
        check("task_domains", frame.assign(task_id=pd.array([None], dtype="string")))


keys = st.lists(st.tuples(st.sampled_from(["a", "b", "丽水", "ab", ""]), st.integers(-2, 2)), max_size=12)


@settings(max_examples=300, deadline=None)
@given(keys, st.booleans(), st.sampled_from(["string", "object"]))
def test_duplicate_key_agrees_with_pandas(rows, in_order, text):
    """Sorted (neighbours compared) or not (hashed), with string or object text and an Int64 column."""
    frame = pd.DataFrame({"name": pd.array([r[0] for r in rows], dtype=text),
                          "n": pd.array([r[1] for r in rows], dtype="Int64")})
    if in_order:
        frame = frame.sort_values(["name", "n"], kind="mergesort").reset_index(drop=True)
    expected = bool(frame.duplicated(["name", "n"]).any())
    assert duplicate_key(frame, ("name", "n")) == expected
    assert duplicate_key(frame, ("name",)) == bool(frame.duplicated(["name"]).any())


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a#1", "a#2", "丽水#1", "b#10"]), st.sampled_from(["finance", "health"])),
                unique=True, max_size=8), st.booleans())
def test_conform_sorts_by_the_key_as_pandas_does(rows, in_order):
    frame = _links(sorted(rows) if in_order else rows)
    expected = frame.sort_values(["task_id", "domain"], kind="mergesort").reset_index(drop=True)
    pd.testing.assert_frame_equal(conform("task_domains", frame.set_axis(range(10, 10 + len(frame)))), expected)


def test_a_key_of_values_that_do_not_compare_is_hashed():
    frame = pd.DataFrame({"name": pd.array(["a", 1, "a"], dtype=object), "n": [1, 2, 1]})
    assert duplicate_key(frame, ("name", "n")) and not duplicate_key(frame.iloc[:2], ("name", "n"))
