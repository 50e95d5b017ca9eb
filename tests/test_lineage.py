"""Lineage: citation graph, text reuse and responsibility network, on the real plans (seeds and,
when /work/shared is present, the Fujian and Pingtan extras) and on synthetic plans built from
their sentences with known proportions of copying."""
from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.ingest import parse_file, parse_text
from analysis.measure.lineage import (
    citation_links,
    clean_doc_number,
    is_generic_unit,
    issuer,
    lineage_tables,
    load_renames,
    normalize_unit,
    plan_sentences,
    plan_title,
    responsibility_edges,
    reuse_index,
    text_reuse,
)
from analysis.measure.lineage_charts import (
    _label_sides,
    _label_width,
    _layered_layout,
    _ordered_plans,
    citation_graph_figure,
    responsibility_figure,
    reuse_matrix_figure,
)
from analysis.schemas import LIST_SEP, TABLES, check
from analysis.tables import build_tables

LAYOUTS = Path(__file__).parent / "fixtures" / "layouts"

# --- citation graph -----------------------------------------------------------------------------

COUNTY_NOTICE = """兴隆县人民政府办公室关于印发兴隆县2022年政务公开工作要点的通知
兴政办字〔2022〕12号
各乡镇人民政府，县政府各部门：
为贯彻落实{cited}精神，现将《兴隆县2022年政务公开工作要点》印发给你们，请认真贯彻执行。
兴隆县人民政府办公室
2022年5月20日
兴隆县2022年政务公开工作要点
一、深化重点领域信息公开
（一）加强政策解读。围绕县委县政府重大决策部署，及时解读相关政策措施。（责任单位：县政府办公室）
（二）做好财政信息公开。全面公开财政预决算信息，规范公开内容和形式。（责任单位：县财政局）
二、加强平台建设
（三）规范政府网站管理。强化政府网站内容保障，提升网站服务水平。（责任单位：县政府办公室）
"""


def _links(tables) -> pd.DataFrame:
    return citation_links(tables["documents"], tables["citations"])


def _one(links: pd.DataFrame, file: str, number: str) -> pd.Series:
    rows = links[(links["file"] == file) & (links["cited_doc_number"] == number)]
    assert len(rows) == 1, links[links["file"] == file].to_string()
    return rows.iloc[0]


@pytest.fixture(scope="module")
def corpus_links(corpus_tables):
    return _links(corpus_tables)


@pytest.mark.parametrize("file, number, year", [
    ("pingtan-2021-task-table.txt", "国办发〔2021〕12号", 2021),
    ("pingtan-2022-task-table.txt", "国办发〔2022〕8号", 2022),
])
def test_pingtan_implements_the_state_council_plan_of_its_year(corpus_links, file, number, year):
    link = _one(corpus_links, file, number)
    assert (link["cited_level"], link["cited_region"], link["relation"]) == ("national", "国务院", "implements")
    assert link["is_plan_citation"] and pd.isna(link["resolved_file"])
    assert link["cited_year"] == year
    assert link["cited_label"] == f"国务院 {year}年政务公开工作要点"
    assert link["cited_node"] == f"plan:国务院:{year}:政务公开要点"


@pytest.mark.parametrize("file, number, year", [
    # Fujian's 2021 and 2022 task tables are not in the corpus (its plans there are 2016-2019):
    # the links stay unresolved but are read as provincial plans of the right year.
    ("pingtan-2021-task-table.txt", "闽政办函〔2021〕34号", 2021),
    ("pingtan-2022-task-table.txt", "闽政办函〔2022〕28号", 2022),
])
def test_pingtan_implements_fujians_task_table_unresolved(corpus_links, corpus_tables, file, number, year):
    link = _one(corpus_links, file, number)
    assert (link["cited_level"], link["cited_region"], link["relation"]) == ("province", "福建省", "implements")
    assert link["is_plan_citation"] and pd.isna(link["resolved_file"])
    assert link["cited_year"] == year
    assert f"{year}年全省政务公开工作主要任务分解表" in link["cited_label"]
    fujian_years = corpus_tables["documents"].query("region == '福建省'")["plan_year"]
    assert year not in set(fujian_years)


def test_a_plans_own_number_is_not_a_citation(corpus_links):
    """The notice's own 文号 (岚综管办函〔2021〕39号), which ingest lists as a title-less citation, is
    not linked; the different 岚综管办便函〔2021〕39号 it cites is."""
    pingtan = corpus_links[corpus_links["file"] == "pingtan-2021-task-table.txt"]
    assert "岚综管办函〔2021〕39号" not in set(pingtan["cited_doc_number"])
    assert _one(corpus_links, "pingtan-2021-task-table.txt", "岚综管办便函〔2021〕39号")["relation"] == "cites"
    assert not corpus_links["cited_doc_number"].fillna("").str.contains("的通知").any()


def test_a_plan_without_a_number_of_its_own_keeps_the_documents_it_cites_by_title():
    """Ingest dropped every title-only citation of a plan with no 文号 (None == None): 隆阳区 2020
    lost all three. A title cited again, with or without its 文号, is one citation."""
    cited = "《中华人民共和国政府信息公开条例》和《国务院办公厅关于印发2022年政务公开工作要点的通知》"
    text = COUNTY_NOTICE.replace("兴政办字〔2022〕12号\n", "").format(cited=cited).replace(
        "请认真贯彻执行。", "请认真贯彻执行。落实《国务院办公厅关于印发2022年政务公开工作要点的通知》（国办发〔2022〕8号）"
                       "和《中华人民共和国政府信息公开条例》要求。")
    doc = parse_text(text, "notice.txt")
    assert doc.doc_number is None
    assert [(c["title"], c["doc_number"]) for c in doc.citations if c["title"] != doc.title] == [
        ("中华人民共和国政府信息公开条例", None),
        ("国务院办公厅关于印发2022年政务公开工作要点的通知", "国办发〔2022〕8号"),
    ]


def test_fujian_plans_implement_the_national_plan_of_the_same_year(corpus_links, corpus_tables):
    national = corpus_links[(corpus_links["cited_level"] == "national") & (corpus_links["relation"] == "implements")]
    docs = corpus_tables["documents"].set_index("file")
    for file in docs.index[docs["region"] == "福建省"]:
        years = set(national.loc[national["file"] == file, "cited_year"])
        assert years == {docs.loc[file, "plan_year"]}, file


def test_plans_citing_one_national_plan_share_its_node(corpus_links):
    nodes = corpus_links[corpus_links["cited_doc_number"] == "国办发〔2018〕23号"]
    assert set(nodes["file"]) == {"fujian-2018-task-table.txt", "heze-2018.txt"}
    assert nodes["cited_node"].nunique() == 1


def test_seed_district_implements_its_city_and_province(seed_tables):
    links = _links(seed_tables)
    yuhu = links[(links["file"] == "yuhu-2017.txt") & (links["relation"] == "implements")]
    assert set(zip(yuhu["cited_region"], yuhu["cited_level"], yuhu["cited_year"], strict=True)) == {
        ("湖南省", "province", 2017), ("湘潭市", "city", 2017)}
    # a plan's citation of its own title is not a link
    assert not links["cited_title"].fillna("").eq("承德市2022年政务公开工作要点").any()


@pytest.mark.parametrize("cited, region, expected", [
    ("《承德市人民政府办公室关于印发承德市2022年政务公开工作要点的通知》（承市政办字〔2022〕44号）", "兴隆县",
     "chengde-2022.txt"),  # same 文号
    ("《承德市2022年政务公开工作要点》", "兴隆县", "chengde-2022.txt"),  # issuer + year + plan title
    ("《2020年丽水市政务公开工作要点》", "莲都区", "lishui-2020.txt"),  # lishui-2020 has no 文号 in the corpus
])
def test_a_cited_corpus_plan_resolves_to_its_file(seed_docs, cited, region, expected):
    text = COUNTY_NOTICE.format(cited=cited)
    if region != "兴隆县":
        text = text.replace("兴隆县", region).replace("2022", "2020").replace("县", "区")
    doc = parse_text(text, source="synthetic.txt")
    assert doc.region == region
    tables = build_tables({**seed_docs, "synthetic.txt": doc})
    links = _links(tables)
    mine = links[links["file"] == "synthetic.txt"]
    resolved = mine[mine["resolved_file"].notna()]
    assert list(resolved["resolved_file"]) == [expected]
    expected_level = tables["documents"].set_index("file").loc[expected, "level"]
    assert resolved.iloc[0]["relation"] == "implements"
    assert resolved.iloc[0]["cited_level"] == expected_level == "city"
    assert resolved.iloc[0]["cited_node"] == expected
    # the county's citation of its own plan title is not a link
    assert not mine["cited_title"].fillna("").str.startswith(region).any()


def test_a_townships_plan_implements_its_districts_plan_in_the_corpus(seed_docs):
    """A township (乡镇, below the region table's counties) citing 《隆阳区2020年政务公开工作计划》:
    the link resolves to the district's plan one level up and is drawn on a row of its own."""
    doc = parse_file(LAYOUTS / "township_plan.txt")
    tables = build_tables({**seed_docs, "township.txt": doc})
    mine = _links(tables).query("file == 'township.txt'")
    assert list(zip(mine["resolved_file"], mine["relation"], mine["cited_level"], strict=True)) == [
        ("longyang-2020.txt", "implements", "district")]
    figure = citation_graph_figure(_links(tables), tables["documents"], "zh")
    assert list(figure.layout.yaxis.ticktext)[-2:] == ["区县级", "乡镇级"]


@pytest.mark.parametrize("value, expected", [
    ("务分解表的通知闽政办〔2017〕45号", "闽政办〔2017〕45号"),
    ("国办发〔2021〕12号", "国办发〔2021〕12号"),
    (None, None),
])
def test_clean_doc_number(value, expected):
    assert clean_doc_number(value) == expected


@pytest.mark.parametrize("title, expected", [
    ("国务院办公厅关于印发2021年政务公开工作要点的通知", "2021年政务公开工作要点"),
    ("福建省人民政府办公厅关于印发2021年全省政务公开工作主要任务分解表的通知", "2021年全省政务公开工作主要任务分解表"),
    ("湖南省人民政府办公厅关于印发《2017年湖南省政务公开工作要点》的通知", "2017年湖南省政务公开工作要点"),
    ("国务院办公厅关于全面推进基层政务公开标准化规范化工作的指导意见", None),
    ("关于做好2014年政府信息公开工作要点落实情况督查及政府信息公开工作年度报告有关事项的通知", None),
])
def test_plan_title(title, expected):
    assert plan_title(title) == expected


@pytest.mark.parametrize("title, number, expected", [
    (None, "国办发〔2018〕23号", ("国务院", "national")),
    (None, "闽政办函〔2021〕34号", ("福建省", "province")),
    (None, "浙政办发〔2020〕20号", ("浙江省", "province")),
    (None, "冀政办字〔2022〕1号", ("河北省", "province")),
    (None, "云政办发〔2020〕5号", ("云南省", "province")),
    ("省发展改革委等5部门关于印发目录的通知", "浙发改公管〔2020〕132号", ("浙江省", "province")),
    ("湘潭市2017年政务公开工作要点", "潭政办函〔2017〕176号", ("湘潭市", "city")),
    ("中华人民共和国政府信息公开条例", None, ("国务院", "national")),
    ("关于进一步规范市政府文件信息公开审查工作的通知", None, (None, "unknown")),
])
def test_issuer(title, number, expected):
    citing = pd.Series({"region": "丽水市", "level": "city", "parent": None, "province": "浙江省"})
    assert issuer(title, number, citing) == expected


@pytest.mark.parametrize("title", ["湘潭市2017年政务公开工作要点", "关于进一步规范市政府文件信息公开审查工作的通知",
                                   "区政府关于印发实施方案的通知", "省政府办公厅关于做好政务公开工作的通知"])
def test_issuer_of_a_plan_whose_region_is_not_in_the_table(title):
    # a plan from a region the table does not know: region given, province, level and parent missing
    citing = pd.Series({"region": "某某县", "level": pd.NA, "parent": pd.NA, "province": pd.NA}, dtype=object)
    name, level = issuer(title, None, citing)
    assert level in ("city", "unknown") and (name is None or name == "湘潭市")


# --- text reuse ---------------------------------------------------------------------------------

N_SYNTHETIC = 40
N_EXAMPLES_SHOWN = 3
SOURCE = "heze-2018.txt"
FILLER_PLANS = ("chengde-2022.txt", "lishui-2020.txt", "longyang-2020.txt")


def _shares_substring(sentence: str, text: str, n: int = 12) -> bool:
    """Independent of the module's rule: any n-character run of the sentence occurs in text."""
    return any(sentence[i: i + n] in text for i in range(len(sentence) - n + 1))


def _localise(sentence: str, k: int) -> str:
    """The edits a copying government makes: its own name and level words, a clause added."""
    edited = sentence.replace("菏泽市", "兴隆县").replace("全市", "全县").replace("市直", "县直")
    return edited + "，确保取得实效" if k % 3 == 1 else edited


@pytest.fixture(scope="module")
def sentence_pools(seed_tables):
    sents = plan_sentences(seed_tables["tasks"], seed_tables["documents"])
    long = sents[sents["sentence"].str.len() >= 20]
    source = list(dict.fromkeys(long.loc[long["file"] == SOURCE, "sentence"]))
    source_text = "".join(sents.loc[sents["file"] == SOURCE, "sentence"])
    fillers = [s for s in dict.fromkeys(long.loc[long["file"].isin(FILLER_PLANS), "sentence"])
               if not _shares_substring(s, source_text)]
    assert len(source) >= N_SYNTHETIC and len(fillers) >= N_SYNTHETIC
    return source, fillers


def _synthetic_plan(file: str, copied: list[str], fillers: list[str], seed: int) -> pd.DataFrame:
    sentences = [_localise(s, k) for k, s in enumerate(copied)] + fillers
    random.Random(seed).shuffle(sentences)
    return pd.DataFrame({"task_id": [f"{file}#{k:04d}" for k in range(1, len(sentences) + 1)], "file": file,
                         "task_index": range(1, len(sentences) + 1), "content": [s + "。" for s in sentences]})


def _document(documents: pd.DataFrame, file: str, region: str, level: str, year: int) -> pd.DataFrame:
    row = documents.iloc[[0]].copy()
    row["file"], row["region"], row["level"], row["plan_year"] = file, region, level, year
    row["is_plan"], row["failed"], row["title"], row["doc_number"] = True, False, f"{region}{year}年政务公开工作要点", None
    return row.astype(documents.dtypes.to_dict())


@pytest.fixture(scope="module")
def synthetic(seed_tables, sentence_pools):
    """Four synthetic county plans copying 0, 25, 50 and 75 % of heze-2018's sentences, the rest
    real sentences of other seed plans; plus the real seed plans."""
    source, fillers = sentence_pools
    rng = random.Random(20240601)
    tasks, docs, known = [seed_tables["tasks"]], [seed_tables["documents"]], {}
    for share in (0.0, 0.25, 0.5, 0.75):
        file = f"synthetic-{int(share * 100):02d}.txt"
        n_copied = round(share * N_SYNTHETIC)
        tasks.append(_synthetic_plan(file, rng.sample(source, n_copied), rng.sample(fillers, N_SYNTHETIC - n_copied),
                                     seed=n_copied))
        docs.append(_document(seed_tables["documents"], file, "兴隆县", "county", 2023))
        known[file] = share
    tasks = pd.concat(tasks, ignore_index=True)
    documents = pd.concat(docs, ignore_index=True)
    return tasks, documents, known


@pytest.fixture(scope="module")
def synthetic_reuse(synthetic):
    tasks, documents, _ = synthetic
    return text_reuse(tasks, documents)


def _share(reuse: pd.DataFrame, a: str, b: str) -> float:
    row = reuse[(reuse["file_a"] == a) & (reuse["file_b"] == b)]
    return float(row["reuse_share"].iloc[0]) if len(row) else 0.0


@pytest.mark.parametrize("share", [0.0, 0.25, 0.5, 0.75])
def test_measured_reuse_matches_the_known_proportion(synthetic, synthetic_reuse, share):
    file = f"synthetic-{int(share * 100):02d}.txt"
    assert abs(_share(synthetic_reuse, file, SOURCE) - share) <= 0.05
    n = synthetic_reuse.loc[synthetic_reuse["file_a"] == file, "n_sentences_a"]
    assert n.empty or (n == N_SYNTHETIC).all()


def test_reuse_index_finds_the_main_source(synthetic, synthetic_reuse):
    """Every synthetic sentence comes from an earlier plan (heze 2018 or a filler plan of 2020-2022),
    so reuse_share_any is 1; heze-2018 is the main source where it gives half or more."""
    tasks, documents, known = synthetic
    index = reuse_index(synthetic_reuse, documents, tasks).set_index("file")
    for file, share in known.items():
        assert index.loc[file, "n_sentences"] == N_SYNTHETIC
        assert index.loc[file, "reuse_share_any"] >= 0.95
        assert index.loc[file, "main_source_file"] in (SOURCE, *FILLER_PLANS)
        if share >= 0.5:
            assert index.loc[file, "main_source_file"] == SOURCE
            assert abs(index.loc[file, "main_source_share"] - share) <= 0.05
    # synthetic plans of the same year and level are not each other's sources
    assert not index["main_source_file"].fillna("").str.startswith("synthetic").any()


def test_reuse_share_any_is_the_union_over_earlier_plans():
    reuse = pd.DataFrame({
        "file_a": ["c", "c", "b"], "file_b": ["a", "b", "a"], "n_sentences_a": [4, 4, 2], "n_matched": [2, 2, 1],
        "reuse_share": [0.5, 0.5, 0.5], "matched_sentences": ["1；2", "2；3", "1"], "example_passages": ["", "", ""]})
    docs = pd.DataFrame({"file": ["a", "b", "c"], "region": ["福建省", "福州市", "平潭综合实验区"],
                         "level": ["province", "city", "county"], "plan_year": pd.array([2020, 2021, 2021], "Int64"),
                         "is_plan": True, "failed": False})
    index = reuse_index(check("text_reuse", reuse.astype({"file_a": "string", "file_b": "string"})), docs)
    index = index.set_index("file")
    assert index.loc["c", "reuse_share_any"] == pytest.approx(0.75)  # sentences 1, 2, 3 of 4
    assert index.loc["c", "main_source_file"] == "a"  # tie at 0.5: file name order
    assert index.loc["b", "n_earlier_plans"] == 1 and index.loc["a", "n_earlier_plans"] == 0
    assert index.loc["a", "reuse_share_any"] == 0 and pd.isna(index.loc["a", "main_source_file"])


def test_minhash_candidates_give_the_exhaustive_result(synthetic, synthetic_reuse):
    tasks, documents, _ = synthetic
    pd.testing.assert_frame_equal(synthetic_reuse, text_reuse(tasks, documents, method="exhaustive"))


def test_minhash_equals_exhaustive_on_the_real_corpus(corpus_tables):
    tasks, documents = corpus_tables["tasks"], corpus_tables["documents"]
    pd.testing.assert_frame_equal(text_reuse(tasks, documents), text_reuse(tasks, documents, method="exhaustive"))


def test_reuse_does_not_depend_on_row_order(synthetic, synthetic_reuse):
    tasks, documents, _ = synthetic
    shuffled = text_reuse(tasks.sample(frac=1, random_state=7), documents.sample(frac=1, random_state=3))
    pd.testing.assert_frame_equal(synthetic_reuse, shuffled)


def _reuse_by_loops(tasks: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """text_reuse's rule, sentence by sentence and plan by plan (the reference for the vectorised one)."""
    from analysis.measure.lineage_reuse import N_EXAMPLES, _clip, sentence_matches

    sents = plan_sentences(tasks, documents)
    norms = sorted(set(sents["norm"]))
    matches = sentence_matches(norms)
    uid = {n: i for i, n in enumerate(norms)}
    where: dict[int, dict[str, str]] = {}
    for s in sents.itertuples(index=False):
        where.setdefault(uid[s.norm], {}).setdefault(s.file, s.sentence)
    pairs: dict[tuple[str, str], dict] = {}
    for s in sents.itertuples(index=False):
        best: dict[str, tuple[float, str]] = {}
        for j, score in [(uid[s.norm], 1.0), *matches[uid[s.norm]].items()]:
            for file_b, sentence_b in where.get(j, {}).items():
                if file_b != s.file and (file_b not in best or score > best[file_b][0]):
                    best[file_b] = (score, sentence_b)
        for file_b, (_, sentence_b) in best.items():
            pair = pairs.setdefault((s.file, file_b), {"matched": [], "examples": []})
            pair["matched"].append(s.sentence_index)
            if len(pair["examples"]) < N_EXAMPLES:
                pair["examples"].append(f"「{_clip(s.sentence)}」≈「{_clip(sentence_b)}」")
    n = sents.groupby("file").size()
    rows = [{"file_a": a, "file_b": b, "n_sentences_a": int(n[a]), "n_matched": len(p["matched"]),
             "reuse_share": len(p["matched"]) / int(n[a]), "matched_sentences": LIST_SEP.join(map(str, p["matched"])),
             "example_passages": LIST_SEP.join(p["examples"])} for (a, b), p in pairs.items()]
    from analysis.tables import frame

    return frame("text_reuse", rows)


@pytest.mark.parametrize("chunk", [None, 40])
def test_reuse_equals_the_sentence_by_sentence_rule(synthetic, monkeypatch, chunk):
    """The vectorised pair search gives what looping over sentences and plans gives, also when
    the plans are taken a few at a time (chunk: sentence matches expanded at once)."""
    from analysis.measure import lineage_reuse

    tasks, documents, _ = synthetic
    expected = _reuse_by_loops(tasks, documents)
    assert (expected["reuse_share"] < 1).any() and (expected["n_matched"] > N_EXAMPLES_SHOWN).any()
    if chunk:
        monkeypatch.setattr(lineage_reuse, "CHUNK_HITS", chunk)
    pd.testing.assert_frame_equal(text_reuse(tasks, documents), expected)


def test_reuse_rows_are_consistent(synthetic_reuse):
    r = synthetic_reuse
    assert (r["file_a"] != r["file_b"]).all() and (r["n_matched"] > 0).all()
    assert np.allclose(r["reuse_share"], r["n_matched"] / r["n_sentences_a"])
    assert (r["matched_sentences"].str.split(LIST_SEP).map(len) == r["n_matched"]).all()
    assert r["example_passages"].str.contains("」≈「").all()


# --- responsibility network ---------------------------------------------------------------------

LISHUI = {"region": "丽水市", "level": "city", "parent": None}
YUHU = {"region": "雨湖区", "level": "district", "parent": "湘潭市"}
FUJIAN = {"region": "福建省", "level": "province", "parent": None}
PINGTAN = {"region": "平潭综合实验区", "level": "county", "parent": "福州市"}


@pytest.mark.parametrize("name, region, expected", [
    ("丽水市财政局", LISHUI, "市财政局"),
    ("丽水财政局", LISHUI, "市财政局"),
    ("市安监局", LISHUI, "市应急管理局"),
    ("市卫计委", LISHUI, "市卫生健康委"),
    ("市人力社保局", LISHUI, "市人力资源社会保障局"),
    ("市人社局", LISHUI, "市人力资源社会保障局"),
    ("市发改委", LISHUI, "市发展改革委"),
    ("市工商局", LISHUI, "市市场监管局"),
    ("区发改局", YUHU, "区发展改革局"),
    ("区环保局", YUHU, "区生态环境局"),
    ("湘潭市雨湖区财政局", YUHU, "区财政局"),
    ("市财政局", YUHU, "市财政局"),  # the city's bureau named in a district plan stays the city's
    ("住建厅", FUJIAN, "省住房城乡建设厅"),
    ("省安监局", FUJIAN, "省应急管理厅"),
    ("卫计委", FUJIAN, "省卫生健康委"),
    ("市场监管局", FUJIAN, "省市场监管局"),
    ("福建证监局", FUJIAN, "福建证监局"),
    ("省编办（省审改办）", FUJIAN, "省委编办"),
    ("区市场监督管理局", PINGTAN, "区市场监管局"),
    ("平潭县财政局", PINGTAN, "区财政局"),
    ("各县〔市、区〕政府", LISHUI, "各县（市、区）政府"),
    ("各县(市、区)政府", LISHUI, "各县（市、区）政府"),
])
def test_normalize_unit(name, region, expected):
    assert normalize_unit(name, region) == expected


@pytest.mark.parametrize("name, generic", [
    ("各有关单位", True), ("有关部门", True), ("市政府各部门", True), ("区直各单位", True), ("市级有关单位", True),
    ("各县（市、区）政府", True), ("市财政局", False), ("平潭综合实验区管委会", False),
])
def test_generic_units_are_flagged(name, generic):
    assert is_generic_unit(name) is generic


def test_every_rename_row_is_applied():
    for (tier, variant), canonical in load_renames().items():
        prefix, row = ("省", FUJIAN) if tier == "province" else ("市", LISHUI)
        assert normalize_unit(prefix + variant, row) == prefix + canonical


@pytest.fixture(scope="module")
def corpus_responsibility(corpus_tables):
    return responsibility_edges(corpus_tables["tasks"], corpus_tables["task_domains"], corpus_tables["documents"])


def test_weights_sum_to_task_unit_assignments(corpus_tables, corpus_responsibility):
    """Rule: each (task, normalised unit, role) counts once and carries the task's domain weights
    (which sum to 1), so per plan and role the weights sum to the number of such assignments."""
    docs = corpus_tables["documents"].set_index("file")
    expected = {}
    for task in corpus_tables["tasks"].itertuples():
        row = docs.loc[task.file]
        for role, column in (("lead", "lead_units"), ("cooperating", "cooperating_units")):
            units = {normalize_unit(u, row) for u in str(getattr(task, column) or "").split(LIST_SEP) if u}
            expected[(task.file, role)] = expected.get((task.file, role), 0) + len(units)
    sums = corpus_responsibility.groupby(["file", "role"])["weight"].sum()
    for key, total in sums.items():
        assert total == pytest.approx(expected[key]), key
    assert set(sums.index) == {k for k, v in expected.items() if v}


def test_responsibility_on_real_plans(corpus_responsibility):
    r = corpus_responsibility
    pingtan = r[r["file"] == "pingtan-2021-task-table.txt"]
    assert "区市场监管局" in set(pingtan["unit"])
    assert pingtan.loc[pingtan["unit"] == "区市场监管局", "unit_raw"].iloc[0] == "区市场监督管理局"
    fujian = r[r["file"] == "fujian-2017-task-table.txt"]
    assert "省卫生健康委" in set(fujian["unit"]) and "省卫计委" not in set(fujian["unit"])
    assert r.loc[r["unit"] == "省直各部门", "is_generic"].all()
    assert set(r["role"]) == {"lead", "cooperating"}


# --- tables and charts --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def corpus_lineage(corpus_tables):
    return lineage_tables(corpus_tables)


def test_lineage_tables_match_their_schemas(corpus_lineage):
    assert set(corpus_lineage) == {"citation_links", "text_reuse", "reuse_index", "responsibility"}
    for name, table in corpus_lineage.items():
        assert name in TABLES
        check(name, table)
        key = list(TABLES[name].key)
        assert table[key].equals(table[key].sort_values(key).reset_index(drop=True)), name


def test_pingtan_reuse_of_fujian(corpus_lineage):
    """Real finding: Pingtan's 2021 and 2022 task tables repeat almost none of Fujian's 2016-2019
    sentences — each year's tasks follow that year's national 要点, and Fujian 2021-2022 is absent."""
    index = corpus_lineage["reuse_index"].set_index("file")
    for file in ("pingtan-2021-task-table.txt", "pingtan-2022-task-table.txt"):
        assert index.loc[file, "n_earlier_plans"] >= 4
        assert index.loc[file, "reuse_share_any"] < 0.05


def test_lineage_charts_name_namesakes_as_the_other_charts_do():
    """Two 市中区 of two cities: the reuse matrix names each with its parent city, as the heat maps
    and `viz.frames.plans` do, rather than with its file name."""
    documents = pd.DataFrame([
        {"file": "jn.txt", "province": "山东省", "parent": "济南市", "region": "市中区", "level": "district", "plan_year": 2020},
        {"file": "zz.txt", "province": "山东省", "parent": "枣庄市", "region": "市中区", "level": "district", "plan_year": 2020},
        {"file": "sd.txt", "province": "山东省", "parent": None, "region": "山东省", "level": "province", "plan_year": 2019},
    ]).assign(is_plan=True, failed=False)
    reuse = pd.DataFrame({"file_a": ["zz.txt"], "file_b": ["sd.txt"], "reuse_share": [0.2], "n_matched": [2],
                          "n_sentences_a": [10]})
    heatmap = reuse_matrix_figure(reuse, documents, "zh").data[0]
    assert list(heatmap.y) == ["山东省 2019", "市中区（济南市） 2020", "市中区（枣庄市） 2020"]
    assert heatmap.z[2][0] == 0.2  # 枣庄's 市中区 found its sentences in the province's plan


def test_charts(corpus_lineage, corpus_tables):
    documents = corpus_tables["documents"]
    matrix = reuse_matrix_figure(corpus_lineage["text_reuse"], documents, "en")
    red, grey = (np.array(trace.z, dtype=float) for trace in matrix.data)
    n = int(documents["is_plan"].sum())
    assert red.shape == grey.shape == (n, n) and np.isnan(np.diag(red)).all() and np.isnan(np.diag(grey)).all()
    off = ~np.eye(n, dtype=bool)
    assert (np.isnan(red) != np.isnan(grey))[off].all()  # each pair in one of the two colours
    z = np.where(np.isnan(red), grey, red)
    assert np.nanmin(z) >= 0 and np.nanmax(z) <= 1
    plans = _ordered_plans(documents)
    by_label = dict(zip(plans["label"], plans["plan_year"], strict=True))
    rows = list(matrix.data[0].y)
    for i, j in zip(*np.nonzero(~np.isnan(red))):  # red: the column plan is earlier (here: a smaller year)
        assert by_label[rows[j]] <= by_label[rows[i]]
    assert any(by_label[rows[j]] > by_label[rows[i]] for i, j in zip(*np.nonzero(~np.isnan(grey))))

    graph = citation_graph_figure(corpus_lineage["citation_links"], documents, "zh")
    upstream = next(trace for trace in graph.data if trace.mode == "markers+text" and trace.marker.symbol
                    == "diamond-open")
    assert "国务院 2021" in upstream.text and "福建省 2022" in upstream.text
    assert any(h.startswith("国务院 2021年政务公开工作要点 国办发〔2021〕12号") for h in upstream.hovertext)
    assert any("2021年全省政务公开工作主要任务分解表" in h for h in upstream.hovertext)
    assert len(graph.layout.annotations) == sum(list(tr.x).count(None) for tr in graph.data if tr.mode == "lines")

    heat = responsibility_figure(corpus_lineage["responsibility"], "zh", top=10)
    assert 0 < len(heat.data[0].y) <= 10
    assert list(heat.layout.yaxis.tickvals) == list(heat.data[0].y)  # every unit named, not every other
    assert list(matrix.layout.xaxis.tickvals) == list(matrix.layout.yaxis.tickvals) == list(matrix.data[0].y)
    assert not any(is_generic_unit(u) for u in heat.data[0].y)
    with pytest.raises(ValueError):
        responsibility_figure(corpus_lineage["responsibility"], "fr")


def _distance(point, a, b) -> float:
    """From point to the segment a-b."""
    p, a, b = (np.asarray(v, dtype=float) for v in (point, a, b))
    t = np.clip(np.dot(p - a, b - a) / max(np.dot(b - a, b - a), 1e-12), 0, 1)
    return float(np.linalg.norm(p - (a + t * (b - a))))


@st.composite
def layered_graphs(draw):
    """Nodes on levels 0-3 (some empty) keyed by province, and citations between any two of them."""
    sizes = draw(st.lists(st.integers(0, 10), min_size=4, max_size=4))
    ids = [(f"n{d}-{k}", d) for d, n in enumerate(sizes) for k in range(n)]
    nodes = pd.DataFrame([{"id": i, "label": f"区县{i} 2020", "depth": float(d), "key": (draw(st.sampled_from("甲乙丙")), i,
                                                                                     2020)}
                          for i, d in ids], columns=["id", "label", "depth", "key"])
    pairs = st.tuples(st.sampled_from([i for i, _ in ids]), st.sampled_from([i for i, _ in ids])) if ids else st.nothing()
    edges = draw(st.lists(pairs, max_size=12, unique=True)) if ids else []
    edges = pd.DataFrame([{"file": a, "target": b, "relation": "implements"} for a, b in edges if a != b],
                         columns=["file", "target", "relation"])
    return nodes, edges


@settings(max_examples=150, deadline=None)
@given(layered_graphs())
def test_no_citation_line_runs_through_a_node_it_does_not_join(graph):
    """Seen in the seeds' report: 菏泽市 2018 → 国务院 2018 ran straight through 浙江省 2020 and read
    as 菏泽 implementing Zhejiang's plan."""
    nodes, edges = graph
    pos, above, lines = _layered_layout(nodes, edges)
    assert set(pos) >= set(nodes["id"]) and set(above) == set(nodes["id"])
    for layer in nodes.groupby("depth")["id"]:
        xs = [pos[n][0] for n in layer[1]]
        assert len(set(xs)) == len(xs) and all(0 < x < 1 for x in xs)
        assert all(pos[n][1] == -layer[0] for n in layer[1])
    slots = {}
    for x, y in pos.values():
        slots.setdefault(y, []).append(x)
    gap = min(1 / (len(xs) + 1) for xs in slots.values()) if slots else 1
    for e, points in zip(edges.itertuples(), lines, strict=True):
        assert points[0] == pos[e.file] and points[-1] == pos[e.target]
        for n in set(nodes["id"]) - {e.file, e.target}:
            assert min(_distance(pos[n], a, b) for a, b in zip(points, points[1:])) > gap / 4, (e, n)
    for _, placed in nodes.assign(side=nodes["id"].map(above)).dropna(subset=["side"]).groupby(
            ["depth", "side"]):  # labels shown on one side of one level never overlap
        spans = sorted((pos[n][0] - _label_width(lab) / 2, pos[n][0] + _label_width(lab) / 2)
                       for n, lab in zip(placed["id"], placed["label"], strict=True))
        assert all(b[0] >= a[1] for a, b in zip(spans, spans[1:]))


def test_labels_take_the_other_side_only_when_they_would_overlap_a_neighbour():
    pos = {"a": (0.10, 0), "b": (0.15, 0), "c": (0.50, 0), "d": (0.55, 0), "e": (0.60, 0)}
    width = dict.fromkeys(pos, 0.08)
    below = dict.fromkeys(pos, False)
    sides = _label_sides(list(pos), pos, width, below)
    assert sides == {"a": False, "b": True, "c": False, "d": True, "e": False}  # far apart: as preferred
    assert _label_sides(list(pos), pos, dict.fromkeys(pos, 0.01), below) == below  # narrow labels never clash
    above = dict.fromkeys(pos, True)
    assert _label_sides(list(pos), pos, width, above) == {k: not v for k, v in sides.items()}
    crowded = {k: (0.1 + 0.01 * i, 0) for i, k in enumerate("abcdefgh")}  # 8 px apart, labels 64 px wide
    placed = _label_sides(list(crowded), crowded, dict.fromkeys(crowded, 0.08), dict.fromkeys(crowded, False))
    assert placed == {"a": False, "b": True, **dict.fromkeys("cdefgh", None)}  # the rest only on hover


def test_the_citation_graph_is_drawn_as_wide_as_its_labels_were_placed(corpus_lineage, corpus_tables):
    """Labels are kept apart in shares of PLOT_PX; the figure used to size itself to its box and put
    its legend beside the plot (200 px of an assumed 800): in the English report of 11 plans
    平潭综合实验区 2021 and 平潭综合实验区 2022 ran into each other."""
    from analysis.measure.lineage_charts import PLOT_PX
    from analysis.viz.interactive import MAX_WIDTH

    documents = corpus_tables["documents"]
    graph = citation_graph_figure(corpus_lineage["citation_links"], documents, "en")
    layout = graph.layout
    assert layout.width == MAX_WIDTH and layout.width - layout.margin.l - layout.margin.r == PLOT_PX
    assert (layout.legend.orientation, layout.legend.yanchor) == ("h", "bottom")  # above the plot


def test_a_plan_of_unknown_level_is_left_out_of_the_citation_graph(corpus_lineage, corpus_tables):
    documents = corpus_tables["documents"].copy()
    unknown = "pingtan-2021-task-table.txt"
    documents.loc[documents["file"] == unknown, "level"] = None
    graph = citation_graph_figure(corpus_lineage["citation_links"], documents, "zh")
    shown = [h.split("<br>")[-1] for tr in graph.data if tr.mode == "markers+text" for h in tr.hovertext]
    assert unknown not in shown and "pingtan-2022-task-table.txt" in shown


def test_an_empty_corpus_gives_empty_tables_and_figures():
    tables = build_tables({})
    out = lineage_tables(tables)
    assert all(len(t) == 0 for t in out.values())
    reuse_matrix_figure(out["text_reuse"], tables["documents"])
    citation_graph_figure(out["citation_links"], tables["documents"])
    responsibility_figure(out["responsibility"])
