"""Small ingest functions, input → expected rows (short real excerpts)."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.config import INGEST_PATTERNS
from analysis.ingest import layout, tables
from analysis.ingest.citations import find_citations
from analysis.ingest.dates import iso_date
from analysis.ingest.metadata import department, header_labels, is_plan_title, plan_titles
from analysis.ingest.normalize import normalize
from analysis.ingest.numbering import candidates, select
from analysis.ingest.patterns import load_patterns
from analysis.ingest.units import UnitParser, looks_like_unit

P = load_patterns()
UNITS = UnitParser(P)


# ---------------------------------------------------------------- flattened task-table rows
@pytest.mark.parametrize(("row", "task", "lead", "cooperating"), [
    # 牵头单位 | 责任单位 meet where two names run together just before a list written with separators
    ("健全去产能公示公告制度省经信委省发改委、人社厅、国土厅，各设区市，平潭综合实验区实行“事前公示、事后公告”制度。",
     "健全去产能公示公告制度", ["省经信委"], ["省发改委", "人社厅", "国土厅", "各设区市", "平潭综合实验区"]),
    ("主动公开国民经济运行情况省统计局省政府新闻办，各设区市，平潭综合实验区按月组织召开新闻发布会。",
     "主动公开国民经济运行情况", ["省统计局"], ["省政府新闻办", "各设区市", "平潭综合实验区"]),
    # several lead units stacked in their cell run together too: the 各… list is the other column
    ("加大营改增政策公开力度省财政厅省国税局省地税局各设区市，平潭综合实验区密切跟踪企业舆情反映。",
     "加大营改增政策公开力度", ["省财政厅", "省国税局", "省地税局"], ["各设区市", "平潭综合实验区"]),
    ("及时发布资本市场违法违规案件查处情况省金融办、省财政厅、福建证监局各设区市，平潭综合实验区做好处罚信息公开。",
     "及时发布资本市场违法违规案件查处情况", ["省金融办", "省财政厅", "福建证监局"], ["各设区市", "平潭综合实验区"]),
    # the units cell follows the task; a requirement's own list of pilot units is not it
    ("完善政府公报工作机制省直各有关部门，各设区市省政府和各设区市应办好本级政府公报。2018年以省发改委、经信委、财政厅、"
     "卫计委、商务厅为试点单位，探索规范性文件刊登公报。", "完善政府公报工作机制", ["省直各有关部门"], ["各设区市"]),
    # a row without a lead cell: its units are a list of governments (各…), no office among them
    ("按照统一部署开展基层政务公开标准化规范化试点各设区市，平潭综合实验区确定试点单位，出台试点方案，确保取得实效。",
     "按照统一部署开展基层政务公开标准化规范化试点", ["各设区市", "平潭综合实验区"], []),
    ("办好政府公报各设区市、平潭综合实验区着力提升规章、规范性文件的发布质量和时效。", "办好政府公报",
     ["各设区市", "平潭综合实验区"], []),
])
def test_flattened_task_table_row(row, task, lead, cooperating):
    cells = tables.split_flat_row(row, ["task", "lead", "responsible", "requirement"])
    assert (cells["task"], cells["lead"], cells["cooperating"]) == (task, lead, cooperating)
    assert not any(u in cells["requirement"] for u in lead + cooperating if u != "各设区市")


@pytest.mark.parametrize(("text", "columns"), [
    ("序号\t工作任务\t工作要求\t牵头单位\t责任单位\t完成时限", ["task", "requirement", "lead", "responsible", "deadline"]),
    ("序号 | 重点任务 | 工作内容 | 责任科室 | 时限要求 |", ["task", "requirement", "responsible", "deadline"]),
    ("序号 | 工作任务 | 负责单位 | 完成时间 |", ["task", "responsible", "deadline"]),
    ("工 作 任 务 牵 头 单 位 配合/责任单位", ["task", "lead", "responsible"]),  # PDF spacing; a name in a name
    ("正文。\n序号工作任务责任单位备注\n1\t…", ["task", "responsible", None]),  # run together; 备注 is read past
    ("一级任务 | 二级任务 | 序号 | 具体措施 | 牵头单位 | 责任领导 | 完成时限 |",  # but holds its place in the row
     [None, "task", "requirement", "lead", None, "deadline"]),
    # a header of two rows, 责任单位 over 牵头单位 | 配合单位, as the readers write it: its fuller row
    ("序号\t工作任务\t责任单位\t完成时限\t\n\n序号\t工作任务\t牵头单位\t配合单位\t完成时限\t\n1\t…",
     ["task", "lead", "cooperating", "deadline"]),
    ("工作任务 牵头单位\n配合单位 完成时限", ["task", "lead", "cooperating", "deadline"]),  # one header over two lines
    ("主要内容\n责任单位", None),  # two names are no header
    ("围绕工作任务，明确责任单位和完成时限。", None),  # names inside a sentence
])
def test_task_table_header_columns(text, columns):
    assert layout.table_columns(text, P) == columns


def test_a_task_table_column_with_an_unknown_role_is_refused(tmp_path):
    source = INGEST_PATTERNS.read_text(encoding="utf-8")
    bad = tmp_path / "patterns.yaml"
    bad.write_text(source.replace("  工作内容: requirement", "  工作内容: requirements"), encoding="utf-8")
    with pytest.raises(ValueError, match="工作内容.*requirements"):
        load_patterns(bad)


# ---------------------------------------------------------------- responsibility markers
@pytest.mark.parametrize(("text", "lead", "cooperating", "deadline"), [
    ("（责任单位：市财政局、市发改委）", ["市财政局", "市发改委"], [], None),
    ("(区发改局牵头落实)", ["区发改局"], [], None),
    ("(市规划国土委负责落实)", ["市规划国土委"], [], None),
    ("（网络信息股牵头，各股室配合）", ["网络信息股"], ["各股室"], None),
    ("（责任时限：2020年6月底前，牵头单位：县政府办，责任单位：县直各单位）", ["县政府办"], ["县直各单位"], "2020年6月底前"),
    ("(责任单位:市政府办公室,市级有关单位,各县〔市、区〕政府)", ["市政府办公室", "市级有关单位", "各县〔市、区〕政府"], [], None),
    ("（各县区政府和市发改委、市财政局按职责分工分别牵头落实）", ["各县区政府", "市发改委", "市财政局"], [], None),
    ("(牵头单位:县大数据发展中心;责任单位:各乡(镇)人民政府,各街道办事处)", ["县大数据发展中心"],
     ["各乡(镇)人民政府", "各街道办事处"], None),
    ("(市委宣传部牵头，市直各部门配合，2020年12月底前完成)", ["市委宣传部"], ["市直各部门"], "2020年12月底前完成"),
    ("(县政府办公室负责，持续推进)", ["县政府办公室"], [], "持续推进"),
    ("[责任单位:临空经济区(空港新城)事务中心,区财政局]", ["临空经济区(空港新城)事务中心", "区财政局"], [], None),
    ("【责任单位：区财政局】", ["区财政局"], [], None),
    ("〔责任单位：区财政局，完成时限：年底前〕", ["区财政局"], [], "年底前"),  # tortoise-shell brackets too
    ("（县财政局，长期坚持）", ["县财政局"], [], "长期坚持"),  # offices alone, then a deadline
    ("（责任单位：县财政局（牵头）、县审计局）", ["县财政局"], ["县审计局"], None),  # the one marked leads
    ("（县财政局〔牵头〕、县审计局）", ["县财政局"], ["县审计局"], None),
    ("（牵头责任单位：县财政局；配合责任单位：县审计局）", ["县财政局"], ["县审计局"], None),
    ("（主要责任单位：县财政局；次要责任单位：县审计局）", ["县财政局"], ["县审计局"], None),
    ("（责任单位：县财政局等部门）", ["县财政局"], [], None),  # 等部门 names no unit of its own
    ("（负责单位：县财政局）", ["县财政局"], [], None),  # more labels plans use
    ("（主管部门：县财政局；执行单位：县审计局）", ["县财政局", "县审计局"], [], None),
    ("（牵头负责单位：县财政局；配合单位：县审计局）", ["县财政局"], ["县审计局"], None),
    ("（县财政局、县审计局，2024年6月底前）", ["县财政局", "县审计局"], [], "2024年6月底前"),
    ("责任单位：县财政局、县审计局。", ["县财政局", "县审计局"], [], None),
    ("（责任单位：市财政局、市审计局，列第一位的为牵头单位）", ["市财政局"], ["市审计局"], None),
    ("（责任单位：市财政局、市审计局、市税务局，排在首位的为牵头单位，下同）", ["市财政局"], ["市审计局", "市税务局"], None),
    ("（责任单位：市财政局、市审计局（排名不分先后））", ["市财政局", "市审计局"], [], None),
    ("（责任单位：市财政局、市审计局，排名不分先后）", ["市财政局", "市审计局"], [], None),
    ("（省政府办公厅牵头；省直有关部门，各州、市人民政府按照职责分工负责）", ["省政府办公厅"],
     ["省直有关部门", "各州、市人民政府"], None),  # levels sharing the name after them: one unit
    ("（省发展改革委牵头；各州、市、县、区人民政府负责）", ["省发展改革委"], ["各州、市、县、区人民政府"], None),
    ("(责任时限:2022 年底前,牵头单位:市财政局,责任单位:各县(区)政府、经开区管委会,以下统称各县(区)政府,市政府各部门)",
     ["市财政局"], ["各县(区)政府", "经开区管委会", "市政府各部门"], "2022年底前"),  # 以下统称… names no unit
    ("（责任领导：张三；责任单位：市财政局）", ["市财政局"], [], None),  # a person is no unit
    ("（牵头领导：李四副市长；牵头单位：市政府办公室；配合单位：市财政局）", ["市政府办公室"], ["市财政局"], None),
    # deadlines an unlabelled marker closes with (the marker, units and all, was lost)
    ("（市财政局负责，2021年底前）", ["市财政局"], [], "2021年底前"),
    ("（市财政局负责，全年）", ["市财政局"], [], "全年"),
    ("（市财政局牵头，常态化推进）", ["市财政局"], [], "常态化推进"),
    # ... and a labelled one, after its units with no label of its own
    ("（责任单位：县政府办公室、县司法局，6月底前）", ["县政府办公室", "县司法局"], [], "6月底前"),
    ("（牵头单位：市发改委，2021年12月底前完成；配合单位：市财政局）", ["市发改委"], ["市财政局"], "2021年12月底前完成"),
    ("（市财政局负责，第三季度）", ["市财政局"], [], "第三季度"),
    ("（市财政局负责，上半年完成）", ["市财政局"], [], "上半年完成"),
    ("（市政府办公室牵头、各县区政府落实）", ["市政府办公室"], ["各县区政府"], None),  # 、 between two verbs' clauses
    ("（市财政局牵头、市审计局配合）", ["市财政局"], ["市审计局"], None),
    ("（责任单位：市财政局；协助单位：市审计局）", ["市财政局"], ["市审计局"], None),  # labels were units
    ("（主办单位：市财政局；协办单位：市审计局）", ["市财政局"], ["市审计局"], None),
    ("（牵头：市财政局；参与：市审计局）", ["市财政局"], ["市审计局"], None),
    ("（责任单位：市财政局 时间：2021年6月）", ["市财政局"], [], "2021年6月"),
    # offices alone, in brackets closing the text: all responsible, as under 责任单位：
    ("（市政府办公室、市大数据中心）", ["市政府办公室", "市大数据中心"], [], None),
    ("（县融媒体中心）。", ["县融媒体中心"], [], None),
    ("（各县（市、区）人民政府，市直有关部门）", ["各县（市、区）人民政府", "市直有关部门"], [], None),
])
def test_responsibility_marker(text, lead, cooperating, deadline):
    markers = UNITS.find("做好政策解读。" + text)
    assert [(m.lead, m.cooperating, m.deadline) for m in markers] == [(lead, cooperating, deadline)]


@pytest.mark.parametrize("text", [
    "全面推进“五公开”（以下统称“五公开”）。",
    "加强山东省乡村振兴战略规划（2018-2022年）推进落实情况公开。",
    "根据《条例》（国办发〔2019〕54号）要求。",
    "发布行政许可事项目录(年本)。",
    "【打印本页】【关闭窗口】",
    # names in brackets that are no list of offices closing the text
    "发挥门户网站作用（市政府网站）。",  # a website
    "依托一体化平台。（市政务服务平台）",
    "推进政务公开（政务服务）。",  # no level before it
    "（市政府办公室）牵头做好政策解读。",  # opens the text
    "由市政府办公室（市政务公开办）统筹做好政策解读。",  # an office's other name
])
def test_brackets_that_are_not_markers(text):
    assert UNITS.find(text) == []


@pytest.mark.parametrize(("text", "deadlines"), [
    ("2020年6月底前完成，本方案印发后30日内报送", "2020年6月底前；本方案印发后30日内"),
    ("年内出台实施办法", "年内"),
    ("每年3月底前公布年度报告", "每年3月底前"),
    ("持续做好公开工作", None),
    ("2022年底前建立专家库，2023年末前完成", "2022年底前；2023年末前"),  # the year kept, not 年底前
])
def test_deadlines_in_task_text(text, deadlines):
    assert UNITS.deadlines_in(text) == deadlines


@pytest.mark.parametrize(("name", "is_unit"), [
    ("市财政局", True), ("各县(市、区)人民政府", True), ("市委宣传部〔新闻办〕", True), ("有关部门", True),
    ("做好政策解读", False), ("局", False), ("2020年6月底前", False),
])
def test_looks_like_unit(name, is_unit):
    assert looks_like_unit(name) is is_unit


# ---------------------------------------------------------------- citations
@pytest.mark.parametrize(("text", "cited"), [
    ("认真落实国务院办公厅关于印发2018年政务公开工作要点的通知（国办发〔2018〕23号）和山东省人民政府办公厅关于进一步做好"
     "政务公开工作的通知（鲁政办发〔2018〕21号）要求",
     [("国务院办公厅关于印发2018年政务公开工作要点的通知", "国办发〔2018〕23号"),
      ("山东省人民政府办公厅关于进一步做好政务公开工作的通知", "鲁政办发〔2018〕21号")]),  # no verbs before a bare title
    ("按照《浙江省重大行政决策程序规定》和《2020年浙江省政务公开工作要点》（浙政办发〔2020〕20号）",
     [("浙江省重大行政决策程序规定", None), ("2020年浙江省政务公开工作要点", "浙政办发〔2020〕20号")]),
    # a text without line breaks (a document-sharing site's): the title starts after the last verb before
    # its issuer, not 30 characters back; a 文号 whose brackets were lost
    ("某县2018年政务公开工作要点实施方案为深入贯彻落实黑龙江省人民政府办公厅关于印发2018年全省政务公开工作要点的通知"
     "(黑政办发201835号)和绥化市人民政府办公室关于印发绥化市贯彻落实2018年全省政务公开工作要点的实施方案的通知(绥政办发201823号)",
     [("黑龙江省人民政府办公厅关于印发2018年全省政务公开工作要点的通知", "黑政办发〔2018〕35号"),
      ("绥化市人民政府办公室关于印发绥化市贯彻落实2018年全省政务公开工作要点的实施方案的通知", "绥政办发〔2018〕23号")]),
])
def test_cited_documents(text, cited):
    assert [(c["title"], c["doc_number"]) for c in find_citations(text, P)] == cited


# ---------------------------------------------------------------- page furniture
@pytest.mark.parametrize("line", [
    "当前位置：首页 > 政务公开 > 政府文件", "首页 > 政务公开 > 冠政办发", "浏览次数：1267", "点击数：13460",
    "分享到：微信 微博", "【打印本页】【关闭窗口】", "【字体：大 中 小】", "鲁ICP备05012345号-1",
    "鲁公网安备 37152502000123号", "主办单位：冠县人民政府办公室", "上一篇：关于2020年度报告",
    "2019年6月21日   星期五", "26~36 °C", "(此件主动公开)", "Welcome to www.xtyh.gov.cn", "|", "• ",
    "附件：2020年分解表.docx 附件下载",
])
def test_furniture_lines_are_dropped(line):
    assert layout.drop_furniture([line], P) == []


@pytest.mark.parametrize(("line", "kept"), [
    ("（一）推进重点工作信息公开。", "（一）推进重点工作信息公开。"),
    ("各乡镇人民政府：", "各乡镇人民政府："),
    ("2021年冠县政务公开工作要点", "2021年冠县政务公开工作要点"),
    ("严格执行打印、复印等保密要求。", "严格执行打印、复印等保密要求。"),
    ("| 工作任务 | 牵头单位 |", "工作任务\t牵头单位"),
])
def test_content_lines_are_kept(line, kept):
    assert layout.drop_furniture([line], P) == [kept]


# ---------------------------------------------------------------- conversion damage
@pytest.mark.parametrize(("text", "repaired", "pages"), [
    ("以知识库的形式在政府门户网 2 站公开。及时更新项目进 3 展情况。及时回应 4 社会关切。",
     "以知识库的形式在政府门户网 站公开。及时更新项目进 展情况。及时回应 社会关切。", [2, 3, 4]),
    ("每年不少于 1 次，公开 2 类信息，完成 3 项任务。", "每年不少于 1 次，公开 2 类信息，完成 3 项任务。", []),
    ("门户网 2 站，不少于 10 天", "门户网 2 站，不少于 10 天", []),  # two tokens are no run
    ("1\t做好公开\t市财政局\n2\t做好解读\t市政府办\n3\t回应关切\t市委网信办",
     "1\t做好公开\t市财政局\n2\t做好解读\t市政府办\n3\t回应关切\t市委网信办", []),  # 序号 cells, not pages
])
def test_page_numbers_inside_sentences(text, repaired, pages):
    assert layout.remove_page_numbers(text) == (repaired, pages)


def test_line_index_prefixes_are_undone_only_when_they_run_in_sequence_mid_sentence():
    chunk = "为进一步加强全县政务公开工作，不断提升政务公开的质量和实效，推动转变政府职能、深化简政放权" * 4
    text = "\n".join(f"{k}、{chunk}" for k in range(1, 5))
    assert layout.undo_line_index(text) == ("".join([chunk] * 4), True)
    outline = "1、加强政策解读。\n2、做好舆情回应。\n3、加强网站管理。"
    assert layout.undo_line_index(outline) == (outline, False)


@pytest.mark.parametrize(("text", "normalised", "notes"), [
    ("政務公開工作要點（責任單位：國務院辦公廳）", "政务公开工作要点（责任单位：国务院办公厅）",
     ["converted from traditional to simplified characters"]),
    ("政(zhèng)务公开(kāi)", "政务公开", ["removed 2 pinyin glosses"]),
    ("２０２０年１２月底前", "2020年12月底前", []),
    ("公开\u200b工作\u3000要点\r", "公开工作 要点", []),
    ("bet 365亚洲版官网 办公室", " 办公室", ["removed 1 spam insertions"]),
    ("（一）做好公开。（责任单位：市财政局）", "（一）做好公开。（责任单位：市财政局）", []),  # punctuation kept
    # a PDF font's radicals for ideographs: Kangxi (⼀ ⼯ ⾏ ⼈), supplement (⺠ ⻓ ⻔), compatibility (U+F9xx)
    ("⼀、加强⼯作（责任单位：⾏政审批局）", "一、加强工作（责任单位：行政审批局）",
     ["replaced 3 radical or compatibility code points with the ideographs they stand for"]),
    ("县⼈⺠政府⻓期公开，各部⻔", "县人民政府长期公开，各部门",
     ["replaced 4 radical or compatibility code points with the ideographs they stand for"]),
    ("\uf9b4\uf91d", "領欄", ["replaced 2 radical or compatibility code points with the ideographs they stand for"]),
])
def test_normalize(text, normalised, notes):
    assert normalize(text) == (normalised, notes)


# ---------------------------------------------------------------- metadata pieces
@pytest.mark.parametrize(("text", "date"), [
    ("2020-06-15 00:00", "2020-06-15"), ("2017/11/8 9:53:00", "2017-11-08"), ("2020年6月8日", "2020-06-08"),
    ("2021- 07- 07", "2021-07-07"), ("2017月11月8日", "2017-11-08"), ("202177", None), ("2020年2月30日", None),
])
def test_iso_date(text, date):
    assert iso_date(text) == date


def _in_chinese(n: int, zero: str) -> str:
    """How a signature writes a number: years digit by digit (二〇二一), months and days with 十."""
    digits = zero + "一二三四五六七八九"
    if n >= 1000:
        return "".join(digits[int(c)] for c in str(n))
    tens, ones = divmod(n, 10)
    return (digits[tens] if tens > 1 else "") + ("十" if tens else "") + (digits[ones] if ones else "")


@settings(max_examples=300)
@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2099, 12, 31)), st.sampled_from("〇○零O0"),
       st.booleans())
def test_dates_in_chinese_numerals(day, zero, arabic):
    """Also as pages type them: a Latin O or a 0 for 〇, and the month and day in Arabic numerals
    after such a year (二O一一年5月16日)."""
    month, date = (str(day.month), str(day.day)) if arabic else (_in_chinese(day.month, zero), _in_chinese(day.day, zero))
    text = f"{_in_chinese(day.year, zero)}年{month}月{date}日"
    assert iso_date(f"丽水市人民政府办公室 {text}") == day.isoformat(), text


def test_a_signature_dated_in_chinese_numerals_ends_the_last_task():
    from analysis.ingest import parse_text

    body = "一、做好财政预算公开。\n（责任单位：市财政局）\n二、推进重大项目信息公开。\n（责任单位：市发改局）\n"
    doc = parse_text(f"丽水市二〇二一年政务公开工作要点\n{body}\n丽水市人民政府办公室\n二〇二一年三月五日\n", "x.txt")
    assert (doc.plan_year, doc.issuer, doc.published) == (2021, "丽水市人民政府办公室", "2021-03-05")
    assert len(doc.tasks) == 2 and doc.tasks[-1].text.endswith("（责任单位：市发改局）")


@pytest.mark.parametrize(("head", "title", "year"), [
    ("丽水市2021年政务公开\n工作要点", "丽水市2021年政务公开工作要点", 2021),
    ("丽水市2021年\n政务公开工作要点", "丽水市2021年政务公开工作要点", 2021),  # the second line alone reads as a title
    ("丽水市二〇二一年度\n政务公开工作要点", "丽水市二〇二一年度政务公开工作要点", 2021),
    ("丽水市人民政府办公室\n2021年4月1日\n政务公开工作要点", "政务公开工作要点", 2021),  # a date line is no title
])
def test_a_title_broken_over_two_lines(head, title, year):
    from analysis.ingest import parse_text

    doc = parse_text(f"{head}\n一、做好财政预算公开。（责任单位：市财政局）\n二、推进项目公开。（责任单位：市发改委）\n", "x.txt")
    assert (doc.title, doc.plan_year, len(doc.tasks)) == (title, year, 2)


@pytest.mark.parametrize(("title", "is_title"), [
    ("2020年丽水市政务公开工作要点", True), ("隆阳区2020年政务公开工作计划", True), ("菏泽市政务公开工作推进方案", True),
    ("2021年全区政务公开工作主要任务分解表", True), ("关于印发工作要点的通知", False), ("做好政务公开工作要点。", False),
    ("广州市海珠区2021年政府信息公开工作年度报告", False),
])
def test_is_plan_title(title, is_title):
    assert is_plan_title(title, P) is is_title


@pytest.mark.parametrize(("cells", "task", "requirement", "units"), [
    (["做好主动公开", "3", "严格规范公开专栏。", "各科室", "持续推进"], "做好主动公开", "严格规范公开专栏。", ["各科室"]),
    (["重点领域", "做好主动公开", "严格规范公开专栏。", "各科室", "持续推进"], "做好主动公开", "严格规范公开专栏。",
     ["各科室"]),  # a category column before the task
    (["做好主动公开", "严格规范公开专栏。", "各科室"], "做好主动公开", "严格规范公开专栏。", ["各科室"]),  # its deadline merged
])
def test_a_rows_cells_under_a_header_of_four_columns(cells, task, requirement, units):
    """工作任务 over two columns, the second a 序号 the header does not name: the number is no cell of
    the task; a leading cell of text is a category column; a cell missing at the end was merged."""
    row = tables.split_cell_row(cells, ["task", "requirement", "responsible", "deadline"])
    assert (row["task"], row["requirement"], row["lead"]) == (task, requirement, units)


@pytest.mark.parametrize(("title", "issuer", "places", "expected"), [
    ("湖南省永州市宁远县交通运输局2022年政务公开工作要点", None, ("宁远县", "永州市", "湖南省"), "交通运输局"),
    ("池州信访局2024年政务公开工作要点", None, ("池州市", None, "安徽省"), "信访局"),  # the short name
    ("江门市土地储备中心 2023 年政务公开工作任务分工", None, ("江门市", None, "广东省"), "土地储备中心"),
    ("2016年政务公开工作要点", "国务院办公厅", (None, None, None), None),
    ("2023年政务公开工作要点", "福建省人民政府办公厅", ("福建省", None, "福建省"), None),
    ("苏州工业园区管委会2023年政务公开工作要点", None, ("苏州工业园区", "苏州市", "江苏省"), None),
    ("东华街道办事处2023年政务公开工作要点", None, ("东华街道", "", ""), None),
    ("兰州新区2023年政务公开工作要点", "兰州新区管委会办公室", ("兰州新区", "兰州市", "甘肃省"), None),
    ("宁远县委2022年政务公开工作要点", None, ("宁远县", "永州市", "湖南省"), None),  # a name too short
])
def test_department_of_a_plan(title, issuer, places, expected):
    assert department(title, issuer, places, P) == expected


@pytest.mark.parametrize(("what", "plans"), [
    ("2020年丽水市政务公开工作要点", ["2020年丽水市政务公开工作要点"]),
    ("《湖南省2022年政务管理服务工作要点》和《湖南省2022年政务公开工作要点》",
     ["湖南省2022年政务管理服务工作要点", "湖南省2022年政务公开工作要点"]),
])
def test_plan_titles_of_a_notice(what, plans):
    assert plan_titles(what) == plans


@pytest.mark.parametrize(("lines", "labels"), [
    (["索  引  号: 13502/2022-26273 主题分类: 综合政务 发布机构: 市政府办公室",
      "文件编号: 承市政办字〔2022〕44号 有  效  性: 有效"],
     {"index_number": "13502/2022-26273", "category": "综合政务", "issuer": "市政府办公室",
      "doc_number": "承市政办字〔2022〕44号", "validity": "有效"}),
    (["- 索引号", "- 58736667-6-/2020-1231002", "- 发文机构", "- 隆阳区政务服务管理局", "- 日期", "- 2020-12-31"],
     {"index_number": "58736667-6-/2020-1231002", "issuer": "隆阳区政务服务管理局", "published": "2020-12-31"}),
    (["发布日期: 2017/11/8 9:53:00", "阅读: 11484", "来源:", "编辑: 政务中心"],
     {"published": "2017/11/8 9:53:00", "views": "11484", "source": "编辑: 政务中心"}),
    # a law database's export: labels in brackets, one per line or several run together
    (["菏泽市人民政府办公室关于印发2018年菏泽市政务公开工作要点的通知", "【发布部门】菏泽市人民政府办公室",
      "【发文字号】菏政办字〔2018〕52号", "【发布日期】2018.07.16", "【时效性】现行有效"],
     {"issuer": "菏泽市人民政府办公室", "doc_number": "菏政办字〔2018〕52号", "published": "2018.07.16",
      "validity": "现行有效"}),
    (["…的通知文章属性•【制定机关】东莞市人民政府办公室•【公布日期】2011.05.30•【字号】东府办〔2011〕65号"],
     {"issuer": "东莞市人民政府办公室", "published": "2011.05.30", "doc_number": "东府办〔2011〕65号"}),
    (["字号:【大 中 小】 打印本页", "【联系我们】"], {}),  # a page's font-size widget is no 文号
])
def test_header_labels(lines, labels):
    assert header_labels(lines, P) == labels


# ---------------------------------------------------------------- numbering
@pytest.mark.parametrize(("text", "labels"), [
    ("一、总体要求\n二、主要任务\n（一）公开。\n（二）解读。\n1.回应。\n2.平台。", ["一", "二", "(一)", "(二)", "1", "2"]),
    ("一、任务\n(一)公开。\n（二）解读。\n(三)回应。", ["一", "(一)", "(二)", "(三)"]),
    ("一、任务\n1.公开。按照附件1.要求和表2.格式。\n2.解读。", ["一", "1", "2"]),
    ("一、任务\n(一)公开。\n(二)解读，2020年公开3.5万条。\n(三)回应。", ["一", "(一)", "(二)", "(三)"]),
    ("1\t加强政策解读\t区政府办公室\n2\t推进财政公开\t区财政局", ["1", "2"]),
    ("二、进度安排\n1.2020年9月底前制定方案\n2.2020年11月底前编制目录，增长2.2倍。\n3.2022年验收", ["二", "1", "2", "3"]),
    ("一、任务\n1.公开预算。\n2.公开决算，全年支出2.2020亿元。", ["一", "1", "2"]),  # a decimal, not a year
    ("一、任务\t（一）公开\t1\t公开预算\t市财政局\n2\t公开决算\t市财政局", ["一", "(一)", "1", "2"]),
    ("1\t推进财政公开\t1.公开预算。2.公开决算。\t市财政局\n2\t强化解读\t1.做好解读。\t市司法局", ["1", "2"]),  # in a cell
    ("一\t深化公开\n1\t公开预算\t市财政局\n二\t强化解读\n2\t做好解读\t市司法局", ["一", "1", "二", "2"]),  # 一 alone
    # a section headed by a year: 二、2021年工作计划 was no marker, its items ran on under 一
    ("一、主要做法\n（一）强化领导。\n二、2021年工作计划\n（一）加强组织领导。\n（二）规范信息发布。",
     ["一", "(一)", "二", "(一)", "(二)"]),
    ("一、工作任务\n（一）公开。\n二、2、3季度各安排一次检查。", ["一", "(一)"]),  # no year: a list of numbers
])
def test_numbering_markers_selected(text, labels):
    assert [m.label for m in select(candidates(text), [], text)] == labels


def test_numbering_skip_is_accepted_at_a_line_start_with_a_warning():
    text = "一、任务\n(一)公开。\n(二)解读。\n(四)回应。"
    warnings: list[str] = []
    assert [m.label for m in select(candidates(text), warnings, text)] == ["一", "(一)", "(二)", "(四)"]
    assert warnings == ["numbering skips to (四) (expected 3)"]


# ---------------------------------------------------------------- known gaps in resources/ingest_patterns.yaml
def test_breadcrumb_you_are_here_with_spaced_colon_is_dropped():
    assert layout.drop_furniture(["您现在的位置 : 首页 > 政府信息公开 > 政府信息公开制度"], P) == []


def test_spam_domain_glued_to_chinese_text_is_removed():
    assert normalize("详见www.js88vip.com网站")[0] == "详见网站"
