"""Seven more real documents (shared/extra): Fujian and Pingtan task tables, and a report that is not a plan."""
from __future__ import annotations

from functools import cache

import pytest

from analysis.config import SHARED_DIR
from analysis.ingest import parse_file

EXTRA = SHARED_DIR / "extra"
#: file → (region, plan year)
PLANS = {
    "fujian-2016-task-table.txt": ("福建省", 2016),
    "fujian-2017-task-table.txt": ("福建省", 2017),
    "fujian-2018-task-table.txt": ("福建省", 2018),
    "fujian-2019-tasks.txt": ("福建省", 2019),
    "pingtan-2021-task-table.txt": ("平潭综合实验区", 2021),
    "pingtan-2022-task-table.txt": ("平潭综合实验区", 2022),
}
REPORT = "pingtan-2014-implementation-report-not-a-plan.txt"

def parsed(name: str):
    if not (EXTRA / name).exists():
        pytest.skip(f"{EXTRA / name} not found")
    return _parse(name)


@cache
def _parse(name: str):
    return parse_file(EXTRA / name)


@pytest.mark.parametrize("name", PLANS)
def test_plan_parses_into_at_least_15_clean_tasks(name):
    doc = parsed(name)
    assert doc.is_plan and not doc.failed
    assert len(doc.tasks) >= 15, f"{len(doc.tasks)} tasks; warnings {doc.warnings}"
    assert all(t.text.strip() for t in doc.tasks), "empty task text"
    paths = [t.path for t in doc.tasks]
    assert len(paths) == len(set(paths)), "duplicate paths"


@pytest.mark.parametrize(("name", "region", "year"), [(n, *v) for n, v in PLANS.items()])
def test_plan_region_and_year(name, region, year):
    doc = parsed(name)
    assert (doc.region, doc.plan_year) == (region, year)


@pytest.mark.parametrize("name", [n for n in PLANS if "table" in n])
def test_task_table_rows_carry_units_and_no_site_furniture(name):
    """Every row has units, but a section's first row can have none to share: a units cell merged
    over several rows gives them to each (19 rows of the Fujian tables had none)."""
    doc = parsed(name)
    without = [t.path for above, t in zip([None, *doc.tasks], doc.tasks) if not (t.lead_units or t.cooperating_units)
               and (above is None or above.path.rpartition("/")[0] == t.path.rpartition("/")[0])]
    assert without == [], f"rows without units: {without}"
    for t in doc.tasks:
        assert not any(w in t.text for w in ("当前位置", "微信 微博", "附件下载", "QQ空间")), t.text[:80]


def test_implementation_report_is_flagged_not_a_plan():
    doc = parsed(REPORT)
    assert doc.is_plan is False
    assert any(w.startswith("not a plan") for w in doc.warnings)


def test_pingtan_2021_warns_about_its_missing_number_28():
    doc = parsed("pingtan-2021-task-table.txt")
    assert any("28" in w and "skip" in w for w in doc.warnings), doc.warnings
    numbers = [int(t.path.rsplit("/", 1)[-1]) for t in doc.tasks]
    assert 27 in numbers and 29 in numbers and 28 not in numbers

