"""The region table: the governments of the 2023 division codes and those renamed or merged since
about 2016, consistent, and regenerated from its sources by scripts/make_region_table.py."""
import csv
import importlib.util
from pathlib import Path

import pytest

from analysis.ingest.regions import region_table

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("title, context, expected", [
    ("2022年临平区政务公开工作要点", "按照杭州市部署", ("临平区", "district", "杭州市", "浙江省", "330113")),  # since 2021
    ("龙港市2021年政务公开工作要点", "", ("龙港市", "county", "温州市", "浙江省", "330383")),  # since 2019
    ("那曲市2020年政务公开工作要点", "", ("那曲市", "city", "", "西藏自治区", "540600")),  # a city since 2017
    ("莱芜市2017年政务公开工作要点", "", ("莱芜市", "city", "", "山东省", "371200")),  # part of 济南市 since 2019
    ("户县2015年政务公开工作要点", "", ("户县", "county", "西安市", "陕西省", "610125")),  # 鄠邑区 since 2016
    ("钢城区2017年政务公开工作要点", "按照莱芜市部署", ("钢城区", "district", "莱芜市", "山东省", "371203")),
    ("钢城区2022年政务公开工作要点", "按照济南市部署", ("钢城区", "district", "济南市", "山东省", "370117")),
    # the short names banners and autonomous counties give themselves (CONVENTIONAL in the script)
    ("科右前旗2022年政务公开工作要点", "", ("科尔沁右翼前旗", "county", "兴安盟", "内蒙古自治区", "152221")),
    ("2021年达茂旗政务公开工作要点", "", ("达尔罕茂明安联合旗", "county", "包头市", "内蒙古自治区", "150223")),
    ("阜蒙县2020年政务公开工作要点", "", ("阜新蒙古族自治县", "county", "阜新市", "辽宁省", "210921")),
    # by rule, where the name leaves out 族 (伊犁哈萨克) or says 各族
    ("伊犁州2022年政务公开工作要点", "", ("伊犁哈萨克自治州", "city", "", "新疆维吾尔自治区", "654000")),
    ("龙胜县2019年政务公开工作要点", "", ("龙胜各族自治县", "county", "桂林市", "广西壮族自治区", "450328")),
])
def test_governments_of_the_2023_codes_and_those_renamed_or_merged_since_2016_are_known(title, context, expected):
    """The table holds the governments of the 2023 statistical division codes and the older ones
    plans from before a change name; a district that moved to another city is placed by the city
    its plan names, as any name two governments share."""
    region, warnings = region_table().resolve([title], context, {title})
    assert (region.name, region.level, region.parent or "", region.province, region.adcode) == expected
    assert region.known and warnings == []


def test_the_region_table_names_each_government_once_under_parents_and_provinces_it_holds():
    rows = region_table().rows
    keys = [(r["name"], r["parent"]) for r in rows]
    assert len(keys) == len(set(keys))
    names = {r["name"]: r["level"] for r in rows}
    provinces = {r["name"] for r in rows if r["level"] == "province"}
    assert all(names.get(r["parent"]) in ("province", "city", "district", "county") for r in rows if r["parent"])
    assert all(r["province"] in provinces for r in rows if r["level"] != "national")
    assert len(provinces) == 34 and sum(r["level"] in ("county", "district") for r in rows) > 2800


def test_a_zone_added_to_the_table_is_known_wherever_its_plan_names_it(tmp_path):
    """The README's remedy for a flagged zone: a row for it (no adcode: zones have none of their own),
    after which its plans are its, known, however they write it."""
    from analysis.ingest.regions import RegionTable

    issuers = ("苏州工业园区管委会办公室", "江苏省苏州市苏州工业园区管理委员会", "苏州工业园区2022年政务公开工作要点")
    for issuer in issuers:  # before: the zone, under its city, flagged
        region, warnings = region_table().resolve([issuer], issuer, titles=[issuer])
        assert (region.name, region.level, region.parent, region.known) == ("苏州工业园区", "zone", "苏州市", False)
    table = tmp_path / "regions.csv"
    table.write_text((ROOT / "analysis" / "resources" / "regions.csv").read_text(encoding="utf-8")
                     + "苏州工业园区,,zone,苏州市,江苏省,,,added by hand\n", encoding="utf-8")
    regions = RegionTable(table)
    for issuer in issuers:
        region, warnings = regions.resolve([issuer], issuer, titles=[issuer])
        assert (region.name, region.level, region.parent, region.province, region.known, warnings) == (
            "苏州工业园区", "zone", "苏州市", "江苏省", True, [])


@pytest.mark.parametrize("issuer, expected", [
    ("雄安新区管理委员会", ("雄安新区", "", "河北省")),  # no government's name inside: its province from its row
    ("河北雄安新区管理委员会", ("雄安新区", "", "河北省")),  # its official name
    ("两江新区管委会", ("两江新区", "重庆市", "重庆市")),
    ("重庆两江新区管理委员会", ("两江新区", "重庆市", "重庆市")),
    ("四川天府新区成都管理委员会", ("天府新区", "", "四川省")),  # not 成都市's plan
    ("南京市江北新区管理委员会", ("江北新区", "南京市", "江苏省")),  # not 南京市's, nor a 江北区's
    ("陕西省西咸新区管理委员会", ("西咸新区", "", "陕西省")),
    ("赣江新区管委会", ("赣江新区", "", "江西省")),
])
def test_the_national_level_new_areas_are_known_zones(issuer, expected):
    """The 国家级新区 that are no government of the codes are rows of level zone (NEW_AREAS in the
    script): known, with their province, under their short or official name."""
    region, warnings = region_table().resolve([issuer], issuer, titles=[issuer])
    assert (region.name, region.parent or "", region.province) == expected
    assert region.level == "zone" and region.known and warnings == []
    district, _ = region_table().resolve(["重庆市江北区人民政府"], "", titles=["重庆市江北区人民政府"])
    assert (district.name, district.level, district.parent) == ("江北区", "district", "重庆市")


def _script():
    spec = importlib.util.spec_from_file_location("make_region_table", ROOT / "scripts" / "make_region_table.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _write(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)


def test_the_script_takes_the_2023_codes_then_cpcas_older_ones_then_rows_added_by_hand(tmp_path, monkeypatch):
    """Codes laid out as china-division ships them: a municipality's district, a district of a city,
    a county-level city under its province, a statistical area, a county a hand row administers,
    townships and a scenic area among them. cpca's rows the 2023 codes lack are kept and noted; a
    row added by hand stays and takes the names it lists; a second run writes the same bytes."""
    script = _script()
    dist = tmp_path / "dist"
    dist.mkdir()
    _write(dist / "provinces.csv", [["code", "name"], ["11", "北京市"], ["33", "浙江省"], ["35", "福建省"], ["42", "湖北省"]])
    _write(dist / "cities.csv", [["code", "name", "provinceCode"], ["1101", "市辖区", "11"], ["3301", "杭州市", "33"],
                                 ["3501", "福州市", "35"], ["4290", "省直辖县级行政区划", "42"]])
    _write(dist / "areas.csv", [["code", "name", "cityCode", "provinceCode"], ["110101", "东城区", "1101", "11"],
                                ["330113", "临平区", "3301", "33"], ["330171", "杭州经济技术开发区", "3301", "33"],
                                ["350128", "平潭县", "3501", "35"], ["429004", "仙桃市", "4290", "42"]])
    _write(dist / "streets.csv", [["code", "name", "areaCode", "provinceCode", "cityCode"],
                                  ["330113001", "临平街道", "330113", "33", "3301"],
                                  ["330171100", "白杨街道", "330171", "33", "3301"],  # under a statistical area
                                  ["429004100", "沙嘴街道", "429004", "42", "4290"],
                                  ["429004400", "排湖风景区", "429004", "42", "4290"]])  # no township
    out, towns = tmp_path / "regions.csv", tmp_path / "townships.csv"
    out.write_text("name,adcode,level,parent,province,aliases,abbr,notes\n"
                   "平潭综合实验区,350128,county,福州市,福建省,平潭;平潭县;岚,岚,added by hand\n", encoding="utf-8")
    monkeypatch.setattr(script, "OUT", out)
    monkeypatch.setattr(script, "TOWNSHIPS_OUT", towns)
    script.main(["--divisions", str(dist)])
    with out.open(encoding="utf-8") as fh:
        rows = {(r["name"], r["parent"]): r for r in csv.DictReader(fh)}
    assert rows["东城区", "北京市"]["level"] == "district"  # a municipality's district: under the municipality
    assert (rows["临平区", "杭州市"]["adcode"], rows["临平区", "杭州市"]["notes"]) == ("330113", "")
    assert rows["仙桃市", ""]["province"] == "湖北省"
    assert not [name for name, _ in rows if name == "杭州经济技术开发区"]  # a statistical area, no government
    assert ("平潭县", "福州市") not in rows and rows["平潭综合实验区", "福州市"]["notes"] == "added by hand"
    assert rows["临安市", "杭州市"]["notes"] == script.HISTORICAL  # 临安区 since 2017
    assert rows["台湾省", ""]["notes"] == ""  # outside the statistical codes, not abolished
    with towns.open(encoding="utf-8") as fh:
        assert [list(r.values()) for r in csv.DictReader(fh)] == [
            ["临平街道", "330113001", "临平区", "杭州市", "浙江省"],
            ["白杨街道", "330171100", "杭州经济技术开发区", "杭州市", "浙江省"],
            ["沙嘴街道", "429004100", "仙桃市", "", "湖北省"]]
    written = out.read_bytes(), towns.read_bytes()
    script.main(["--divisions", str(dist)])
    assert (out.read_bytes(), towns.read_bytes()) == written
