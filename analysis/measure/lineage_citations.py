"""Citation graph: which documents each plan cites, who issued them, and which cited plans it
implements — resolved to a corpus file where the cited plan is in the corpus.

The issuing government of a cited document is read from its title first (福建省人民政府办公厅
关于…, 湘潭市2017年…), then from the prefix of its 文号 through the region table's `abbr`
column (国办发 → 国务院, 闽政办函 → 福建省, 岚综管办函 → 平潭综合实验区). A cited plan that is not
in the corpus — the State Council's own 要点 never are — is still a node, keyed by issuer,
year and plan genre, so every plan citing it points at the same node.
"""
from __future__ import annotations

import re

import pandas as pd

from .. import levels
from ..ingest.citations import LEADING_VERBS
from ..ingest.metadata import doc_number_year, normalize_doc_number
from ..ingest.regions import region_table
from ..schemas import Table, _c, register
from ..tables import frame
from .lineage_common import depth, plan_documents

CITATION_LINKS = register(Table(
    "citation_links", "One row per (citing plan, cited document): who issued it and whether the plan implements it.",
    ("file", "cited_node"), (
        _c("file", "string", "citing plan (raw file name)", False),
        _c("citation_index", "int", "order of first mention in the citing plan, from 1"),
        _c("cited_node", "string", "the cited document's node id: resolved_file, else plan:<issuer>:<year>:<genre> "
                                   "for a plan, doc:<文号> or title:<title> otherwise", False),
        _c("cited_label", "string", "readable label: issuer and plan title (国务院 2021年政务公开工作要点), else title or 文号"),
        _c("cited_title", "string", "cited title without 《》, leading verbs (落实, 做好…) removed"),
        _c("cited_doc_number", "string", "cited 文号 with 〔〕, text glued before it removed"),
        _c("cited_year", "int", "year of the cited plan (from its title), else the year in its 文号"),
        _c("cited_region", "string", "issuing government (国务院 for central bodies), empty when unknown"),
        _c("cited_level", "string", f"{levels.DESCRIPTION} | unknown"),
        _c("is_plan_citation", "bool", "the cited document is a 政务公开 plan (工作要点, 任务分解表, 工作安排…)"),
        _c("resolved_file", "string", "the corpus plan it refers to (same 文号, or same issuer + plan year + plan "
                                      "title), else empty"),
        _c("relation", "string", "implements (a plan of a higher level) | cites"),
    )))

_ISSUE_NOTICE = re.compile(r"(?:关于)?(?:印发|转发)(.+?)的通知$")
#: Titles of 政务公开 work plans (the genre this project compares), after 关于印发…的通知 is removed.
PLAN_TITLE = re.compile(r"(?:政务公开|政府信息公开|信息公开)(?:工作)?(?:(?:主要|重点)?(?:工作)?任务(?:分解表|分工方案|分工|清单)?|"
                        r"要点|工作安排|安排|工作计划|计划|实施方案|推进方案)$")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
#: A plan title may open with its year: 2020年丽水市政务公开工作要点.
_LEADING_YEAR = re.compile(r"^(?:19|20)\d{2}\s*年度?")
#: Titles opening with these are central (national) documents.
_NATIONAL_TITLE = ("国务院", "中华人民共和国", "中共中央", "全国人民代表大会", "全国人大", "国家")
_LEVEL_PREFIX = re.compile(r"^(省|市(?!场)|区(?!域)|县(?!域))")
_SCOPE_WORDS = re.compile(r"全省|全市|全区|全县|全州|全旗|本省|本市|本区|本县|工作")


def _text(value) -> str | None:
    return None if value is None or pd.isna(value) or not str(value).strip() else str(value).strip()


def clean_doc_number(value) -> str | None:
    """A table cell's 文号 normalised as the parser does (None for an empty cell)."""
    value = _text(value)
    return None if value is None else normalize_doc_number(value)


def clean_title(value) -> str | None:
    """A cited title without the verbs the extractor kept in front: '认真落实国务院…' → '国务院…'."""
    value = _text(value)
    if value is None:
        return None
    return LEADING_VERBS.sub("", re.sub(r"\s+", "", value)) or None


def plan_title(title: str | None) -> str | None:
    """The plan's own title when the cited document is a 政务公开 plan, else None:
    '国务院办公厅关于印发2021年政务公开工作要点的通知' → '2021年政务公开工作要点'."""
    if not title:
        return None
    bare = re.sub(r"[〈〉《》]", "", title)
    m = _ISSUE_NOTICE.search(bare)
    inner = m.group(1) if m else bare
    return inner if PLAN_TITLE.search(inner) and not inner.startswith("关于") else None


def plan_genre(title: str) -> str:
    """What is left of a plan title without years, place names and scope words:
    '2021年全省政务公开工作主要任务分解表' and '福建省2016年政务公开工作主要任务分解表' → '政务公开主要任务分解表'."""
    core = _YEAR.sub("", title)
    core = region_table().rx.sub("", core)
    core = _SCOPE_WORDS.sub("", core)
    return re.sub(r"[^\u4e00-\u9fff]", "", core)


def _abbreviations() -> list[tuple[str, dict]]:
    rows = [(a, r) for r in region_table().rows for a in r.get("abbr", "").split(";") if a]
    return sorted(rows, key=lambda ar: len(ar[0]), reverse=True)


def _pick(rows: list[dict], citing: pd.Series) -> dict:
    """Of the region rows sharing a name, the one in the citing plan's province, else the first."""
    same = [r for r in rows if r["province"] == _text(citing.get("province"))]
    return (same or rows)[0]


def issuer(title: str | None, number: str | None, citing: pd.Series) -> tuple[str | None, str]:
    """(issuing government, level) of a cited document, ('国务院', 'national') for central bodies,
    (None, 'unknown') when neither its title nor its 文号 tells."""
    if title:
        t = _LEADING_YEAR.sub("", re.sub(r"^中共", "", title))
        if title.startswith(_NATIONAL_TITLE):
            return "国务院", "national"
        if _text(citing.get("region")) and t.startswith(citing["region"]):
            return citing["region"], citing["level"]
        m = region_table().rx.match(t)
        if m and len(m.group(0)) >= 2:
            row = _pick(region_table().by_name[m.group(0)], citing)
            return row["name"], row["level"]
        own = _LEVEL_PREFIX.match(t)
        if own:
            return _own_level_issuer(own.group(1), citing)
    if number:
        prefix = number.split("〔", 1)[0]
        for abbr, row in _abbreviations():
            if prefix.startswith(abbr):
                return row["name"], row["level"]
    return None, "unknown"


def _own_level_issuer(prefix: str, citing: pd.Series) -> tuple[str | None, str]:
    """省…/市…/区… at the start of a title: the citing plan's own government at that level."""
    if prefix == "省" and _text(citing.get("province")):
        return citing["province"], "province"
    if prefix == "市" and _text(citing.get("level")) == "city":
        return citing["region"], "city"
    if prefix == "市" and _text(citing.get("parent")):
        return citing["parent"], "city"
    if prefix in ("区", "县") and _text(citing.get("level")) in ("district", "county", "zone"):
        return citing["region"], citing["level"]
    return None, "unknown"


def own_doc_numbers(documents: pd.DataFrame, citations: pd.DataFrame) -> dict[str, str]:
    """Each plan's own 文号: documents.doc_number, or — when that is empty — the first title-less
    citation issued by the plan's own government in its plan year (the notice's own number, which
    the extractor then lists as a citation: 闽政办〔2017〕45号 in fujian-2017)."""
    own: dict[str, str] = {}
    first = citations.sort_values(["file", "citation_index"]).groupby("file", sort=False).head(1)
    first = first.set_index("file")
    for doc in documents.itertuples(index=False):
        number = clean_doc_number(doc.doc_number)
        if number is None and doc.file in first.index:
            c = first.loc[doc.file]
            candidate = clean_doc_number(c["doc_number"])
            if candidate and _text(c["title"]) is None and not pd.isna(doc.plan_year):
                region, _ = issuer(None, candidate, pd.Series(doc._asdict()))
                if region == doc.region and doc_number_year(candidate) == int(doc.plan_year):
                    number = candidate
        if number:
            own[doc.file] = number
    return own


def _resolve(number, region, year, genre, is_plan, by_number, by_issuer) -> str | None:
    if number and number in by_number:
        return by_number[number]
    if not (is_plan and region and year is not None):
        return None
    same = by_issuer.get((region, year), [])
    if len(same) == 1:
        return same[0][0]
    exact = [file for file, title in same if plan_genre(title) == genre]
    return exact[0] if exact else None


def citation_links(documents: pd.DataFrame, citations: pd.DataFrame) -> pd.DataFrame:
    """Table `citation_links` for every plan's citations.

    A cited plan resolves to a corpus plan with the same 文号, or else to the one plan of the same
    issuer and plan year (several: the one whose title has the same genre). A plan's citations of
    itself (its own title or 文号) are left out. `relation` is 'implements' when the cited document
    is a 政务公开 plan of a higher level than the citing plan, else 'cites'.
    """
    plans = plan_documents(documents)
    own = own_doc_numbers(plans, citations)
    by_number = {number: file for file, number in own.items()}
    docs = plans.set_index("file").to_dict("index")
    by_issuer: dict[tuple, list[tuple[str, str]]] = {}  # (region, plan year) → its plans' (file, title)
    for file, row in docs.items():
        if not (pd.isna(row["region"]) or pd.isna(row["plan_year"])):
            title = "" if pd.isna(row["title"]) else row["title"]
            by_issuer.setdefault((row["region"], row["plan_year"]), []).append((file, title))
    rows: dict[tuple[str, str], dict] = {}
    for c in citations[citations["file"].isin(docs)].sort_values(["file", "citation_index"]).itertuples():
        citing = docs[c.file]
        title, number = clean_title(c.title), clean_doc_number(c.doc_number)
        if number is not None and number == own.get(c.file):
            continue
        inner = plan_title(title)
        region, level = issuer(title, number, citing)
        title_year = _YEAR.search(inner or "")
        year = int(title_year.group(1)) if title_year else (None if pd.isna(c.year) else int(c.year))
        genre = plan_genre(inner) if inner else None
        resolved = _resolve(number, region, year, genre, inner is not None, by_number, by_issuer)
        if resolved == c.file:
            continue
        if resolved:
            region, level = docs[resolved]["region"], docs[resolved]["level"]
            inner = inner or docs[resolved]["title"]
            node = resolved
        elif inner:
            node = f"plan:{region or '?'}:{year}:{genre}"
        else:
            node = f"doc:{number}" if number else f"title:{title}"
        upstream = depth(level) < depth(citing["level"])
        is_plan = inner is not None
        label = _label(region, inner, title, number)
        row = rows.get((c.file, node))
        if row is None:
            rows[(c.file, node)] = {
                "file": c.file, "citation_index": c.citation_index, "cited_node": node, "cited_label": label,
                "cited_title": title, "cited_doc_number": number, "cited_year": year, "cited_region": region,
                "cited_level": level, "is_plan_citation": is_plan, "resolved_file": resolved,
                "relation": "implements" if is_plan and upstream else "cites"}
        else:
            row["cited_title"] = row["cited_title"] or title
            row["cited_doc_number"] = row["cited_doc_number"] or number
    return frame("citation_links", list(rows.values()))


def _label(region: str | None, inner: str | None, title: str | None, number: str | None) -> str:
    if inner:
        short = re.sub(r"(?:省|市|区|县|自治区)$", "", region or "")
        return inner if short and short in inner else f"{region or '?'} {inner}"
    return title or number or ""
