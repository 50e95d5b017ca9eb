"""One small fixture per layout seen on real sites (tests/fixtures/layouts), parsed end to end.

The fixtures imitate real pages (site furniture, header blocks, PDF conversion damage,
flattened tables, mirror-site spam, traditional characters…) in 10–40 lines each.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from analysis.ingest import parse_file, parse_text

LAYOUTS = Path(__file__).parent / "fixtures" / "layouts"
META = ["region", "parent", "province", "level", "plan_year", "title", "issuer", "published", "doc_number"]


def parse(name: str):
    return parse_file(LAYOUTS / name)


def rows(doc, *attrs: str) -> list[tuple]:
    return [tuple(getattr(t, a) for a in attrs) for t in doc.tasks]


# ---------------------------------------------------------------- a portal page
def test_portal_page_script_never_runs_and_furniture_stays_out(tmp_path):
    marker = tmp_path / "script-ran.txt"
    page = (LAYOUTS / "portal_page.html").read_text(encoding="utf-8").replace("SCRIPT_MARKER_PATH", str(marker))
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")

    doc = parse_file(path)

    assert not marker.exists()
    assert doc.kind == "html" and not doc.failed and doc.warnings == []
    assert {k: getattr(doc, k) for k in META} == {
        "region": "冠县", "parent": "聊城市", "province": "山东省", "level": "county", "plan_year": 2021,
        "title": "2021年冠县政务公开工作要点", "issuer": "冠县人民政府办公室", "published": "2021-06-28",
        "doc_number": "冠政办发〔2021〕9号"}
    assert rows(doc, "path", "lead_units", "cooperating_units") == [
        ("一/(一)", ["县发展改革局", "县直有关部门"], []),
        ("一/(二)", ["县财政局"], []),
        ("二/(三)", ["县政府办公室"], ["县直各部门"]),
    ]
    everything = " ".join(t.text + t.heading for t in doc.tasks)
    for junk in ("脚本", "统计代码", "当前位置", "浏览次数", "分享到", "打印", "上一篇", "ICP", "主办单位", "字体"):
        assert junk not in everything


# ---------------------------------------------------------------- header blocks
@pytest.mark.parametrize(("name", "expected", "paths"), [
    ("meta_inline_pairs.txt",  # 'label : value' pairs, two per line; signing date alone on its line
     {"region": "湖北省", "parent": None, "province": "湖北省", "level": "province", "plan_year": 2020,
      "title": "2020年湖北省政务公开工作要点", "issuer": "湖北省人民政府办公厅", "published": "2020-08-06",
      "doc_number": "鄂政办发〔2020〕41号"},
     ["一/(一)", "一/(二)", "二/(三)"]),
    ("meta_bullets.txt",  # '- 索 引 号:…' bullets with spaced-out labels; preamble sections are not tasks
     {"region": "永春县", "parent": "泉州市", "province": "福建省", "level": "county", "plan_year": 2016,
      "title": "永春县2016年政务公开实施方案", "issuer": "永春县人民政府办公室", "published": "2016-06-29",
      "doc_number": "永政办〔2016〕73号"},
     ["二/(一)", "二/(二)", "二/(三)"]),
    ("meta_label_then_value.txt",  # label line, then its value on the next line
     {"region": "冠县", "parent": "聊城市", "province": "山东省", "level": "county", "plan_year": 2021,
      "title": "2021年冠县政务公开工作要点", "issuer": "冠县人民政府办公室", "published": "2021-06-28",
      "doc_number": "冠政办发〔2021〕9号"},
     ["一/(一)", "一/(二)", "二/(三)"]),
    ("meta_bare_values.txt",  # no labels: doc number alone on the first line, signature below the notice
     {"region": "建平县", "parent": "朝阳市", "province": "辽宁省", "level": "county", "plan_year": 2022,
      "title": "建平县2022年政务公开工作要点", "issuer": "建平县人民政府办公室", "published": "2022-05-20",
      "doc_number": "建政办发〔2022〕12号"},
     ["一/(一)/1", "一/(一)/2", "一/(二)/3", "二/(三)"]),
])
def test_header_block_styles(name, expected, paths):
    doc = parse(name)
    assert {k: getattr(doc, k) for k in META} == expected
    assert [t.path for t in doc.tasks] == paths


# ---------------------------------------------------------------- PDF conversion damage
def test_pdf_converter_line_index_and_page_numbers_inside_sentences():
    doc = parse("pdf_line_index.txt")
    assert "removed line-index prefixes (N、) left by a converter" in doc.warnings
    assert "removed 4 page numbers inside the text" in doc.warnings
    assert (doc.region, doc.title, doc.plan_year) == ("曹县", "曹县2018年政务公开工作推进方案", 2018)
    assert rows(doc, "path", "lead_units") == [
        ("二/(一)/1", ["县农业局"]), ("二/(一)/2", ["县发展改革局"]),
        ("二/(二)/3", ["县民政局"]), ("二/(二)/4", ["县教育局"]), ("三", []),
    ]
    texts = {t.path: t.text for t in doc.tasks}
    assert "在政府门户网站公开相关解读材料。(县农业局牵头落实)" in texts["二/(一)/1"]  # '网 2 站' and chunk break mended
    assert "等8类信息,及时更新项目进展情况" in texts["二/(一)/2"]  # a counted number stays
    assert texts["二/(二)/3"].endswith("群众满意。(县民政局牵头落实)")
    assert not any(re.search(r"\d、", t) for t in texts.values())


# ---------------------------------------------------------------- tables
def test_flattened_task_table_cells_run_together():
    doc = parse("flat_task_table.txt")
    assert (doc.region, doc.plan_year, doc.issuer, doc.published) == ("三明市", 2019, "三明市人民政府办公室",
                                                                        "2019-06-10")
    counties = "各县（市、区）人民政府"
    assert rows(doc, "path", "heading", "lead_units", "cooperating_units") == [
        ("一/1", "加强政策解读", ["市政府办公室"], ["市直各有关单位", counties]),
        ("一/2", "做好舆情回应", ["市委网信办"], ["市直各有关单位", counties]),
        ("二/3", "推进财政预决算公开", ["市财政局"], ["市直各部门", counties]),
        ("二/4", "推进重大建设项目信息公开", ["市发改委", "市住建局"], [counties]),
        ("二/5", "推进社会救助信息公开", ["市民政局"], [counties]),
    ]
    assert all(t.layout == "table" for t in doc.tasks)
    assert doc.tasks[2].content == "推进财政预决算公开。全面公开政府预决算和部门预决算，细化公开到功能分类项级科目。"
    assert not any(u in doc.tasks[-1].content for u in ("市民政局", "各县"))


def test_flattened_task_table_with_merged_unit_cells_and_units_in_a_requirement():
    """A units cell merged over several rows is flattened once, with its first row (福建省 2016-2018
    task tables: 19 rows had no units); a requirement that lists pilot units of its own is not the
    units cell (福建省 2018 row 35 took 商务厅为试点单位 for a lead unit)."""
    doc = parse("flat_task_table_merged.txt")
    assert (doc.region, doc.plan_year, doc.doc_number) == ("漳州市", 2018, "漳政办〔2018〕31号")
    sasac = (["市国资委"], ["各县（市、区）人民政府", "漳州开发区管委会"])
    assert rows(doc, "path", "lead_units", "cooperating_units") == [
        ("一/(一)/1", *sasac), ("一/(一)/2", *sasac), ("一/(一)/3", *sasac),  # 2 and 3: the merged cell
        ("一/(二)/4", ["市直各有关部门"], ["各县（市、区）人民政府"]),
        ("二/5", [], []),  # a row opening another section takes nothing from the one above
    ]
    assert not any("工作任务" in t.text for t in doc.tasks)  # the header repeated (a page break) is no text
    # a row without a units cell of its own: the task cell ends at the space the page kept (row 3),
    # else nothing tells where (row 2's heading runs on into its requirement)
    assert (doc.tasks[2].heading, doc.tasks[2].content) == ("公开国有企业负责人薪酬情况",
                                                          "公开国有企业负责人薪酬情况。依法依规公开国有企业负责人年度薪酬情况。")
    assert doc.tasks[1].heading.startswith("依法依规公开国有企业生产经营情况按月公开")
    assert doc.tasks[3].heading == "完善政府公报工作机制"
    assert "2018年以市发改委、市工信局、市财政局、市卫计委、市商务局为试点单位" in doc.tasks[3].content
    assert doc.warnings == ["table rows without units that take those of the row above (a merged cell): 2"]


def test_html_task_table_with_cells_spanning_rows():
    """Units cells merged over rows (rowspan): row 2 lacked its 责任单位 and row 3 both unit cells;
    read into the wrong columns, row 2's requirement became its lead unit and row 3 had no task.
    Item 3 spans two rows, each with its own task and units."""
    doc = parse("html_task_table_rowspan.html")
    assert (doc.region, doc.plan_year, doc.doc_number, doc.published) == ("漳州市", 2019, "漳政办〔2019〕12号",
                                                                          "2019-04-02")
    counties = ["各县（市、区）人民政府"]
    assert rows(doc, "path", "heading", "lead_units", "cooperating_units") == [
        ("一/1", "做好国有产权交易信息公开", ["市国资委"], counties),
        ("一/2", "做好国有企业经营情况公开", ["市财政局"], counties),
        ("一/3/a", "推进财政预算公开", ["市财政局"], counties),  # 3 spans two rows: a task per row
        ("一/3/b", "推进财政决算公开", ["市审计局"], ["市直各部门"]),
        ("二/4", "做好政策解读", ["市政府办公室"], ["市直各部门"]),
    ]
    assert doc.tasks[1].content == "做好国有企业经营情况公开。按月公开国有及国有控股企业主要经济效益指标。"
    assert doc.warnings == []


def test_html_task_table_whose_cells_are_numbered():
    """工作任务 | 具体要求 | 责任单位 | 完成时限 without a 序号 column: the task cell is a numbered heading
    (二、…) merged over the rows of its numbered requirements (2. 3. 4.). Each row is a task under
    its heading, with its own units and the merged deadline; a units cell may say who leads."""
    doc = parse("html_task_table_numbered_cells.html")
    assert (doc.region, doc.plan_year, doc.is_plan) == ("新会区", 2023, True)
    website, policy = "做好政府网站专栏信息公开", "持续加强重大政策发布解读"
    assert rows(doc, "path", "heading", "lead_units", "cooperating_units", "deadline") == [
        ("一/1", "做好财政信息公开", ["区财政局"], [], "6月底前"),
        ("二/2", website, ["区政府办公室"], [], "持续推进"),
        ("二/3", website, ["区政务服务数据管理局"], [], "持续推进"),
        ("二/4", website, ["区政府办公室"], ["区直各单位"], "持续推进"),
        ("三/5", policy, ["区直各单位"], [], "持续推进"),
        ("三/6", policy, ["区直各单位"], [], "持续推进"),
    ]
    assert doc.tasks[2].content == f"{website}。及时反馈网民对调查征集信息的意见。"
    assert doc.warnings == []


def test_numbered_cells_scraped_between_pipes_with_the_merged_heading_left_out():
    """The same layout as a scraped page writes it: a row under a merged heading cell lacks that
    cell (its item starts the line) and its own units are its second cell, not the row above's."""
    text = ("江门市新会区2023年政务公开工作任务分工\n工作任务 | 具体要求 | 责任单位 |\n"
            "一、做好财政信息公开。 | 1.积极推进部门预算、决算公开。 | 区财政局 |\n"
            "二、做好政府网站专栏信息公开。 | 2.及时更新网站频道的各类概况信息。 | 区政府办公室 |\n"
            "3.及时反馈网民对调查征集信息的意见。 | 区政务服务数据管理局 | |\n"
            "4.及时更新政务新媒体信息。 | 区政府办公室牵头，区直各单位配合 | |\n")
    doc = parse_text(text, "xinhui.txt")
    website = "做好政府网站专栏信息公开"
    assert rows(doc, "path", "heading", "lead_units", "cooperating_units") == [
        ("一/1", "做好财政信息公开", ["区财政局"], []),
        ("二/2", website, ["区政府办公室"], []),
        ("二/3", website, ["区政务服务数据管理局"], []),
        ("二/4", website, ["区政府办公室"], ["区直各单位"]),
    ]
    assert not doc.is_partial


UNNUMBERED_ROWS = [
    ("行1", "推进政策公开", ["财政所", "便民服务中心"], [], "持续推进"),
    ("行2", "推进政策公开", ["便民服务中心"], [], "持续推进"),
    ("行3", "推进政策公开", ["民政办公室", "卫生院"], [], "持续推进"),
    ("行4", "强化权力配置信息公开", ["党政办公室"], [], "6月底前"),
    ("行5", "强化权力配置信息公开", ["综合行政执法办公室"], ["党政办公室"], "年底前"),
]


def test_task_table_without_numbers():
    """A township's table with neither 序号 nor numbered cells (工作任务 merged over its rows): no
    numbered item, so no task was read; each row after the header is a task now."""
    doc = parse("html_task_table_unnumbered.html")
    assert (doc.region, doc.parent, doc.level, doc.plan_year) == ("清江镇", "巴州区", "township", 2023)
    assert rows(doc, "path", "heading", "lead_units", "cooperating_units", "deadline") == UNNUMBERED_ROWS
    assert doc.tasks[3].content == "强化权力配置信息公开。动态更新本镇权责事项清单、公共服务清单。"
    assert "a task table without numbers: each of its rows read as a task (5)" in doc.warnings


def test_task_table_without_numbers_between_pipes():
    """The same table scraped as text, its cells between pipes, with a paragraph closed by its
    units above it: the paragraph is a task, and so is each row."""
    text = ("巴州区清江镇2023年政务公开工作要点\n为做好2023年政务公开工作，结合我镇实际，制定本要点。\n"
            "全面落实政务公开标准目录，及时更新事项清单。（责任部门：党政办公室）\n"
            "工作任务 | 具体内容 | 责任部门 | 完成时限 |\n"
            "推进政策公开 | 常态化公开就业、住房等领域信息。 | 财政所、便民服务中心 | 持续推进 |\n"
            "强化权力配置信息公开 | 动态更新本镇权责事项清单。 | 党政办公室 | 6月底前 |\n")
    doc = parse_text(text, "qingjiang.txt")
    assert rows(doc, "path", "heading", "lead_units", "deadline") == [
        ("2", "", ["党政办公室"], None),
        ("行1", "推进政策公开", ["财政所", "便民服务中心"], "持续推进"),
        ("行2", "强化权力配置信息公开", ["党政办公室"], "6月底前"),
    ]


def test_task_table_without_numbers_whose_rows_leave_a_merged_task_cell_out():
    """A department's table scraped between pipes: the rows under a task cell merged over them lack
    that cell (及时反馈… | 各科室), so their requirement was read as the task and their units as its
    requirement. Each takes the task cell of the row above and keeps its own units."""
    text = ("江门市某某中心2023年政务公开工作任务分工\n工作任务 | 具体要求 | 责任部门 |\n"
            "做好财政信息公开。 | 积极推进本中心预算、决算公开。 | 财务科 |\n"
            "做好政府网站专栏信息公开。 | 及时更新网站频道的概况信息。 | 办公室 |\n"
            "及时反馈网民对调查征集信息的意见。 | 各科室 | |\n"
            "及时更新微信公众号信息。 | 办公室牵头，各科室配合 | |\n"
            "切实增强回应关切效果。 | 密切关注舆情并及时作出回应。 | 各科室 |\n")
    doc = parse_text(text, "centre.txt")
    website = "做好政府网站专栏信息公开"
    assert rows(doc, "path", "heading", "lead_units", "cooperating_units") == [
        ("行1", "做好财政信息公开", ["财务科"], []),
        ("行2", website, ["办公室"], []),
        ("行3", website, ["各科室"], []),
        ("行4", website, ["办公室"], ["各科室"]),
        ("行5", "切实增强回应关切效果", ["各科室"], []),
    ]
    assert doc.tasks[2].content == "做好政府网站专栏信息公开。及时反馈网民对调查征集信息的意见。"


TASK_BEFORE_NUMBER = [
    ("1", "强化行政规范性文件公开", ["县司法局"], [], "年底前"),
    ("2", "强化行政规范性文件公开", ["县政府办公室"], [], "6月底前"),
    ("3", "深化政策解读", ["县司法局"], ["县直各单位"], "持续推进"),
    ("4", "规范依申请公开", ["县政府办公室"], [], "持续推进"),
]


def test_html_task_table_whose_task_column_comes_before_the_number():
    """工作任务 | 序号 | 具体要求 | 责任单位 | 完成时限, the task cell merged over its rows: each row's
    task cell was read as the end of the row above (its deadline and the next task became that row's
    lead unit: `年底前\n强化…`), so no task had its units, deadline or heading."""
    doc = parse("html_task_table_task_before_number.html")
    assert (doc.region, doc.plan_year, doc.issuer) == ("湘阴县", 2024, "湘阴县人民政府办公室")
    assert rows(doc, "path", "heading", "lead_units", "cooperating_units", "deadline") == TASK_BEFORE_NUMBER
    assert doc.tasks[0].content == "强化行政规范性文件公开。对行政规范性文件进行全面清理，公布现行有效文件目录。"
    assert doc.tasks[0].text.startswith("强化行政规范性文件公开对行政")  # its 序号 is no part of its text
    assert doc.warnings == []


def test_task_column_before_the_number_scraped_between_pipes():
    """The same layout as a scraped page writes it, the header naming no 序号 and a row under a merged
    task cell leaving that cell out (4 | 规范做好… | 办公室 | 持续推进): it takes the row above's."""
    text = ("某某县2024年政务公开工作要点\n为做好2024年政务公开工作，制定本要点。\n工作任务 | 具体要求 | 责任单位 | 时限要求 |\n"
            "强化规范性文件公开 | 1 | 全面清理行政规范性文件。 | 县司法局 | 年底前 |\n"
            "做好主动公开基础工作 | 2 | 规范发布法定主动公开内容。 | 县直各单位 | 持续推进 |\n"
            "3 | 规范编制发布政府信息公开工作年度报告。 | 县政府办公室 | 1月31日前 |\n"
            "规范办理依申请公开 | 4 | 依法依规办理政府信息公开申请。 | 县政府办公室 | 持续推进 |\n")
    doc = parse_text(text, "pipes.txt")
    assert rows(doc, "path", "heading", "lead_units", "deadline") == [
        ("1", "强化规范性文件公开", ["县司法局"], "年底前"),
        ("2", "做好主动公开基础工作", ["县直各单位"], "持续推进"),
        ("3", "做好主动公开基础工作", ["县政府办公室"], "1月31日前"),
        ("4", "规范办理依申请公开", ["县政府办公室"], "持续推进"),
    ]


def test_task_table_with_two_levels_of_tasks_and_a_leaders_column():
    """一级任务 | 二级任务 | 序号 | 具体措施 | 牵头单位 | 责任领导 | 完成时限: the header's unknown names gave
    no task column (no heading), and the leader's name would be a cell of the units' row."""
    text = ("某某县2024年政务公开工作要点\n为做好2024年政务公开工作，制定本要点。\n"
            "一级任务 | 二级任务 | 序号 | 具体措施 | 牵头单位 | 责任领导 | 完成时限 |\n"
            "深化重点领域公开 | 财政信息公开 | 1 | 公开政府预决算和部门预决算。 | 县财政局 | 王某某 | 年底前 |\n"
            "深化重点领域公开 | 财政信息公开 | 2 | 公开“三公”经费。 | 县财政局 | 王某某 | 年底前 |\n"
            "强化政策解读 | 政策文件解读 | 3 | 做好政策文件解读。 | 县司法局 | 李某某 | 持续推进 |\n")
    doc = parse_text(text, "levels.txt")
    assert rows(doc, "path", "heading", "lead_units", "cooperating_units", "deadline") == [
        ("1", "财政信息公开", ["县财政局"], [], "年底前"),
        ("2", "财政信息公开", ["县财政局"], [], "年底前"),
        ("3", "政策文件解读", ["县司法局"], [], "持续推进"),
    ]


def test_a_filled_remarks_cell_is_no_shift_of_the_row():
    """序号 | 工作任务 | 责任单位 | 完成时限 | 备注: a row whose 备注 says something (新增) has one cell
    more than the roles the header names, and was read shifted: heading 县财政局, lead 年底前."""
    text = ("某某县2024年政务公开工作要点\n为做好2024年政务公开工作，制定本要点。\n"
            "序号 | 工作任务 | 责任单位 | 完成时限 | 备注 |\n1 | 做好财政预决算公开。 | 县财政局 | 年底前 | 新增 |\n"
            "2 | 做好政策解读。 | 县司法局 | 持续推进 | |\n")
    doc = parse_text(text, "remarks.txt")
    assert rows(doc, "path", "heading", "lead_units", "deadline") == [
        ("1", "做好财政预决算公开", ["县财政局"], "年底前"), ("2", "做好政策解读", ["县司法局"], "持续推进")]


def test_html_task_table_with_a_header_of_two_rows():
    """责任单位 spanning 牵头单位 | 配合单位 above them: the two header rows were read as one, so the
    columns came out task, responsible, deadline, lead, cooperating and each row's deadline was its
    lead unit (年底前) and its cooperating unit its deadline."""
    doc = parse("html_task_table_two_row_header.html")
    assert rows(doc, "path", "heading", "lead_units", "cooperating_units", "deadline") == [
        ("1", "做好财政预决算公开", ["县财政局"], ["县直各部门"], "年底前"),
        ("2", "做好政策文件解读", ["县司法局"], ["县直各单位"], "持续推进"),
    ]


def test_html_task_table_whose_requirement_cells_list_numbered_items():
    """序号 | 工作任务 | 具体要求 | 牵头单位 | 完成时限, a requirement cell listing 1.公开政府预算。
    2.公开部门决算。: those numbers were taken for the plan's numbering, so rows ran into each other
    (the first task lost its units, the second took the third row's)."""
    doc = parse("html_task_table_numbered_requirements.html")
    assert rows(doc, "path", "heading", "lead_units", "deadline") == [
        ("1", "推进财政信息公开", ["县财政局"], "年底前"),
        ("2", "强化政策解读", ["县司法局"], "持续推进"),
        ("3", "规范依申请公开", ["县政府办公室"], "持续推进"),
    ]
    assert doc.tasks[0].content == "推进财政信息公开。1.公开政府预算。2.公开部门决算。"


def test_a_units_cell_with_labels():
    """责任单位 | 牵头单位：县财政局；配合单位：县审计局 (or 牵头：… on a line, 配合：… on the next): the
    labels were read as parts of the units' names, all of them leads."""
    text = ("某某县2024年政务公开工作要点\n为做好2024年政务公开工作，制定本要点。\n序号 | 工作任务 | 责任单位 | 完成时限 |\n"
            "1 | 做好财政预决算公开。 | 牵头单位：县财政局；配合单位：县审计局 | 年底前 |\n"
            "2 | 做好政策文件解读。 | 牵头：县司法局，配合：县直各单位 | 持续推进 |\n")
    doc = parse_text(text, "labelled.txt")
    assert rows(doc, "path", "lead_units", "cooperating_units", "deadline") == [
        ("1", ["县财政局"], ["县审计局"], "年底前"), ("2", ["县司法局"], ["县直各单位"], "持续推进")]


def test_a_task_table_whose_units_are_a_marker_in_the_content_cell():
    """序号 | 工作任务 | 工作内容 | 完成时限, the content closed by its marker (…。（责任单位：县财政局）):
    the table has no units column, so its tasks had no units."""
    text = ("某某县2024年政务公开工作要点\n为做好2024年政务公开工作，制定本要点。\n序号 | 工作任务 | 工作内容 | 完成时限 |\n"
            "1 | 做好财政预决算公开 | 及时公开政府预决算。（责任单位：县财政局） | 年底前 |\n"
            "2 | 做好政策文件解读 | 做好重要政策解读。（县司法局牵头，县直各单位配合） | 持续推进 |\n")
    doc = parse_text(text, "content-marker.txt")
    assert rows(doc, "path", "lead_units", "cooperating_units", "deadline") == [
        ("1", ["县财政局"], [], "年底前"), ("2", ["县司法局"], ["县直各单位"], "持续推进")]
    assert doc.tasks[0].content == "做好财政预决算公开。及时公开政府预决算。"


def test_a_units_cell_marking_the_unit_that_leads():
    """责任单位 | 县财政局（牵头）、县审计局: the marked unit leads and the others cooperate (both were
    leads, one of them named with its mark)."""
    text = ("某某县2024年政务公开工作要点\n为做好2024年政务公开工作，制定本要点。\n序号 | 工作任务 | 责任单位 | 完成时限 |\n"
            "1 | 做好财政预决算公开。 | 县财政局（牵头）、县审计局 | 年底前 |\n2 | 做好政策解读。 | 县司法局 | 持续推进 |\n")
    doc = parse_text(text, "tagged.txt")
    assert rows(doc, "path", "lead_units", "cooperating_units") == [("1", ["县财政局"], ["县审计局"]), ("2", ["县司法局"], [])]


def test_html_task_table_with_section_rows_numbered_in_the_number_column():
    """A section's row holds its numeral alone in the 序号 column (一 | 深化重点领域信息公开, spanning
    the rest): 一 without 、 was no marker, so the section row ran into the task above it (its lead
    unit became 持续推进 and 二, its deadline the section's name)."""
    doc = parse("html_task_table_section_rows.html")
    assert rows(doc, "path", "heading", "lead_units", "deadline") == [
        ("一/1", "做好财政预决算公开", ["县财政局"], "年底前"),
        ("一/2", "做好重大项目信息公开", ["县发改局"], "持续推进"),
        ("二/3", "做好政策文件解读", ["县司法局"], "持续推进"),
    ]


def test_a_plan_reposted_as_a_wechat_article():
    """A 公众号's repost: a headline, a byline (原创 湘阴发布 … 发表于湖南), and a footer (来源：…,
    编辑：… 审核：…, 阅读原文) that was read as a last task, which then flagged the plan truncated."""
    doc = parse("wechat_article.txt")
    assert (doc.region, doc.plan_year, doc.title, doc.published) == ("湘阴县", 2024, "湘阴县2024年政务公开工作要点", "2024-03-05")
    assert rows(doc, "path", "lead_units") == [("一/(一)", ["县财政局"]), ("一/(二)", ["县司法局"])]
    assert not doc.is_partial and doc.warnings == []


@pytest.mark.parametrize("footer", ["【我要纠错】", "【责任编辑：张三】", "（责任编辑：张三）", "打印本页 关闭窗口",
                                    "【打印此页】 【关闭窗口】", "分享：", "相关稿件", "视力保护色：", "发布者：县政府办",
                                    "上一条：关于印发…的通知", "主办：湘阴县人民政府办公室", "政策解读：", "编辑：李某 审核：王某"])
def test_a_portals_footer_after_the_last_task_is_furniture(footer):
    """Lines a portal puts under a plan were read into its last task's text."""
    text = ("湘阴县2024年政务公开工作要点\n一、加大主动公开力度\n（一）做好财政信息公开。及时公开政府预决算信息。（责任单位：县财政局）\n"
            f"（二）强化政策解读。做好重要政策文件解读。（责任单位：县司法局）\n{footer}\n")
    doc = parse_text(text, "footer.txt")
    assert [t.text for t in doc.tasks][-1] == "强化政策解读。做好重要政策文件解读。（责任单位：县司法局）"
    assert not doc.is_partial


def test_an_items_labels_before_its_labelled_content():
    """（一）推进财政信息公开 / 牵头单位：… / 配合单位：… / 完成时限：… / 工作内容：…: the labels closed a
    first task (the heading alone) and the content became a second task without units."""
    text = ("湘阴县2024年政务公开工作要点\n一、加大主动公开力度\n（一）推进财政信息公开\n牵头单位：县财政局\n"
            "配合单位：县直各部门\n完成时限：2024年12月底前\n工作内容：及时公开政府预决算和部门预决算。\n"
            "（二）强化政策解读\n牵头单位：县司法局\n完成时限：持续推进\n工作内容：做好重要政策文件解读。\n")
    doc = parse_text(text, "labels.txt")
    assert rows(doc, "path", "heading", "lead_units", "cooperating_units", "deadline") == [
        ("一/(一)", "推进财政信息公开", ["县财政局"], ["县直各部门"], "2024年12月底前"),
        ("一/(二)", "强化政策解读", ["县司法局"], [], "持续推进"),
    ]
    assert doc.tasks[0].content == "推进财政信息公开。及时公开政府预决算和部门预决算。"


def _one_cell_per_line(*cells: str) -> str:
    return "".join(f"{cell}\n|\n" for cell in cells)


def test_task_table_written_one_cell_per_line_between_pipe_lines():
    """A text extractor writes a page's table cell by cell, each followed by a line holding | alone
    (工作任务 | 具体要求 | 责任单位 | 时限要求 over rows task | 序号 | 要求 | 单位 | 时限, a row under a
    merged task cell leaving it out): no row ends, so no task at all was read."""
    text = ("某某县2024年政务公开工作要点\n为做好2024年政务公开工作，制定本要点。\n"
            + _one_cell_per_line("工作任务", "具体要求", "责任单位", "时限要求",
                                 "强化规范性文件公开", "1", "全面清理行政规范性文件。", "县司法局", "年底前",
                                 "做好主动公开基础工作", "2", "规范发布法定主动公开内容。", "县直各单位", "持续推进",
                                 "3", "规范编制发布政府信息公开工作年度报告。", "县政府办公室", "1月31日前",
                                 "规范办理依申请公开", "4", "依法依规办理政府信息公开申请。", "县政府办公室", "持续推进"))
    doc = parse_text(text, "cells.txt")
    assert rows(doc, "path", "heading", "lead_units", "deadline") == [
        ("1", "强化规范性文件公开", ["县司法局"], "年底前"),
        ("2", "做好主动公开基础工作", ["县直各单位"], "持续推进"),
        ("3", "做好主动公开基础工作", ["县政府办公室"], "1月31日前"),
        ("4", "规范办理依申请公开", ["县政府办公室"], "持续推进"),
    ]
    assert "rebuilt 4 task-table rows from cells written one per line between | lines" in doc.warnings


def test_cells_between_pipe_lines_that_read_as_no_table_are_left_as_they_were():
    """Without a header of column names, or without 序号 running 1, 2, … through the cells, nothing is rebuilt."""
    from analysis.ingest import layout
    from analysis.ingest.patterns import load_patterns

    for cells in (("甲", "乙", "丙", "1", "丁", "2", "戊"),
                  ("工作任务", "具体要求", "责任单位", "做好公开。", "公开预算。", "县财政局")):
        text = "前言\n" + _one_cell_per_line(*cells) + "结尾"
        assert layout.join_pipe_cells(text, load_patterns()) == (text, 0)


def test_word_exported_html_task_table():
    """Word's HTML (a <p> in every cell, indented source): no numbered item was found."""
    doc = parse("html_task_table_word.html")
    assert (doc.region, doc.parent, doc.plan_year, doc.issuer, doc.published) == ("沙县", "三明市", 2020,
                                                                                 "沙县人民政府办公室", "2020-05-08")
    assert rows(doc, "path", "heading", "lead_units", "cooperating_units") == [
        ("1", "加强政策解读", ["县政府办"], ["县直各单位", "各乡镇人民政府"]),
        ("2", "推进财政预决算公开", ["县财政局"], ["县直各部门"]),
    ]
    assert doc.tasks[1].content == "推进财政预决算公开。全面公开政府预决算和部门预决算，细化到功能分类项级科目。"
    assert doc.warnings == []


def test_annex_responsibility_table_rows_link_to_the_tasks_they_restate():
    doc = parse("annex_table.txt")
    assert rows(doc, "path", "annex_rows") == [("一/(一)", [2]), ("一/(二)", [1, 3]), ("二/(三)", [4])]
    assert [(r["row"], r["task_path"], r["units"]) for r in doc.annex] == [
        (1, "一/(二)", ["市财政局", "各县(市、区)政府"]),
        (2, "一/(一)", ["市政府办公室", "市级有关单位"]),
        (3, "一/(二)", ["市财政局"]),
        (4, "二/(三)", ["市级各有关单位"]),
    ]
    assert not any("annex" in w for w in doc.warnings)
    assert not any("分工表" in t.text for t in doc.tasks)  # the annex is not part of the last task


def test_a_notice_title_broken_across_a_blank_line():
    """A news page's headline above the notice, whose title the page breaks with a blank line between
    its halves: the plan's own title, its 文号 and no citation of itself (the headline was the
    title, the 文号 a citation)."""
    text = ("首页 > 实时讯息 >\n\n山东公布2025年政务公开工作要点\n\n2025-04-24 18:11:00\n\n山东省人民政府办公厅\n\n"
            "关于印发《2025年山东省政务公开\n\n工作要点》的通知\n\n鲁政办发〔2025〕5号\n\n各市人民政府，省政府各部门：\n\n"
            "《2025年山东省政务公开工作要点》已经省政府同意，现印发给你们，请认真贯彻执行。\n\n山东省人民政府办公厅\n\n"
            "2025年4月23日\n\n2025年山东省政务公开工作要点\n\n一、坚持标准引领\n\n（一）全面优化主动公开机制。持续完善主动公开"
            "事项目录。\n\n（二）深化政策文件公开。做好行政规范性文件集中公开工作。\n")
    doc = parse_text(text, "shandong.txt")
    assert (doc.title, doc.doc_number, doc.published) == ("2025年山东省政务公开工作要点", "鲁政办发〔2025〕5号", "2025-04-23")
    assert doc.notice_title == "关于印发《2025年山东省政务公开工作要点》的通知"
    assert doc.citations == [] and len(doc.tasks) == 2


def test_a_page_headed_with_its_notices_title_in_brackets_does_not_cite_itself():
    """京政办发〔2016〕26号《北京市人民政府办公厅关于印发〈…〉的通知》 heads the page: the notice is the
    plan's own, no citation (the documents its text names are)."""
    text = ("京政办发〔2016〕26号《北京市人民政府办公厅关于印发〈北京市2016年政务公开工作要点〉的通知》\n"
            "《北京市人民政府办公厅关于印发〈北京市2016年政务公开工作要点〉的通知》\n京政办发〔2016〕26号\n"
            "各区人民政府，市政府各委、办、局：\n《北京市2016年政务公开工作要点》已经市政府同意，现印发给你们。\n"
            "北京市人民政府办公厅\n2016年5月28日\n今年政务公开工作的总体要求是：深入贯彻《国务院办公厅关于印发2016年"
            "政务公开工作要点的通知》（国办发〔2016〕19号）精神。\n一、围绕深化改革推进公开\n（一）推进行政审批公开。"
            "全面公开行政审批事项。（责任单位：市审改办）\n")
    doc = parse_text(text, "beijing.txt")
    assert (doc.title, doc.doc_number) == ("北京市2016年政务公开工作要点", "京政办发〔2016〕26号")
    assert [c["doc_number"] for c in doc.citations] == ["国办发〔2016〕19号"]


def test_a_news_headline_over_a_plan_without_its_notice_is_no_title():
    """The same page without the notice: the headline (山东公布…) names the plan too, but the plan's
    own title line is the title, and the 文号 standing alone a few blank-separated lines down is its."""
    text = ("山东公布2025年政务公开工作要点\n\n2025-04-24 18:11:00\n\n山东省人民政府办公厅\n\n\n\n鲁政办发〔2025〕5号\n\n"
            "各市人民政府，省政府各部门：\n\n《2025年山东省政务公开工作要点》已经省政府同意，现印发给你们。\n\n"
            "山东省人民政府办公厅\n\n2025年4月23日\n\n2025年山东省政务公开工作要点\n\n一、坚持标准引领\n\n"
            "（一）全面优化主动公开机制。持续完善主动公开事项目录。\n\n（二）深化政策文件公开。做好集中公开工作。\n")
    doc = parse_text(text, "shandong.txt")
    assert (doc.title, doc.doc_number) == ("2025年山东省政务公开工作要点", "鲁政办发〔2025〕5号")
    assert doc.citations == []


def test_a_notice_of_a_party_and_a_government_office_without_guan_yu():
    """中共…委办公室…人民政府办公室印发《…》的通知(文号): no 关于, two offices run together, the 文号 in
    brackets after the title. The notice is read (its 文号 is the plan's, not a citation), the
    government's office issues it, and the text before 岳阳市人民政府 names no region of its own."""
    text = ("中共岳阳市委办公室岳阳市人民政府办公室印发《关于全面推进政务公开工作的实施意见》的通知(岳办发〔2017〕2号)\n\n"
            "各县市区委、人民政府，市直各单位：\n\n《关于全面推进政务公开工作的实施意见》已经市委、市人民政府同意，"
            "现印发给你们。\n\n中共岳阳市委办公室\n\n岳阳市人民政府办公室\n\n2017年1月10日\n\n"
            "关于全面推进政务公开工作的实施意见\n\n根据《关于全面推进政务公开工作的意见》（中办发〔2016〕8号）要求，"
            "提出如下实施意见。\n\n一、推进行政权力公开\n\n（一）推进决策公开。实行重大决策预公开制度。"
            "（责任单位：市政府办公室）\n")
    doc = parse_text(text, "yueyang.txt")
    assert (doc.region, doc.level, doc.region_in_table) == ("岳阳市", "city", True)
    assert (doc.doc_number, doc.issuer, doc.title) == ("岳办发〔2017〕2号", "岳阳市人民政府办公室",
                                                       "关于全面推进政务公开工作的实施意见")
    assert doc.notice_title.endswith("印发《关于全面推进政务公开工作的实施意见》的通知")
    assert [c["doc_number"] for c in doc.citations] == ["中办发〔2016〕8号"]  # not its own
    # no year in its title: its own 文号 dates it, not the latest document it cites (中办发〔2016〕8号)
    assert (doc.plan_year, doc.plan_year_evidence) == (2017, "inferred: its own 文号 岳办发〔2017〕2号")


def test_items_numbered_before_a_year_and_a_portal_footer_after_a_list_of_phrases():
    """`2.2011年底前建立…` is item 2 (the year follows its number), not a decimal run into item 1;
    the portal's footer lines (`建议使用…分辨率…浏览器`, `网站监督举报热线：…`) are no text of the last
    item, and a last item that is a phrase like its siblings (`3. 强化监督考核`) is no sign of truncation."""
    doc = parse("portal_footer_year_items.txt")
    assert rows(doc, "path", "deadline")[:3] == [("二/(一)/1", "2020年11月底前"), ("二/(一)/2", "2011年底前"),
                                                  ("二/(一)/3", "11月前")]
    assert [t.path for t in doc.tasks if t.path.startswith("三")] == ["三/1", "三/2", "三/3"]
    assert doc.tasks[-1].text == "强化监督考核" and not doc.is_partial


# ---------------------------------------------------------------- character damage
def test_mirror_page_pinyin_glosses_and_spam_are_removed():
    doc = parse("mirror_spam_pinyin.txt")
    assert "removed 5 pinyin glosses" in doc.warnings and "removed 2 spam insertions" in doc.warnings
    assert (doc.region, doc.title, doc.doc_number) == ("定陶区", "2017年定陶区政务公开工作要点", "菏定政办发〔2017〕26号")
    assert doc.notice_title == "关于印发2017年定陶区政务公开工作要点的通知"  # set on two lines
    assert doc.tasks[0].text == ("加强预期引导。紧密结合我区经济社会发展形势,及时宣传解读财政政策、金融政策和就业创业政策。"
                                 "(区财政局牵头落实)")
    for t in doc.tasks:
        assert not re.search(r"[A-Za-zāáǎàēéěèīíǐìōóǒòūúǔù]", t.text), t.text


def test_a_mirror_task_table_with_its_city_replaced_by_a_spam_chain():
    """A hacked mirror puts a chain of spam words (365bet…_beat365…) where the city's name stood in
    the title; the table nests 一、 and （一） cells before each row's 序号 (merged, so only the first
    row has them): the title is read without the spam, the city from the rest of the page (not
    `功能区`, named in a units cell), and each row is a task under its headings with its units."""
    doc = parse("mirror_spam_task_table.txt")
    assert (doc.title, doc.region, doc.plan_year) == ("2022年政务公开任务分解责任清单", "荆州市", 2022)
    assert "removed 2 spam insertions" in doc.warnings
    heading, every = "加强涉及市场主体的信息公开", ["市政府各有关部门", "各县市区人民政府", "功能区管委会"]
    assert rows(doc, "path", "heading", "lead_units", "cooperating_units", "deadline") == [
        ("一/(一)/1", heading, every, [], "持续推进"),
        ("一/(一)/2", heading, every, [], "持续推进"),
        ("一/(一)/3", heading, ["市发展改革委"], ["市住建局", "政府各有关部门"], "持续推进"),
    ]
    assert doc.tasks[0].content.startswith(heading + "。进一步增强政策文件制定实施的透明度")


def test_spam_removal_keeps_the_characters_after_the_spam_word():
    doc = parse_text("2017年某区政务公开工作要点\n一、加强公开\n(一)推进项目公开。定期发布项目进展信息,"
                     "澳门官网娱乐做好项目批准和实施领域信息公开。(区发展改革局牵头落实)\n")
    assert "信息,做好项目批准" in doc.tasks[0].text


def test_traditional_characters_give_the_same_plan_as_simplified():
    simplified, traditional = parse("plan_simplified.txt"), parse("plan_traditional.txt")
    assert "converted from traditional to simplified characters" in traditional.warnings
    assert {k: getattr(traditional, k) for k in META} == {k: getattr(simplified, k) for k in META}
    attrs = ("path", "heading", "text", "lead_units", "cooperating_units", "deadline")
    assert rows(traditional, *attrs) == rows(simplified, *attrs)
    assert len(simplified.tasks) == 5


def test_radicals_a_pdf_font_put_for_ideographs_give_the_same_plan():
    """⼀、⼯作、⼈⺠政府: code points of radicals that look like the ideographs and are no words."""
    import unicodedata

    text = (LAYOUTS / "plan_simplified.txt").read_text(encoding="utf-8")
    radical = {unicodedata.normalize("NFKC", chr(cp)): chr(cp) for cp in range(0x2F00, 0x2FD6)} | {"民": "⺠", "长": "⻓"}
    damaged = text.translate(str.maketrans(radical))
    assert sum(a != b for a, b in zip(text, damaged)) > 30  # 一、 二、 工作 人民 …
    clean, read = parse_text(text, "plan.txt"), parse_text(damaged, "plan.txt")
    assert any(w.startswith("replaced") and "radical" in w for w in read.warnings)
    assert {k: getattr(read, k) for k in META} == {k: getattr(clean, k) for k in META}
    attrs = ("path", "heading", "text", "content", "lead_units", "cooperating_units", "deadline")
    assert rows(read, *attrs) == rows(clean, *attrs) and len(clean.tasks) == 5


ACTION_PLAN = """各县（区）人民政府，市政府直属各单位：
{notice}
湖州市人民政府办公室
{date}
{title}
为深入推进政务公开工作，结合我市实际，制定本实施方案。
一、主要任务
（一）夯实主动公开基础。建立市县乡三级政务公开事项标准体系。（市府办〔市大数据局〕牵头，各县〔区〕政府按职责分工负责）
（二）加强政策解读回应。2022年底前建立政策解读专家库。（市委宣传部牵头，市政府各部门配合）
"""


@pytest.mark.parametrize(("title", "date", "year", "evidence", "span"), [
    # a title broken inside the title it cites; a plan for several years: the year it was issued
    ("湖州市贯彻《浙江省政务公开\n五年行动计划（2021—2025年）》实施方案", "2022年7月8日", 2022, "title: 2021–2025, the year issued",
     "2021–2025"),
    ("湖州市贯彻《浙江省政务公开\n五年行动计划（2021-2025年）》实施方案", "", 2021, "title: 2021–2025", "2021–2025"),  # or its first
    ("湖州市落实《政务公开五年规划（2016—2020年）》\n2018年工作要点", "2018年3月1日", 2018, "title", None),  # its own year
])
def test_a_plan_for_several_years_and_a_title_broken_inside_a_cited_title(title, date, year, evidence, span):
    doc = parse_text(ACTION_PLAN.format(notice="《实施方案》已经市政府同意，现印发给你们。", date=date, title=title), "p.txt")
    assert doc.title == title.replace("\n", "")
    assert (doc.region, doc.province, doc.plan_year, doc.plan_year_evidence) == ("湖州市", "浙江省", year, evidence)
    assert doc.plan_span == span
    assert rows(doc, "path", "lead_units", "cooperating_units", "deadline") == [
        ("一/(一)", ["市府办〔市大数据局〕"], ["各县〔区〕政府"], None),
        ("一/(二)", ["市委宣传部"], ["市政府各部门"], "2022年底前")]


def test_a_plan_cites_neither_its_own_title_nor_its_own_number():
    """The notice names the plan it issues (《2021年冠县政务公开工作要点》已经县政府同意) and gives its 文号:
    neither is a document the plan cites; the provincial and city plans it implements are."""
    text = (LAYOUTS / "meta_label_then_value.txt").read_text(encoding="utf-8").replace(
        "一、优化", "根据《山东省人民政府办公厅关于印发2021年山东省政务公开工作要点的通知》（鲁政办发〔2021〕5号），制定本要点。\n一、优化")
    doc = parse_text(text, "guan.txt")
    assert (doc.title, doc.doc_number) == ("2021年冠县政务公开工作要点", "冠政办发〔2021〕9号")
    assert [(c["title"], c["doc_number"]) for c in doc.citations] == [
        ("山东省人民政府办公厅关于印发2021年山东省政务公开工作要点的通知", "鲁政办发〔2021〕5号")]


# ---------------------------------------------------------------- document kinds
def test_notice_carrying_two_plans_takes_the_disclosure_plan_only():
    doc = parse("two_plans_notice.txt")
    assert doc.title == "湖南省2022年政务公开工作要点"
    assert doc.notice_title.startswith("湖南省人民政府办公厅关于印发《湖南省2022年政务管理服务工作要点》和")
    assert (doc.doc_number, doc.published, doc.plan_year) == ("湘政办发〔2022〕16号", "2022-04-12", 2022)
    assert rows(doc, "path", "heading", "lead_units", "cooperating_units") == [
        ("一/(一)", "做好政策文件解读", ["省政府办公厅"], ["省直各单位"]),
        ("一/(二)", "做好舆情回应", ["省委网信办"], ["省直各单位"]),
    ]


def test_annual_report_is_not_a_plan():
    """It is read as a report, and its heading line is its title (no plan title's pattern finds a
    report's, so the documents table and the report named it by its file only), whose year is the
    year it reports on (not that of its posting)."""
    doc = parse("annual_report.txt")
    assert doc.is_plan is False
    assert any(w.startswith("not a plan") for w in doc.warnings)
    assert (doc.title, doc.plan_year, doc.plan_year_evidence) == ("广州市海珠区2021年政府信息公开工作年度报告", 2021, "title")
    assert "plan year taken from the publication date" not in doc.warnings  # 2022, when it was posted


# ---------------------------------------------------------------- numbering
def test_numbering_continues_across_sections():
    doc = parse("continuous_numbering.txt")
    numerals = "一 二 三 四 五 六 七 八 九 十 十一 十二 十三 十四 十五 十六 十七 十八 十九 二十".split()
    sections = "一 二 三 四 五".split()
    assert [t.path for t in doc.tasks] == [f"{sections[k // 4]}/({n})" for k, n in enumerate(numerals)]
    assert not any("skip" in w for w in doc.warnings)


def test_numbering_that_skips_a_level():
    doc = parse("plan_simplified.txt")  # 一、 followed directly by 1., numbered on across sections
    assert [t.path for t in doc.tasks] == ["一/1", "一/2", "二/3", "二/4", "三/5"]
    assert doc.tasks[3].lead_units == ["市人力资源社会保障局", "市教委", "市卫生健康委", "市民政局"]


OUTLINE = """2023年某县政务公开工作要点
一、加强政策解读
{a}做好政策文件解读。坚持同步部署。（责任单位：县政府办公室）
{b}做好舆情回应。及时回应社会关切。（责任单位：县委网信办）
二、夯实公开基础
{c}加强网站管理。确保信息准确。（责任单位：县政府办公室）
"""


@pytest.mark.parametrize(("left", "right"), [("（", "）"), ("(", ")"), ("（", ")"), ("( ", " )"), ("（", "）、"),
                                             ("(", ")．")],
                         ids=["full", "half", "mixed", "spaced", "comma-after", "stop-after"])
def test_full_and_half_width_brackets_give_the_same_outline(left, right):
    """（一）、 and (一)． too: the mark after the bracket is the marker's, not the heading's."""
    text = OUTLINE.format(**{k: f"{left}{n}{right}" for k, n in zip("abc", "一二三", strict=True)})
    doc = parse_text(text)
    assert [t.path for t in doc.tasks] == ["一/(一)", "一/(二)", "二/(三)"]
    assert [t.heading for t in doc.tasks] == ["做好政策文件解读", "做好舆情回应", "加强网站管理"]


def test_paragraphs_closed_by_their_own_markers_split_into_a_b():
    doc = parse("split_markers.txt")
    assert rows(doc, "path", "lead_units") == [
        ("一/(一)/a", ["县发改局"]), ("一/(一)/b", ["县财政局"]),
        ("一/(二)/a", ["县发改局", "县建设局", "县政务办"]), ("一/(二)/b", ["县市场监管局"]),
        ("一/(三)", ["县政府办公室"]),
    ]
    first, second = doc.tasks[0], doc.tasks[1]
    assert first.text.endswith("及时公开典型案例和标志性成果。(牵头单位:县发改局)")
    assert second.text == "常态化推进十大民生实事项目预算信息应公开尽公开。(牵头单位:县财政局)"
    assert second.content == "常态化推进十大民生实事项目预算信息应公开尽公开。"


# ---------------------------------------------------------------- units on lines of their own
def test_unit_lines_a_first_leads_note_and_a_chinese_numeral_signature():
    """'责任单位：…' and '完成时限：…' on lines of their own, a closing 注 saying the first unit listed
    leads, and the signature dated in Chinese numerals."""
    doc = parse("unit_lines_first_leads.txt")
    assert rows(doc, "path", "lead_units", "cooperating_units", "deadline") == [
        ("一/(一)", ["市政府办公室"], ["市司法局"], "2021年6月底前"),
        ("一/(二)", ["市政府办公室"], ["市直各部门"], "持续推进"),  # a lead label: the note changes nothing
        ("二/(三)", ["市财政局"], ["各县（市、区）人民政府", "市直各部门"], "2021年12月底前"),
    ]
    assert [t.content for t in doc.tasks][2] == "做好财政预决算公开。按规定公开部门预算和决算，细化到功能分类项级科目。"
    assert (doc.issuer, doc.published) == ("鹰潭市人民政府办公室", "2021-04-15")  # signed, not posted
    assert any("first unit listed leads" in w for w in doc.warnings)
    # without the note every unit listed is responsible, none cooperates
    text = (LAYOUTS / "unit_lines_first_leads.txt").read_text(encoding="utf-8")
    plain = parse_text(text.replace("注：责任单位有多个的，排在第一位的为牵头单位。\n", ""), "plain.txt")
    assert rows(plain, "lead_units", "cooperating_units")[0] == (["市政府办公室", "市司法局"], [])
    assert not any("first unit listed leads" in w for w in plain.warnings)



def test_a_section_headings_marker_is_its_tasks():
    """一、推进决策公开（牵头单位：…）: a heading's marker goes to its tasks without one of their own,
    the heading is no task; a section opening with sentences and a marker stays a task."""
    doc = parse("section_markers.txt")
    assert rows(doc, "path", "lead_units", "deadline") == [
        ("一/1", ["市政府办公室"], "持续推进"), ("一/2", ["市委宣传部"], None),
        ("二/3", ["市财政局"], None), ("二/4", ["市发改委"], None),
        ("三", ["市大数据局"], None), ("三/5", [], None),
    ]
    assert "tasks without a marker of their own that take their section heading's units: 1" in doc.warnings


def test_unit_lines_without_label_or_brackets_close_the_paragraph_above():
    """A flattened 主要内容 | 责任单位 table: each paragraph is closed by a line of units and their
    verb ('市人社局牵头落实'); a sentence ending in a verb is no such line."""
    doc = parse("unit_verb_lines.txt")
    assert rows(doc, "path", "lead_units", "cooperating_units") == [
        ("一/(一)/a", ["市发改委"], []), ("一/(一)/b", ["市人社局"], []),
        ("一/(一)/c", ["市金融办", "人民银行某市中心支行", "某市银保监分局"], []),
        ("一/(二)", ["市发改委"], ["各县市区政府"]), ("二", [], []),  # 各地各部门要…组织实施: no unit
    ]
    second = doc.tasks[1]
    assert second.text == "加强就业创业政策信息公开，深入解读政策背景、目标任务和落实情况。市人社局牵头落实"
    assert second.content == "加强就业创业政策信息公开，深入解读政策背景、目标任务和落实情况。"
    # with no numbering at all, each paragraph that a unit line closes is a task
    text = (LAYOUTS / "unit_verb_lines.txt").read_text(encoding="utf-8")
    bare = parse_text(re.sub(r"(?m)^(?:[一二]、|（[一二]）).*\n", "", text), "bare.txt")
    assert "no numbered items found" in bare.warnings
    assert [(t.content[:8], t.lead_units) for t in bare.tasks] == [
        ("围绕全市经济运行", ["市发改委"]), ("加强就业创业政策", ["市人社局"]),
        ("加强金融政策信息", ["市金融办", "人民银行某市中心支行", "某市银保监分局"]), ("公开重大建设项目", ["市发改委"]),
    ]


def test_unit_lines_of_offices_alone_close_the_paragraph_above():
    """A flattened 主要内容 | 责任单位 table whose units cell has no verb ('市人社局、市财政局' on the
    line under its paragraph), and offices alone in brackets closing an item: each is the units
    of the text it closes, and the last one does not make the plan look cut off."""
    doc = parse("unit_lines_bare.txt")
    assert rows(doc, "path", "lead_units", "cooperating_units") == [
        ("一/(一)/a", ["市发改委"], []), ("一/(一)/b", ["市人社局", "市财政局"], []),
        ("一/(二)", ["市发改委", "各县（市、区）人民政府"], []),
        ("二/(三)", ["市政府办公室"], []), ("二/(四)", ["市委网信办", "市政府办公室"], []),
        ("二/(五)", ["市政务服务中心"], []),
    ]
    assert doc.tasks[1].content == "加强就业创业政策信息公开，深入解读政策背景。"
    assert doc.tasks[4].content.endswith("开展常态化监测。") and "网信办" not in doc.tasks[4].content
    assert not doc.is_partial and not any("truncated" in w for w in doc.warnings)


@pytest.mark.parametrize(("last_line", "lead"), [
    ("新余市人民政府办公室", []),  # the signature, its date left off by the page
    ("市政府办公室", ["市政府办公室"]),  # no place named first: the item's units
])
def test_a_signature_without_its_date_does_not_make_the_plan_look_cut_off(last_line, lead):
    text = ("新余市人民政府办公室关于印发2023年新余市政务公开工作要点的通知\n各县（区）人民政府，市政府各部门：\n"
            "2023年新余市政务公开工作要点\n一、加强政策解读\n1.做好政策解读。政策文件与解读材料同步发布。\n"
            "（市政府办公室负责）\n2.规范政务新媒体管理。开展常态化监测。\n" + last_line + "\n")
    doc = parse_text(text, "xinyu.txt")
    assert not doc.is_partial and not any("truncated" in w for w in doc.warnings)
    assert doc.tasks[-1].lead_units == lead and "新余" not in doc.tasks[-1].text


def test_task_table_with_a_departments_column_names():
    """A department's plan: 重点任务 | 工作内容 | 责任科室 | 时限要求 between pipes (the column names
    are data, ingest_patterns.yaml task_table_columns)."""
    doc = parse("department_task_table.txt")
    assert (doc.region, doc.province, doc.plan_year) == ("宁远县", "湖南省", 2022)
    assert rows(doc, "path", "layout", "heading", "lead_units", "deadline") == [
        ("1", "table", "规范性文件公开", ["办公室"], "6月底前"),
        ("2", "table", "政策解读", ["各业务科室"], "持续推进"),
        ("3", "table", "年度报告", ["办公室", "法规科"], "1月31日前"),
    ]
    assert doc.tasks[1].content == "政策解读。做好政策文件解读，丰富解读形式。"


@pytest.mark.parametrize("name, department", [("department_task_table.txt", "交通运输局"),
                                              ("department_items_then_table.txt", "住房和城乡建设局")])
def test_a_departments_own_plan_is_no_governments_plan(name, department):
    """A county bureau's plan (its name in the title before the year): filed under its county, its
    tasks read, but no government's plan, so no measure counts it as the county's."""
    doc = parse(name)
    assert (doc.department, doc.is_plan) == (department, False)
    assert f"not a government's plan: the plan of a department, {department}" in doc.warnings
    assert doc.region and doc.tasks


DEPARTMENT_NOTICE = """{issuer}关于印发{title}的通知
局机关各科室：
现将《{title}》印发给你们，请认真贯彻落实。
{issuer}
2023年3月2日
{title}
一、加强政策解读。做好本局政策文件解读工作。（责任科室：办公室，持续推进）
二、做好依申请公开。依法办理政府信息公开申请。（责任科室：法规科，持续推进）
"""


@pytest.mark.parametrize("issuer, title, department", [
    ("宣汉县教育局", "2023年政务公开工作要点", "教育局"),  # the title names no one: the issuer's plan
    ("宣汉县卫生健康委员会", "宣汉县卫生健康委员会2023年政务公开工作要点", "卫生健康委员会"),
    ("宣汉县教育局", "2023年宣汉县教育局政务公开工作要点", "教育局"),  # the year first
    ("宣汉县政务服务管理局", "宣汉县2023年政务公开工作要点", None),  # a bureau issuing the county's plan
    ("宣汉县政务服务管理局", "2023年全县政务公开工作要点", None),
    ("宣汉县教育局", "全县教育系统2023年政务公开工作要点", "教育局"),  # a sector, not the whole county
    ("宣汉县人民政府办公室", "2023年政务公开工作要点", None),
    ("宣汉县政务公开办", "宣汉县政务公开办2023年政务公开工作要点", None),
])
def test_a_department_is_told_from_the_office_issuing_a_governments_plan(issuer, title, department):
    doc = parse_text(DEPARTMENT_NOTICE.format(issuer=issuer, title=title), "plan.txt")
    assert (doc.region, doc.plan_year) == ("宣汉县", 2023)
    assert (doc.department, doc.is_plan) == (department, department is None)
    assert len(doc.tasks) == 2


OTHER_PLAN = """盘锦市大洼区人民政府办公室关于印发{what}的通知
各镇（街道）人民政府（办事处），区政府各部门：
现将{what}印发给你们，请认真抓好落实。
盘锦市大洼区人民政府办公室
2021年1月25日
一、加强统筹调度。各牵头单位细化分解任务。（责任单位：区政府办公室）
二、强化督查考核。适时开展督查督办。（责任单位：区政府督查室）
"""


@pytest.mark.parametrize("what, is_plan, title", [
    ("《政府工作报告》任务分解表", False, "《政府工作报告》任务分解表"),
    ("《2021年大洼区重点项目建设工作计划》", False, "2021年大洼区重点项目建设工作计划"),
    ("《2021年大洼区政务公开工作计划》", True, "2021年大洼区政务公开工作计划"),
])
def test_a_plan_of_other_work_is_no_disclosure_plan(what, is_plan, title):
    """A government's task breakdown of its work report, or of its key projects, is laid out like a
    disclosure plan but is none: its title names no disclosure work, so no measure counts it."""
    doc = parse_text(OTHER_PLAN.format(what=what), "dawa.txt")
    assert (doc.title, doc.is_plan, len(doc.tasks)) == (title, is_plan, 2)
    reason = "not a disclosure plan: its title names no disclosure work (政务公开, 信息公开 …)"
    assert (reason in doc.warnings) is not is_plan


def test_a_plan_exported_from_a_law_database():
    """北大法宝's export heads the notice with bracketed labels, 【发文字号】 among them: the 文号 was
    lost (no colon after the label), and with it the plan's own number."""
    text = ("菏泽市人民政府办公室关于印发2018年菏泽市政务公开工作要点的通知\n【发布部门】菏泽市人民政府办公室\n"
            "【发文字号】菏政办字〔2018〕52号\n【发布日期】2018.07.16\n【时效性】现行有效\n"
            "各县区人民政府，市政府各部门：\n现将《2018年菏泽市政务公开工作要点》印发给你们，请认真贯彻落实。\n"
            "2018年菏泽市政务公开工作要点\n一、推进重点领域信息公开\n"
            "（一）推进财政信息公开。及时公开政府预决算。（市财政局牵头）\n")
    doc = parse_text(text, "heze.txt")
    assert (doc.doc_number, doc.issuer, doc.published) == ("菏政办字〔2018〕52号", "菏泽市人民政府办公室", "2018-07-16")
    assert (doc.region, doc.plan_year, doc.title) == ("菏泽市", 2018, "2018年菏泽市政务公开工作要点")
    assert rows(doc, "path", "lead_units") == [("一/(一)", ["市财政局"])]


OTHER_GENRE = """首页 > 政府信息公开 > 信息浏览
索引号: 003129766/201901-00336 组配分类: 规范性文件发布
发布机构: 太湖县人民政府办公室 发文日期: 2019-01-23
太湖县人民政府关于印发《{what}》的通知
各乡、镇人民政府，县政府各部门：
《{what}》已经县政府同意，现予印发，请遵照执行。
太湖县人民政府
2019年1月17日
{what}
一、县政府要进一步推进政务公开，要做好政府信息公开工作。
二、各乡（镇）人民政府、县政府各部门要加强协调配合，加大公开力度。
"""


@pytest.mark.parametrize("what, genre", [
    ("太湖县人民政府工作规则", "规则"),
    ("太湖县政府信息公开指南", "指南"),
    ("太湖县政务公开工作考核办法", "办法"),
    ("太湖县政府信息公开保密审查办法（试行）", "办法"),
    ("太湖县人民政府关于政务公开工作的通告", "通告"),
    ("关于全面推进政务公开工作的实施意见", "意见"),  # a standing policy, for no year
    ("关于做好2019年政务公开工作的意见", None),  # that year's plan
    ("2019年太湖县政务公开工作要点", None),
])
def test_a_document_of_another_kind_is_no_plan(what, genre):
    """A government's rules of procedure, guide, assessment measures or standing policy, numbered and
    worded like a plan (要进一步推进…, 要加强…) and filed in the same disclosure column, counted as
    that year's plan of the county."""
    doc = parse_text(OTHER_GENRE.format(what=what), "taihu.txt")
    assert (doc.title, doc.region, doc.plan_year, len(doc.tasks)) == (what, "太湖县", 2019, 2)
    assert doc.is_plan is (genre is None)
    assert (f"not a plan: its title names another kind of document ({genre})" in doc.warnings) is (genre is not None)


SUMMARY_AND_PLAN = """月田镇2020年度政务公开工作总结和2021年工作计划
来源：岳阳县月田镇人民政府 2021-04-29
一、2020年工作开展情况
（一）强化组织领导。成立了政务公开领导小组，全年公开信息300条。
（二）规范信息发布。严格落实三审三校制度。
二、存在的问题
（一）公开意识有待加强。
三、{plan}
（一）进一步加强组织领导。明确专人负责政务公开工作。
（二）进一步规范信息发布。及时公开财政预决算和惠民惠农资金信息。
"""


@pytest.mark.parametrize("plan", ["2021年工作计划", "下一步工作打算"])
def test_a_townships_summary_with_its_plan_for_the_next_year(plan):
    """A township's summary of 2020 with its plan for 2021 was no plan (its title names a summary):
    the plan's section is that year's plan, and only its tasks are read (the summary's sections,
    2020年工作开展情况 among them, are what was done)."""
    doc = parse_text(SUMMARY_AND_PLAN.format(plan=plan), "yuetian.txt")
    assert (doc.region, doc.is_plan, doc.plan_year) == ("月田镇", True, 2021)
    assert rows(doc, "path", "heading") == [("三/(一)", "进一步加强组织领导"), ("三/(二)", "进一步规范信息发布")]
    assert "a summary with the plan for 2021: its section 三 is read as the plan" in doc.warnings


def test_a_summary_without_a_plans_section_stays_a_report():
    doc = parse_text(SUMMARY_AND_PLAN.format(plan="其他事项"), "yuetian.txt")
    assert (doc.is_plan, doc.plan_year) == (False, 2020)
    assert "not a plan: the title describes a report on work done" in doc.warnings


def test_a_departments_report_is_a_report():
    doc = parse_text("五常市工业信息科技局2023年政府信息公开工作年度报告\n一、总体情况\n"
                     "（一）主动公开情况。我局坚持公开为常态、不公开为例外。\n", "report.txt")
    assert (doc.is_plan, doc.department) == (False, None)
    assert "not a plan: the title describes a report on work done" in doc.warnings


BLOCK = """2021年某县政务公开工作要点
一、推进决策公开
（一）加强政策解读。{sep}1.做好政策文件解读，解读材料与文件同步起草。{sep}2.开展政策吹风会，提高解读质量。（责任单位：县政府办公室、县司法局，6月底前）
（二）推进预算公开。{sep}1.细化部门预算公开内容。（责任单位：县财政局）{sep}2.公开政府债务信息。{sep}3.公开“三公”经费。（责任单位：县财政局）
（三）做好舆情回应。{sep}1.建立舆情收集机制。{sep}2.及时回应社会关切。
二、保障措施
（四）加强组织领导。各单位明确分管领导。
（五）强化督查考核。将政务公开纳入年度考核。（责任单位：县政府办公室）
"""


@pytest.mark.parametrize("sep", ["\n", ""], ids=["lines", "run-on"])
def test_a_marker_closing_a_block_of_items_is_theirs_when_none_has_its_own(sep):
    """（一）… 1.… 2.…（责任单位：…）: the one marker, after the last item, closes the block; where
    another item has a marker of its own (（二）) or the last has none (（三）), nothing is carried,
    nor under a top-level section (二、保障措施: （四） and （五） are tasks in their own right)."""
    doc = parse_text(BLOCK.format(sep=sep))
    assert rows(doc, "path", "lead_units", "deadline") == [
        ("一/(一)/1", ["县政府办公室", "县司法局"], "6月底前"), ("一/(一)/2", ["县政府办公室", "县司法局"], "6月底前"),
        ("一/(二)/1", ["县财政局"], None), ("一/(二)/2", [], None), ("一/(二)/3", ["县财政局"], None),
        ("一/(三)/1", [], None), ("一/(三)/2", [], None),
        ("二/(四)", [], None), ("二/(五)", ["县政府办公室"], None),
    ]
    assert "items without a marker of their own that take the marker closing their block: 1" in doc.warnings


def test_a_task_table_restating_the_items_above_gives_them_its_units():
    """A department lists its items, then tabulates them with the office in charge: each row that
    repeats an item is that item's annex row, not a task again; a row of its own stays a task."""
    doc = parse("department_items_then_table.txt")
    assert (doc.region, doc.province, doc.plan_year) == ("临澧县", "湖南省", 2021)
    assert rows(doc, "path", "layout", "heading", "lead_units", "deadline", "annex_rows") == [
        ("一/1", "prose", "深入推进政策解读", ["各业务股室"], "持续推进", [1]),
        ("一/2", "prose", "注重回应关切", ["各业务股室"], "持续推进", [2]),
        ("一/3", "prose", "加强重点领域信息公开", ["住房保障股"], "12月底前", [3]),
        ("一/4", "prose", "及时发布财政资金信息", ["计划财务股"], "3月底前", [4]),  # its own marker rules
        ("一/5", "prose", "统筹推进其他主动公开信息发布", [], None, []),
        ("二/e", "table", "业务培训", ["局办公室"], "11月底前", []),
    ]
    assert [(r["row"], r["task_path"], r["units"]) for r in doc.annex] == [
        (1, "一/1", ["各业务股室"]), (2, "一/2", ["各业务股室"]), (3, "一/3", ["住房保障股"]), (4, "一/4", ["办公室"])]
    assert "task-table rows restating the items above, read as their annex rows: 4" in doc.warnings
    assert doc.tasks[0].content.startswith("深入推进政策解读。对我局起草")  # the items stay prose
