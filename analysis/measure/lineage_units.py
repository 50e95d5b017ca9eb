"""Responsibility network: which units lead or cooperate on which domains, with unit names
normalised so that the same department is counted once across plans and years.

A plan's own government is written many ways (丽水市财政局, 市财政局, 财政局) and departments
were renamed by the 2018-2019 institutional reform (市安监局 → 市应急管理局). `normalize_unit`
reduces a name to a level prefix plus a canonical body name; the renames are data
(resources/unit_renames.csv), not code.
"""
from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .. import levels
from ..config import UNIT_RENAMES
from ..ingest.regions import region_table
from ..schemas import LIST_SEP, Table, _c, register
from ..tables import frame
from .lineage_common import plan_documents

RESPONSIBILITY = register(Table(
    "responsibility", "Which (normalised) units lead or cooperate on which domains in each plan.",
    ("file", "unit", "role", "domain"), (
        _c("file", "string", "raw file name of the plan", False),
        _c("region", "string", "government the plan belongs to"),
        _c("level", "string", levels.DESCRIPTION),
        _c("plan_year", "int", "year the plan is for"),
        _c("unit", "string", "normalised unit: own region's name replaced by its level prefix, renames applied", False),
        _c("unit_raw", "string", f"the names as written in the plan, joined with '{LIST_SEP}'"),
        _c("role", "string", "lead | cooperating", False),
        _c("domain", "string", "domain id (or 'unclassified')", False),
        _c("weight", "float", "sum over the unit's tasks of the task's domain weight: per plan and role the "
                              "weights add up to the number of (task, unit) assignments"),
        _c("n_tasks", "int", "tasks in which the unit has this role and the task has this domain"),
        _c("is_generic", "bool", "a collective or unspecified reference (各有关单位, 有关部门, 区直各单位), not one body"),
    )))

ROLES = {"lead": "lead_units", "cooperating": "cooperating_units"}
#: Level prefixes a unit name starts with; 市场监管局 is not 市 + 场监管局.
_PREFIX = re.compile(r"^(自治区|省|市(?!场)|区(?!域)|县(?!域)|旗|州)")
#: Tiers of the rename table: provincial names differ (省应急管理厅 vs 市应急管理局).
_TIER = {"省": "province", "自治区": "province"}
#: A department written without any prefix (住建厅, 卫计委): the plan's own body.
_BARE_DEPARTMENT = re.compile(r"[\u4e00-\u9fff]{2,12}(?:局|委|厅|办)")
#: Bare names that are not the plan's own departments: central bodies and their branches.
_NOT_OWN = ("国家", "国务院", "中央", "中共", "人行", "团", "全国")
#: Branches of central agencies named with a place's short form (福建证监局, 厦门银保监局): not the
#: plan government's own departments, so the short form is kept.
_CENTRAL_BRANCH = re.compile(r"证监|银监|保监|银保监|海关|人民银行|中心支行|气象|邮政管理|通信管理|调查总队")
#: Collective or unspecified references: 各县(市、区)政府, 市直各单位, 有关部门, 教育厅等相关部门.
_GENERIC = re.compile(r"各|有关|相关|其[他它]")
_BRACKETS = str.maketrans({"(": "（", "〔": "（", "[": "（", "【": "（", ")": "）", "〕": "）", "]": "）", "】": "）"})
#: A trailing alias in brackets after a complete name: 省编办（省审改办）, 市委宣传部〔新闻办〕.
_TRAILING_ALIAS = re.compile(r"^(.+?(?:局|委|厅|办|部|政府|中心|室|院|会))（[^（）]+）$")


def _tier(prefix: str) -> str:
    return _TIER.get(prefix, "local")


def _split_prefix(name: str) -> tuple[str, str]:
    m = _PREFIX.match(name)
    return (m.group(1), name[m.end():]) if m else ("", name)


@lru_cache(maxsize=4)
def load_renames(path: Path = UNIT_RENAMES) -> dict[tuple[str, str], str]:
    """(tier, body name) → canonical body name from the rename table; fails on a malformed row."""
    renames: dict[tuple[str, str], str] = {}
    with Path(path).open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(line for line in fh if not line.startswith("#")))
    for row in rows:
        (vp, vbody), (cp, cbody) = _split_prefix(row["variant"].strip()), _split_prefix(row["canonical"].strip())
        where = f"{path}: row {row['variant']!r}"
        if not vp or _tier(vp) != _tier(cp) or not vbody or not cbody:
            raise ValueError(f"{where}: variant and canonical need the same level prefix (市… or 省…)")
        key = (_tier(vp), vbody)
        if key in renames and renames[key] != cbody:
            raise ValueError(f"{where}: listed twice with different canonical names")
        renames[key] = cbody
    chained = [k for k, v in renames.items() if (k[0], v) in renames and renames[(k[0], v)] != v]
    if chained:
        raise ValueError(f"{path}: canonical names that are themselves variants: {chained}")
    return renames


def own_prefix(region: str | None) -> str:
    """The prefix a government's own units carry: 丽水市 → 市, 隆阳区 → 区, 福建省 → 省, 广西壮族自治区 → 自治区."""
    if not region or region == "国务院":
        return ""
    if region.endswith("自治区"):
        return "自治区"
    for suffix in ("省", "市", "区", "县", "旗", "州", "盟"):
        if region.endswith(suffix):
            return suffix
    return ""


def _text(value) -> str | None:
    return None if value is None or pd.isna(value) or not str(value).strip() else str(value).strip()


@lru_cache(maxsize=4096)
def _own_names(region: str, parent: str | None) -> list[tuple[str, bool]]:
    """Names of the plan's government that may open a unit name, longest first, with whether each
    already ends in its level suffix (丽水市) or is a short form needing one (丽水 + 市)."""
    names = {region: True}
    if parent:
        names[f"{parent}{region}"] = True
    for r in region_table().by_name.get(region, []):
        for alias in (a for a in r.get("aliases", "").split(";") if len(a) >= 2):
            names.setdefault(alias, bool(_PREFIX.match(alias[-1])))
    short = re.sub(r"(?:自治区|省|市|区|县|旗|州|盟)$", "", region)
    if len(short) >= 2:
        names.setdefault(short, False)
    return sorted(names.items(), key=lambda kv: len(kv[0]), reverse=True)


def _strip_own(name: str, region: str, parent: str | None, prefix: str) -> str:
    for own, complete in _own_names(region, parent):
        if not name.startswith(own):
            continue
        rest = name[len(own):] or "政府"
        if complete:
            return prefix + rest
        m = _PREFIX.match(rest)
        if m:
            return prefix + rest[m.end():]
        if _BARE_DEPARTMENT.fullmatch(rest) and not _CENTRAL_BRANCH.search(rest):
            return prefix + rest
    return name


def _starts_with_region(name: str) -> bool:
    m = region_table().rx.match(name)
    return bool(m) and len(m.group(0)) >= 2


def normalize_unit(name: str, region_row: Mapping) -> str:
    """A unit name as written → its normalised form in the plan of `region_row` (a documents row
    or any mapping with region/level/parent).

    Brackets are unified and a trailing bracketed alias dropped (省编办（省审改办） → 省编办);
    人民政府 → 政府; the plan's own government at the front becomes its level prefix
    (丽水市财政局 and 丽水财政局 → 市财政局, 平潭县财政局 → 区财政局 in 平潭综合实验区; branches of central
    agencies such as 福建证监局 are kept); a bare department gets the
    own prefix (住建厅 in a provincial plan → 省住建厅); renames from resources/unit_renames.csv
    apply to the body after the prefix, which is kept (区发改局 → 区发展改革局).
    """
    unit = re.sub(r"\s+", "", str(name)).translate(_BRACKETS).replace("人民政府", "政府")
    m = _TRAILING_ALIAS.match(unit)
    if m:
        unit = m.group(1)
    region = _text(region_row.get("region")) or _text(region_row.get("name"))
    prefix = own_prefix(region)
    if prefix:
        unit = _strip_own(unit, region, _text(region_row.get("parent")), prefix)
        if (not _PREFIX.match(unit) and _BARE_DEPARTMENT.fullmatch(unit) and not unit.startswith(_NOT_OWN)
                and not is_generic_unit(unit)
                and not _starts_with_region(unit) and not _CENTRAL_BRANCH.search(unit)):
            unit = prefix + unit
    level, body = _split_prefix(unit)
    if level:
        body = load_renames().get((_tier(level), body), body)
    return level + body


def is_generic_unit(name: str) -> bool:
    """True for collective or unspecified references (各有关单位, 有关部门, 市政府各部门)."""
    return bool(_GENERIC.search(str(name)))


def _split(value) -> list[str]:
    if value is None or pd.isna(value):
        return []
    return [u.strip() for u in str(value).split(LIST_SEP) if u.strip()]


def responsibility_edges(tasks: pd.DataFrame, task_domains: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """Table `responsibility`: per plan, normalised unit, role and domain, the summed domain weight.

    Rule: every (task, normalised unit, role) assignment counts once — two spellings of one
    unit in a task count once — and contributes the task's domain weights, which sum to 1.
    So per plan and role the weights add up to the number of (task, unit) assignments.
    """
    docs = plan_documents(documents).set_index("file")
    weights: dict[str, list[tuple[str, float]]] = {}  # task_id → its (domain, weight), in table order
    for task_id, domain, weight in zip(task_domains["task_id"].to_numpy(dtype=object),
                                       task_domains["domain"].to_numpy(dtype=object),
                                       task_domains["weight"].to_numpy(dtype=float), strict=True):
        weights.setdefault(task_id, []).append((domain, weight))
    acc: dict[tuple, dict] = {}
    region_rows = docs[["region", "level", "parent", "plan_year"]].to_dict("index")
    normalized: dict[tuple[str, str], str] = {}  # (raw name, file): units repeat from task to task
    mine = tasks.loc[tasks["file"].isin(docs.index), ["task_id", "file", *ROLES.values()]].sort_values("task_id")
    columns = [mine[c].to_numpy(dtype=object) for c in ("task_id", "file", *ROLES.values())]
    for task_id, file, *units in zip(*columns):
        region_row = region_rows[file]
        for role, value in zip(ROLES, units):
            raw_by_unit: dict[str, list[str]] = {}
            for raw in _split(value):
                unit = normalized.get((raw, file))
                if unit is None:
                    unit = normalized[(raw, file)] = normalize_unit(raw, region_row)
                raw_by_unit.setdefault(unit, []).append(raw)
            for unit, raws in raw_by_unit.items():
                for domain, weight in weights.get(task_id, []):
                    entry = acc.setdefault((file, unit, role, domain), {"weight": 0.0, "n_tasks": 0, "raw": []})
                    entry["weight"] += float(weight)
                    entry["n_tasks"] += 1
                    entry["raw"] += [r for r in raws if r not in entry["raw"]]
    generic = {unit: is_generic_unit(unit) for (_, unit, _, _) in acc}
    rows = [{"file": file, "region": region_rows[file]["region"], "level": region_rows[file]["level"],
             "plan_year": region_rows[file]["plan_year"], "unit": unit, "unit_raw": LIST_SEP.join(sorted(e["raw"])),
             "role": role, "domain": domain, "weight": e["weight"], "n_tasks": e["n_tasks"],
             "is_generic": generic[unit]}
            for (file, unit, role, domain), e in acc.items()]
    return frame("responsibility", rows)
