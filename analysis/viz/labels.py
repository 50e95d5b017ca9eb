"""Words on the charts in Chinese and English, and wrapping long labels to a width."""
from __future__ import annotations

import unicodedata

from .palette import check_lang

TEXT: dict[str, dict[str, str]] = {
    "task_share": {"zh": "任务占比（%）", "en": "share of tasks (%)"},
    "char_share": {"zh": "字数占比（%）", "en": "share of task text (%)"},
    "plan": {"zh": "工作要点", "en": "plan"},
    "domain": {"zh": "领域", "en": "domain"},
    "region": {"zh": "地区", "en": "region"},
    "year": {"zh": "年度", "en": "plan year"},
    "interval": {"zh": "95% 区间", "en": "95% interval"},
    "heatmap_title": {"zh": "各地工作要点的领域侧重", "en": "Emphasis of each plan by domain"},
    "years_title": {"zh": "各领域侧重的年度变化", "en": "Emphasis by domain across years"},
    "stacked_title": {"zh": "各工作要点的领域构成", "en": "Domain composition of each plan"},
    "dotplot_title": {"zh": "{domain}：各工作要点的侧重", "en": "{domain}: emphasis by plan"},
    "terms_title": {"zh": "各{group_by}特色词", "en": "Distinctive terms by {group_by}"},
    "similarity_title": {"zh": "工作要点之间的文本相似度", "en": "Wording similarity between plans"},
    "topics_title": {"zh": "任务主题聚类及最接近的编码领域", "en": "Task topic clusters and their closest codebook domain"},
    "corpus_mean": {"zh": "全部工作要点均值 {value}", "en": "mean of all plans {value}"},
    "z": {"zh": "z 值（加权对数几率，相对其他{group_by}）", "en": "z-score of weighted log-odds (vs. other {group_by}s)"},
    "cosine": {"zh": "余弦相似度", "en": "cosine similarity"},
    "topic_size": {"zh": "主题任务数", "en": "tasks in the topic"},
    "topic": {"zh": "主题 {n}", "en": "Topic {n}"},
    "top_terms": {"zh": "主题词", "en": "top terms"},
    "matched": {"zh": "最接近领域", "en": "closest domain"},
    "similarity_to_domain": {"zh": "相似度", "en": "similarity"},
    "count": {"zh": "词频", "en": "count"},
    "examples": {"zh": "示例任务", "en": "sample tasks"},
    "policy_share": {"zh": "政策 {value}", "en": "policy {value}"},
    "group_plan_year": {"zh": "年度", "en": "year"},
    "group_region": {"zh": "地区", "en": "region"},
    "group_province": {"zh": "省份", "en": "province"},
    "group_level": {"zh": "行政层级", "en": "administrative level"},
    "level_national": {"zh": "国家", "en": "national"},
    "level_province": {"zh": "省级", "en": "province level"},
    "level_city": {"zh": "地级", "en": "prefecture level"},
    "level_district": {"zh": "市辖区", "en": "urban districts"},
    "level_county": {"zh": "县级（县、县级市）", "en": "county level"},
    "level_zone": {"zh": "开发区、新区（管委会）", "en": "development zones and new areas"},
    "level_township": {"zh": "乡镇级（乡、镇、街道）", "en": "township level"},
    "means_title": {"zh": "按{group_by}分组的平均领域侧重", "en": "Mean emphasis by domain, plans grouped by {group_by}"},
    "mean_share": {"zh": "平均任务占比（%）", "en": "mean share of tasks (%)"},
    "note_means": {"zh": "每份工作要点计一次，格中为各要点任务占比的均值；95% 区间（对工作要点重抽样）见 emphasis_means 表",
                   "en": "each plan counts once; cells: mean of the plans' shares of tasks; 95% intervals (plans "
                         "resampled) in the emphasis_means table"},
    # source notes
    "note_plans": {"zh": "数据：{n} 份工作要点（{years}）", "en": "Data: {n} plans ({years})"},
    "note_years": {"zh": "{first}–{last} 年", "en": "{first}–{last}"},
    "note_year": {"zh": "{first} 年", "en": "{first}"},
    "note_regions": {"zh": "地区（{n}）：{names}", "en": "regions ({n}): {names}"},
    "note_groups": {"zh": "{group_by}（{n}）：{names}", "en": "{group_by}s ({n}): {names}"},
    "note_more": {"zh": " 等（另 {n} 个）", "en": " and {n} more"},
    "note_panels": {"zh": "图中为任务最多的 {n} 个{group_by}（共 {total} 个），全部见 distinctive_terms 表",
                    "en": "the {n} {group_by}s with most tasks shown (of {total}); all in the distinctive_terms table"},
    "note_excluded": {"zh": "未纳入：{items}", "en": "excluded: {items}"},
    "note_sep": {"zh": "；", "en": "; "},
    "note_list_sep": {"zh": "、", "en": ", "},
    "note_end": {"zh": "。", "en": "."},
    "note_reason": {"zh": "{label}（{reason}）", "en": "{label} ({reason})"},
    "reason_failed": {"zh": "无法读取", "en": "unreadable"},
    "reason_department": {"zh": "部门自身的要点", "en": "a department's own plan"},
    "reason_not_plan": {"zh": "非工作要点", "en": "not a plan"},
    "reason_partial": {"zh": "文本不完整", "en": "partial text"},
    "reason_no_tasks": {"zh": "未解析出任务", "en": "no tasks"},
    "reason_no_region": {"zh": "地区不明", "en": "region unknown"},
    "reason_duplicate": {"zh": "同一地区同年要点的副本，只计一次",
                         "en": "a copy of another plan of that region and year, counted once"},
    "reason_other": {"zh": "未计入", "en": "not measured"},
    "note_intervals": {"zh": "误差线为 95% 自助法区间（对任务重抽样）", "en": "bars: 95% bootstrap intervals (tasks resampled)"},
    "note_weights": {"zh": "一项任务涉及多个领域时按权重分摊，各工作要点合计 100%",
                     "en": "a task with several domains counts for each by weight; each plan sums to 100%"},
    "note_gaps": {"zh": "无工作要点的年份留空（不计为 0）", "en": "years without a plan are left out (never zero)"},
    "note_undated": {"zh": "未标年份的工作要点未绘入：{names}", "en": "plans without a plan year are not drawn: {names}"},
    "note_spans": {"zh": "多年计划绘于其印发年份（或首年）：{names}",
                   "en": "plans for several years drawn at the year issued (or their first): {names}"},
    "note_spans_means": {"zh": "多年计划不计入年份均值：{names}",
                         "en": "plans for several years are in no year's mean: {names}"},
    "note_rule": {"zh": "黑线为政策领域与过程领域的分界", "en": "black rule: where policy domains end"},
    "note_shaded": {"zh": "灰底为过程领域", "en": "grey panels: process domains"},
    "note_terms": {"zh": "每组 z值最高的前 {n} 个词，条形旁为词频", "en": "top {n} terms by z per group, count beside each bar"},
    "note_similarity": {"zh": "任务内容分词后的 TF-IDF 余弦相似度", "en": "cosine of TF-IDF vectors of segmented task content"},
    "note_topics": {"zh": "NMF 主题；括号内为主题与领域关键词的余弦相似度",
                    "en": "NMF topics; in brackets: cosine between the topic and the domain's keywords"},
}


def t(key: str, lang: str, **values) -> str:
    """The text `key` in `lang`, formatted with `values`."""
    return TEXT[key][check_lang(lang)].format(**values)


def em_width(text: str) -> float:
    """Width of text in ems: wide (CJK, full-width) characters 1, others about 0.55."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.55 for ch in text)


_BREAK_AFTER = set(" 、，,；;：:/·")


def wrap(text: str, max_em: float, max_lines: int | None = None) -> str:
    """Break text into lines no wider than max_em, after spaces or punctuation where possible.

    With max_lines, the last line is cut with '…' (hover text keeps the full label).
    """
    lines, line, last_break = [], "", -1
    for ch in str(text):
        if em_width(line + ch) > max_em and line.strip():
            if 0 < last_break < len(line):
                lines.append(line[:last_break].rstrip())
                line = line[last_break:].lstrip()
            else:
                lines.append(line.rstrip())
                line = ""
            last_break = -1
        line += ch
        if ch in _BREAK_AFTER:
            last_break = len(line)
    if line.strip():
        lines.append(line.strip())
    if max_lines and len(lines) > max_lines:
        lines = [*lines[:max_lines - 1], lines[max_lines - 1][:-1] + "…"]
    return "\n".join(lines)


def group_name(group_by: str, lang: str) -> str:
    """What the groups of a distinctive-terms table are, in words ('地区', 'year'); else the column name."""
    key = f"group_{group_by}"
    return t(key, lang) if key in TEXT else group_by
