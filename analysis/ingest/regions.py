"""Which government a plan belongs to, from the region table (resources/regions.csv).

The table lists every province, prefecture and county-level government of the 2023
statistical division codes, those renamed, merged or abolished since about 2016 (which earlier
plans name), and rows a researcher adds (scripts/make_region_table.py); the townships of the
same codes are a table apart, looked up for a township's plan only. A name found in the
title wins over one in the issuer, which wins over the body; among names in one
string the most local level wins; a name shared by several governments (市中区,
鼓楼区) is resolved by which parent city or province the document mentions. A region
the table lacks is still read from the document and flagged; a development zone or new area,
named after a government the table knows (兰州新区, 沂源经济开发区), is placed in that one's city.
"""
from __future__ import annotations

import csv
import re
from collections.abc import Collection
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from ..config import REGIONS, TOWNSHIPS
from ..levels import DEPTH, LEVELS

_ADMIN_NAME = r"[\u4e00-\u9fff]{2,8}?(?:自治县|自治州|自治旗|新区|实验区|开发区|示范区|林区|特区|省|市|县|区|旗|盟)"
_GOVERNMENT = r"人民政府|政府|管委会|管理委员会|委员会"
#: In a title the plan's own government may also stand right before the year or the subject
#: (龙港市2021年政务公开工作要点): new governments are titled so.
_IN_TITLE = rf"{_GOVERNMENT}|\s*\d{{4}}\s*年|政务公开|政府信息公开"
#: An administrative name the table may lack: a zone, a government newer than it, 某某新区 (before 人民政府 …),
#: by whether the text is a title.
_UNKNOWN = {False: re.compile(f"{_ADMIN_NAME}(?={_GOVERNMENT})"), True: re.compile(f"{_ADMIN_NAME}(?={_IN_TITLE})")}
#: What follows its city's name in a zone's (兰州新区, 苏州工业园区, 石家庄高新技术产业开发区), maybe
#: with its other name in brackets (温州高新区（经开区）管委会).
_ZONE_SUFFIX = r"(?:新区|开发区|园区|实验区|示范区|试验区|管理区|保税区)"
_ZONE_NAME = rf"[\u4e00-\u9fff]{{0,10}}?{_ZONE_SUFFIX}(?=(?:[（(][^（）()]{{1,16}}[）)])?"
_ZONE = {False: re.compile(f"{_ZONE_NAME}(?:{_GOVERNMENT}))"), True: re.compile(f"{_ZONE_NAME}(?:{_IN_TITLE}))")}
_ZONE_END = re.compile(_ZONE_SUFFIX + "$")
_FULL_GOVERNMENT = re.compile(r"人民政府|管委会|管理委员会")
#: A township (乡, 镇, 街道) the table lacks — it lists governments down to counties — before its
#: government, the year or the subject: read from titles and issuers only (a county's plan names
#: its towns' governments in its body).
_TOWNSHIP = re.compile(r"[\u4e00-\u9fff]{2,8}?(?:街道办事处|街道|民族乡|民族镇|乡|镇|苏木)"
                       rf"(?={_GOVERNMENT}|\s*\d{{4}}\s*年|政务公开|政府信息公开)")
#: Words that start phrases, not place names (各地级以上市, 全区, 本县 …).
_NOT_NAME_START = ("各", "全", "本", "我", "有关", "直辖", "自治", "省直", "市直", "区直", "县直", "持续", "关于", "印发",
                   "乡镇", "街道", "贯彻", "落实", "转发", "根据", "按照", "对照")
#: A region named in a title after these words is the upstream plan's, not this one's.
_UPSTREAM = re.compile(r"(?:贯彻落实|贯彻|落实|转发|根据|按照|对照)$")
#: A zone's kind alone: whose it is, it does not say.
_ZONE_KIND = re.compile(r"(?:高新技术产业|经济技术|综合保税|出口加工|旅游度假|经济|高新|工业|产业|综合|保税)?"
                        r"(?:开发区|高新区|园区|新区|经开区|保税区|度假区|实验区|试验区|示范区)")
_ALIAS_BLOCK = set("省市县区旗州盟镇乡村")
_GENERIC = {"全省", "全市", "全区", "全县", "本市", "本区", "本县", "各区", "各县", "市区", "城区", "郊区", "矿区", "辖区",
            "社区", "园区", "景区", "片区", "地区", "校区", "新区", "功能区", "全旗", "县区", "县市区", "县市", "省市", "市县"}


def _province(found: list[tuple[str, list[dict]]]) -> str | None:
    """The first province among the names found."""
    return next((r["name"] for _, rs in found for r in rs if r["level"] == "province"), None)


class _Match:
    """The part of re.Match that region look-ups use."""

    __slots__ = ("string", "_start", "_end")

    def __init__(self, string: str, start: int, end: int):
        self.string, self._start, self._end = string, start, end

    def group(self, index: int = 0) -> str:
        return self.string[self._start: self._end]

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._end


@dataclass(frozen=True)
class Region:
    name: str
    level: str
    parent: str | None
    province: str | None
    adcode: str | None = None
    known: bool = True


def _zone_region(name: str, home: dict) -> Region:
    """A zone the table lacks under the government it is named after: a city's zone under that
    city, a county's or district's under their city."""
    parent = {"city": home["name"], "district": home["parent"], "county": home["parent"]}.get(home["level"])
    return Region(name, "zone", parent or None, home["province"] or None, None, known=False)


class RegionTable:
    """Look-ups over the region table."""

    def __init__(self, path: Path = REGIONS, townships: Path | None = TOWNSHIPS):
        self.townships_path = townships
        self.rows: list[dict] = []
        with Path(path).open(encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                if r["level"] not in LEVELS:
                    raise ValueError(f"{path}: unknown level {r['level']!r} for {r['name']}")
                self.rows.append(r)
        self.by_name: dict[str, list[dict]] = {}
        for r in self.rows:
            for name in [r["name"]] + [a for a in r.get("aliases", "").split(";") if a]:
                self.by_name.setdefault(name, []).append(r)
        names = sorted((n for n in self.by_name if len(n) >= 2), key=len, reverse=True)
        self.rx = re.compile("|".join(map(re.escape, names)))
        #: The same search as `rx` (leftmost, then longest name) by first character: `rx` tries
        #: 3,200 alternatives at every position, which made region look-up a third of parsing.
        self._lengths: dict[str, tuple[int, ...]] = {}
        for n in names:
            self._lengths[n[0]] = tuple(sorted({*self._lengths.get(n[0], ()), len(n)}, reverse=True))
        self._names = frozenset(names)
        self.abbr = {a: r["name"] for r in self.rows if r["level"] == "province" for a in r.get("abbr", "").split(";") if a}

    def _matches(self, text: str) -> list[re.Match]:
        """Name matches, longest first at each position; a short alias directly before 市/区/县… is not a match."""
        out = []
        for m in self._finditer(text or ""):
            alias_only = all(r["name"] != m.group(0) for r in self.by_name[m.group(0)])
            if not (alias_only and text[m.end(): m.end() + 1] in _ALIAS_BLOCK):
                out.append(m)
        return out

    def _finditer(self, text: str):
        """What `self.rx.finditer(text)` yields, found by a dictionary scan."""
        i, n, lengths, names = 0, len(text), self._lengths, self._names
        while i < n:
            for size in lengths.get(text[i], ()):
                if i + size <= n and text[i: i + size] in names:
                    yield _Match(text, i, i + size)
                    i += size
                    break
            else:
                i += 1

    def mentions(self, text: str) -> list[tuple[str, list[dict]]]:
        """Names in text with their candidate rows, leaving out upstream ones ('贯彻落实国务院办公厅…')."""
        return [(m.group(0), self.by_name[m.group(0)]) for m in self._matches(text)
                if not _UPSTREAM.search(text[max(0, m.start() - 4): m.start()])]

    def _context_score(self, row: dict, context: str) -> int:
        score = 0
        if row["parent"] and row["parent"] in context:
            score += 2 + context.count(row["parent"])
        if row["province"] and row["province"] != row["name"]:
            short = row["province"].rstrip("省市")
            score += context.count(row["province"]) + context.count(short)
            for abbr, prov in self.abbr.items():
                if prov == row["province"] and re.search(abbr + r"[政办府发函委]", context):
                    score += 1
        return score

    def _best(self, found: list[tuple[str, list[dict]]], context: str) -> tuple[dict | None, bool]:
        """The most local consistent name among those found; (row, ambiguous)."""
        if not found:
            return None, False
        rows = [(name, r) for name, rs in found for r in rs]
        deepest = max(DEPTH[r["level"]] for _, r in rows)
        pool = [r for _, r in rows if DEPTH[r["level"]] == deepest]
        if len({(r["name"], r["parent"], r["province"]) for r in pool}) == 1:
            return pool[0], False
        named = {n for n, _ in found}
        inside = [r for r in pool if r["parent"] in named or r["province"] in named]
        if len(inside) == 1:
            return inside[0], False
        pool = inside or pool
        scored = sorted(pool, key=lambda r: self._context_score(r, context), reverse=True)
        ambiguous = len(scored) > 1 and self._context_score(scored[0], context) == self._context_score(scored[1], context)
        return scored[0], ambiguous

    def resolve(self, sources: list[str], context: str, titles: Collection[str] = (),
                body: str = "") -> tuple[Region | None, list[str]]:
        """Region from the first source string naming one, then from `body` (the plan's text);
        context disambiguates shared names. Sources that are among `titles` may name a government
        the table lacks before their year; the body only before 人民政府 or twice in the context
        ('，做好区政府门户网站' names no 做好区)."""
        warnings: list[str] = []
        for text, in_body in [*((s, False) for s in sources), (body, True)]:
            found = [(n, rs) for n, rs in self.mentions(text) if n not in _GENERIC]
            unknown = self._unknown(text, found, context, in_title=text in titles, strict=in_body)
            best, _ = self._best(found, context)
            zone = unknown and any(unknown.name.startswith(n) for n, _ in found)  # below the names it starts with
            if unknown and (best is None or zone or DEPTH[unknown.level] > DEPTH[best["level"]]):
                return unknown, [] if unknown.known else [f"region {unknown.name!r} is not in the region table "
                                                         f"(add it to analysis/resources/regions.csv)"]
            row, ambiguous = self._best(found, context)
            if row is None:
                continue
            if ambiguous:
                warnings.append(f"region name {row['name']!r} is shared by several governments; "
                                f"chose the one in {row['parent'] or row['province']}")
            return self._region(row), warnings
        return None, ["region not found in title, issuer or text"]

    def _unknown(self, text: str, found: list[tuple[str, list[dict]]], context: str = "",
                 in_title: bool = False, strict: bool = False) -> Region | None:
        """An administrative name in text that the table lacks, placed under the known names beside it
        (a township: looked up in the township table; a zone named after its city, under that city);
        `strict` (the body, where a plan lists the zones' 管委会 among its units): only before 人民政府
        (管委会 …) or named twice in the context, and no township nor zone named after its city."""
        matches = self._matches(text)
        known = {m.start(): m.end() for m in matches}
        starts = {0} | set(known.values())
        starts |= {m.end() for m in re.finditer(r"\d{4}\s*年|[\s，。、《“]|关于|印发", text or "")}
        for start in sorted(starts | set(known)):
            if start in known:  # known names, or a zone named after one
                if not strict and (zone := self._zone(text, start, known, context, in_title)):
                    return zone
                continue
            m = _UNKNOWN[in_title].match(text or "", start) or (
                None if strict else _ZONE[in_title].match(text or "", start) or _TOWNSHIP.match(text or "", start))
            if not m:
                continue
            name = m.group(0)
            if m.end() in known.values():  # text before a known name (中共岳阳市委办公室|岳阳市人民政府)
                continue
            zone = _ZONE_END.search(name) is not None
            if (name in _GENERIC or name in self.by_name or len(name) < 2 or _ZONE_KIND.fullmatch(name)
                    or (name.startswith(_NOT_NAME_START) and not (zone and self._stem_government(name, "")))):
                continue  # (全椒经济开发区 is 全椒县's zone)
            if strict and not _FULL_GOVERNMENT.match(text, m.end()) and context.count(name) < 2:
                continue
            if m.re is _TOWNSHIP:
                return self._township(name, found, context)
            cities = self._above(name, found, context, ("city",))
            if zone and not cities and (home := self._named_after(name, context)):
                return _zone_region(name, home)
            city = cities[0][1][0] if cities else None
            province = city["province"] if city else _province(found)
            level = {"省": "province", "区": "district", "县": "county", "旗": "county"}.get(name[-1], "city")
            if level == "city" and city:  # a 市 under a city is county-level (龙港市 of 温州市)
                level = "county"
            if name.endswith(("自治县", "自治旗")):
                level = "county"
            if zone:
                level = "zone"
            return Region(name, level, city["name"] if city and level in ("district", "county", "zone") else None,
                          province, None, known=False)
        return None

    def _zone(self, text: str, start: int, known: dict[int, int], context: str, in_title: bool) -> Region | None:
        """A zone named after the government whose name starts at `start` (`known`: the ends of the
        names found, by start), placed under it (兰州新区 under 兰州市); of the names written before
        the zone only the last is its name's (甘肃省兰州市兰州新区 → 兰州新区)."""
        last, at = start, start
        while at in known:
            last, at = at, known[at]
        m = _ZONE[in_title].match(text, at)
        if not m:
            return None
        short = text[last: at]
        return _zone_region(text[last: m.end()], self._best([(short, self.by_name[short])], context)[0])

    def _stem_government(self, zone: str, context: str) -> dict | None:
        """The county, district or city a zone's name starts with without its 县/区/市 (沂源经济开发区:
        沂源县, 番禺经济技术开发区: 番禺区), when one government of the table is so named (`context`
        deciding between namesakes, as in `_best`)."""
        for size in (4, 3, 2):
            found = [(full, rows) for end in "县区市旗" if (rows := self.by_name.get(full := zone[:size] + end))]
            if found:
                row, ambiguous = self._best(found, context)
                return None if ambiguous else row
        return None

    def _named_after(self, zone: str, context: str) -> dict | None:
        """`_stem_government`, in a province the context names if it names any (滨海高新区 of a plan
        naming 天津 is not 滨海县's); the context is read only once a government is found."""
        row = self._stem_government(zone, context)
        if row is None:
            return None
        provinces = {r["province"] for m in self._matches(context) for r in self.by_name[m.group(0)]}
        return None if provinces and row["province"] not in provinces else row

    @cached_property
    def townships(self) -> dict[str, list[dict]]:
        """Township rows by name (read when a plan first names a township)."""
        out: dict[str, list[dict]] = {}
        if self.townships_path is not None and Path(self.townships_path).exists():
            with Path(self.townships_path).open(encoding="utf-8") as fh:
                for r in csv.DictReader(fh):
                    out.setdefault(r["name"], []).append(r)
        return out

    def _township(self, name: str, found: list[tuple[str, list[dict]]], context: str) -> Region:
        """A township under the district or county named beside it (XX县三合乡), or in the context
        right before its name; its province from there, or from a province named beside it. Known
        when the township table has it under that county or, with no county named beside it, when
        one township of the name is left after those whose county, city or province the context
        does not name are set aside (24 towns are called 板桥镇), in a province the context names
        if it names any. Not known, it still gets the province all the towns of its name left share."""
        county, _ = self._best(self._above(name, found, context, ("district", "county")), context)
        rows = self.townships.get(name.removesuffix("办事处"), [])
        if county is not None:
            rows = [r for r in rows if (r["parent"], r["province"]) == (county["name"], county["province"])]
        for field in ("parent", "city", "province"):
            if len(rows) > 1:
                rows = [r for r in rows if r[field] and r[field] in context] or rows
        provinces = {r["name"] for m in self._matches(context) for r in self.by_name[m.group(0)] if r["level"] == "province"}
        if len(rows) == 1 and (county is not None or not provinces or rows[0]["province"] in provinces):
            row = rows[0]
            return Region(row["name"], "township", row["parent"] or None, row["province"] or None, row["adcode"])
        province = county["province"] if county else _province(found)
        shared = {r["province"] for r in rows}  # the towns of the name left all lie in one province
        if not province and len(shared) == 1 and (not provinces or shared <= provinces):
            province = shared.pop()
        return Region(name, "township", county["name"] if county else None, province or None, None, known=False)

    def _above(self, name: str, found: list[tuple[str, list[dict]]], context: str,
               levels: tuple[str, ...]) -> list[tuple[str, list[dict]]]:
        """Governments of `levels` named beside `name` in its own string, else written right before
        it in the context (温州市龙港市, 隆阳区板桥镇), with their rows of those levels."""
        def of_levels(pairs):
            return [(n, rows) for n, rs in pairs if (rows := [r for r in rs if r["level"] in levels])]
        return of_levels(found) or of_levels((n, rs) for n, rs in self.mentions(context) if n + name in context)

    @staticmethod
    def _region(row: dict) -> Region:
        level = row["level"]
        return Region(
            name=row["name"], level=level,
            parent=(row["parent"] or None) if level in ("district", "county", "zone", "township") else None,
            province=(row["province"] or None) if level != "national" else None,
            adcode=row["adcode"] or None,
        )


@lru_cache(maxsize=4)
def region_table(path: Path = REGIONS) -> RegionTable:
    return RegionTable(path)
