"""The segmenter's saved word table: a faithful round trip, and a process that loads it cuts
exactly as one that built it from jieba."""
import os
import subprocess
import sys
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from analysis.text import wordfreq

WORDS = st.text(alphabet=st.characters(blacklist_characters="\n", blacklist_categories=("Cs",)), min_size=1, max_size=8)


@given(st.dictionaries(WORDS, st.integers(min_value=0, max_value=2**62), max_size=50), st.integers(0, 2**62))
def test_the_table_survives_its_round_trip(freq, total):
    assert wordfreq.load(wordfreq.dump(freq, total)) == (freq, total)


@given(st.dictionaries(WORDS, st.integers(0, 10**6), min_size=1, max_size=20), st.data())
def test_a_cut_or_foreign_file_is_not_taken_for_a_table(freq, data):
    whole = wordfreq.dump(freq, 7)
    cut = data.draw(st.integers(0, len(whole) - 1))
    assert wordfreq.load(whole[:cut]) is None
    assert wordfreq.load(whole + b"\0") is None
    assert wordfreq.load(b"PK\x03\x04" + whole[4:]) is None


PROBE = """
import hashlib, sys
from analysis.text.segment import tokenizer, tokenize
tk = tokenizer()
h = hashlib.sha256(str(tk.total).encode())
for word, count in sorted(tk.FREQ.items()):
    h.update(f"{word}\\t{count}\\n".encode())
print(h.hexdigest(), "|".join(tokenize("隆阳区推进政务公开标准化规范化，加强营商环境和行政规范性文件信息公开。")))
"""


def _probe(root: Path) -> str:
    env = {**os.environ, "ANALYSIS_ROOT": str(root)}
    return subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, env=env,
                          cwd=Path(__file__).resolve().parents[1]).stdout.strip()


def test_a_process_that_loads_the_saved_table_segments_like_one_that_built_it(tmp_path):
    stale = tmp_path / ".cache" / "segmenter" / "words-0123456789abcdef.bin"  # of other user words
    stale.parent.mkdir(parents=True)
    stale.write_bytes(wordfreq.dump({"政务": 5}, 5))
    built = _probe(tmp_path)  # no table yet: jieba's dictionary plus the user words, then saved
    (saved,) = (tmp_path / ".cache" / "segmenter").glob("words-*.bin")  # the stale one removed
    loaded = _probe(tmp_path)
    assert loaded == built and "营商环境" in built
    saved.write_bytes(saved.read_bytes()[:1000])  # a half-written table is ignored and rewritten
    assert _probe(tmp_path) == built
    assert wordfreq.read(saved) is not None  # and whole again


def test_a_cache_folder_that_cannot_be_written_only_costs_time(tmp_path):
    (tmp_path / ".cache").write_text("a file where the cache folder should be")
    assert "营商环境" in _probe(tmp_path)
