"""Segmentation: the government-term dictionary, stopwords, place names and determinism."""
import csv
import subprocess
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import config
from analysis.text.segment import (
    boilerplate,
    function_words,
    normalize,
    place_names,
    segment,
    stopwords,
    tokenize,
    user_terms,
)

SENTENCE = "{}人民政府办公室牵头，加强政府网站集约化和营商环境建设，2020年底前完成。"


def _gov_terms() -> list[str]:
    lines = config.GOV_TERMS.read_text(encoding="utf-8").splitlines()
    return [line.split()[0] for line in lines if line.strip() and not line.startswith("#")]


def test_government_terms_are_kept_whole():
    terms = [t for t in _gov_terms() if t not in stopwords()]
    assert len(terms) >= 50
    split = [t for t in terms if segment(f"要{t}。") != ["要", t, "。"]]
    assert split == []


def test_place_names_of_the_region_table_never_reach_the_content_words():
    with config.REGIONS.open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["level"] != "national"]
    sample = rows[:: max(1, len(rows) // 300)]  # every level, every province
    for row in (r for r in sample if r["name"] in place_names()):
        tokens = tokenize(SENTENCE.format(row["name"]))
        assert not [t for t in tokens if row["name"] in t or t in place_names()], (row["name"], tokens)
        assert "政府网站集约化" in tokens and "营商环境" in tokens, (row["name"], tokens)


def test_common_words_that_are_also_district_names_are_kept():
    assert {"城区", "郊区"} <= set(tokenize("城区和郊区的公共服务"))
    assert not any(len(n) == 2 and n.endswith("区") for n in place_names())


def test_stopwords_boilerplate_numbers_and_single_characters_are_dropped():
    tokens = tokenize("进一步加强和改进2020年政务公开工作，至少做到两个及时、一个全面。")
    assert tokens and not set(tokens) & stopwords()
    assert all(len(t) > 1 and not t.isdigit() for t in tokens)
    assert {"至少", "做到", "政务", "工作"} <= boilerplate() | stopwords()


def test_function_words_are_dropped_and_never_a_government_term_or_keyword():
    import stopwordsiso

    words = function_words()
    assert {"有所", "确需", "日前", "应当", "进行"} <= words
    assert not words & (set(stopwordsiso.stopwords("zh")) | boilerplate())  # the file lists only what they lack
    assert not words & set(user_terms())  # a word the dictionary keeps whole is content
    tokens = tokenize("确需公开的，应当在日前进行审核，公开质量有所提升，取得突破。")
    assert "审核" in tokens and not set(tokens) & words


def test_full_width_digits_and_letters_segment_like_half_width():
    assert segment("２０２０年ＡＰＰ建设") == segment("2020年APP建设")
    assert normalize("（一）") == "(一)"


def test_segmentation_is_identical_in_a_fresh_process():
    text = "丽水市生态环境局负责公开饮用水水源地水质监测信息，接受社会监督。"
    code = f"from analysis.text.segment import tokenize; print('|'.join(tokenize({text!r})))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().split("|") == tokenize(text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("政务公开加强推进财政预算环境保护丽水市隆阳区城区12３，。、 a")),
               max_size=60))
def test_content_words_come_from_the_text_and_pass_the_filters(text):
    norm = normalize(text)
    for token in tokenize(text):
        assert token in norm
        assert len(token) > 1 and token not in stopwords()


def _whole(text: str) -> list[str]:
    """Content words from jieba's tokens of the whole text (what tokenize gave before it cut blocks)."""
    from analysis.text.segment import _KEEP, _unplace, tokenizer

    stop = stopwords()
    return [t for t in map(_unplace, tokenizer().lcut(normalize(text))) if len(t) > 1 and _KEEP.search(t)
            and t not in stop]


def test_block_by_block_equals_the_whole_text_on_every_real_task(seed_tables):
    texts = seed_tables["tasks"]["content"].fillna("").tolist()
    assert len(texts) > 100
    assert [tokenize(t) for t in texts] == [_whole(t) for t in texts]


PIECES = ["政务公开", "信息公开", "营商环境", "2020年", "ABC", "e-gov", "。", "，", "、", "（", "）", " ", "\n",
          "《条例》", "牵头", "丽水市", "龘", "\u9fd6", "３", "…", "-", "%", "#1", "12.5"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES) | st.text(alphabet="政务公开信息发布解读回应平台市县区镇。，ab1 ", max_size=8),
                max_size=20))
def test_block_by_block_equals_the_whole_text_on_mixed_text(parts):
    text = "".join(parts)
    assert tokenize(text) == _whole(text)


def _jieba_blocks(texts) -> list[str]:
    from analysis.text.segment import _BLOCK

    return list(dict.fromkeys(b for text in texts for b in _BLOCK.findall(normalize(text))))


def test_the_fused_cut_gives_jiebas_own_tokens_on_every_block_of_the_real_plans(corpus_tables):
    """`_cut_block` reimplements jieba's word path: on every block of the seed and extra plans
    (headings, contents, units) its tokens — before any filtering — are jieba's."""
    from analysis.text.segment import _cut_block, tokenizer

    tasks = corpus_tables["tasks"]
    texts = [*tasks["heading"].fillna(""), *tasks["content"].fillna(""), *corpus_tables["documents"]["title"].fillna("")]
    blocks = _jieba_blocks(texts)
    assert len(blocks) > 3000
    lcut = tokenizer().lcut
    assert [b for b in blocks if list(_cut_block(b)) != lcut(b)] == []


# dictionary words, their prefixes and overlaps, characters jieba only knows through its HMM
CUT_PIECES = ["政务公开", "政务", "公开", "信息公开", "公开透明", "透明度", "营商环境", "环境保护", "保护区",
              "行政规范性文件", "规范性", "中华人民共和国", "人民", "共和国", "研究生命起源", "结婚的和尚未结婚的",
              "龘", "靐", "乂", "丨", "2020", "ab", "-", "."]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(CUT_PIECES) | st.text(alphabet="的了是在和市县区镇政务公开龘靐乂", max_size=6),
                min_size=1, max_size=16))
def test_the_fused_cut_gives_jiebas_own_tokens_on_generated_blocks(parts):
    from analysis.text.segment import _cut_block, tokenizer

    for block in _jieba_blocks(["".join(parts)]):
        assert list(_cut_block(block)) == tokenizer().lcut(block)
