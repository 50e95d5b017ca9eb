"""Segment Chinese with jieba, the government-term dictionary and stopwords.

A private jieba Tokenizer is used (never jieba's global one) and user words are added
in a fixed order, so every process segments identically. Place names of the region table
are user words too, and are dropped from the content words: which region wrote a plan is
metadata, not vocabulary (otherwise 承德市 is 承德市's most distinctive term and plans of one
city look alike because they name it). Each block between punctuation is segmented and
memoised on its own (`tokenize`), with jieba's dictionary, word-path rule and HMM run in one
pass of our own (`_cut_block`: jieba's tokens, in 0.6 of its time); the pipeline also caches
token lists on disk by content hash.
"""
from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
import warnings
from collections.abc import Iterator
from functools import lru_cache
from math import log
from pathlib import Path

from ..config import BOILERPLATE_STOPWORDS, CACHE_DIR, FUNCTION_WORDS, GOV_TERMS
from . import wordfreq

SEGMENTER_VERSION = "1"
_KEEP = re.compile(r"[\u4e00-\u9fffA-Za-z]")


def _read_list(path: Path) -> list[str]:
    return [line.split()[0] for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=1)
def place_names() -> tuple[str, ...]:
    """Sub-national region names and short forms of the region table (sorted). Two-character
    names ending in 区 (城区, 郊区, 矿区) are left out: they are common words too."""
    from ..ingest.regions import region_table

    names = {n for n, rows in region_table().by_name.items()
             if len(n) >= 2 and any(r["level"] != "national" for r in rows)}
    return tuple(sorted(n for n in names if not (len(n) == 2 and n.endswith("区"))))


@lru_cache(maxsize=1)
def user_terms() -> tuple[str, ...]:
    """Government terms, the codebook's keywords and the place names, in a fixed order."""
    from ..config import CODEBOOK
    from ..domains import load_codebook

    terms = _read_list(GOV_TERMS) + sorted(load_codebook(CODEBOOK).term_table()) + list(place_names())
    return tuple(dict.fromkeys(terms))


@lru_cache(maxsize=1)
def boilerplate() -> frozenset[str]:
    """Plan boilerplate words (resources/boilerplate_stopwords.txt)."""
    return frozenset(_read_list(BOILERPLATE_STOPWORDS))


@lru_cache(maxsize=1)
def function_words() -> frozenset[str]:
    """Function words stopwordsiso lacks (resources/function_words.txt)."""
    return frozenset(_read_list(FUNCTION_WORDS))


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """A maintained Chinese stopword list (stopwordsiso), the function words it lacks, the plan
    boilerplate and the place names."""
    import stopwordsiso

    return (frozenset(stopwordsiso.stopwords("zh")) | function_words() | boilerplate()
            | frozenset(place_names()))


@lru_cache(maxsize=1)
def tokenizer():
    with warnings.catch_warnings():  # jieba imports the deprecated pkg_resources
        warnings.simplefilter("ignore")
        import jieba

    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    path = CACHE_DIR / "segmenter" / f"words-{_table_key(jieba)}.bin"
    saved = wordfreq.read(path)
    if saved is not None:  # the table below, as a previous process finished it
        tk.FREQ, tk.total = saved
        tk.initialized = True
        return tk
    tk.initialize()
    for term in user_terms():
        tk.add_word(term, freq=max(tk.suggest_freq(term, tune=False), 2000))
    if wordfreq.write(path, tk.FREQ, tk.total):
        for stale in path.parent.glob("words-*.bin"):  # tables of earlier user words or jieba versions
            if stale != path:
                stale.unlink(missing_ok=True)
    return tk


def _table_key(jieba) -> str:
    """What the finished word table depends on: this module's rules, jieba and its dictionary file,
    the user words."""
    dictionary = Path(jieba.__file__).with_name("dict.txt").stat()
    h = hashlib.sha256(f"{SEGMENTER_VERSION}|{jieba.__version__}|{dictionary.st_size}|{dictionary.st_mtime_ns}".encode())
    for term in user_terms():
        h.update(b"\n" + term.encode())
    return h.hexdigest()[:16]


def resources_digest() -> str:
    """Hash of everything that changes segmentation (for cache keys and the build manifest)."""
    h = hashlib.sha256(SEGMENTER_VERSION.encode())
    for term in user_terms():
        h.update(term.encode())
    for word in sorted(stopwords()):
        h.update(word.encode())
    return h.hexdigest()[:16]


def normalize(text: str) -> str:
    """Full-width letters and digits to half-width; nothing else changes."""
    return unicodedata.normalize("NFKC", text)


def segment(text: str) -> list[str]:
    """All jieba tokens of a text (no filtering)."""
    return tokenizer().lcut(normalize(text))


#: jieba cuts each run of these characters on its own (its `re_han_default`); whatever lies
#: between them comes out as single characters or whitespace, which are never content words.
_BLOCK = re.compile("[\u4E00-\u9FD5a-zA-Z0-9+#&._%\\-]+")
_MEMO: dict[str, tuple[str, ...]] = {}
#: Blocks memoised per process: clauses recur from plan to plan (plans copy their upper
#: level's wording), and each is segmented once while a worker's memory stays bounded.
_MEMO_LIMIT = 200_000


@lru_cache(maxsize=1)
def _dictionary() -> tuple[dict[str, int], float]:
    """The segmenter's word frequencies (prefixes of words have 0) and the log of their total."""
    tk = tokenizer()
    return tk.FREQ, log(tk.total)


def _word_ends(block: str, freq: dict[str, int], logtotal: float) -> list[int]:
    """Where the most probable segmentation's word starting at each position ends: jieba's
    `get_DAG` and `calc` fused into one backward pass, with their arithmetic and their tie rule
    (the later end wins), without the DAG dict, the tuples and the generator per position."""
    n = len(block)
    score = [0.0] * (n + 1)
    ends = [0] * n
    for k in range(n - 1, -1, -1):
        best = None
        i, f = k, freq.get(block[k])
        while f is not None:  # block[k:i + 1] is a word or the prefix of one
            if f:
                s = log(f) - logtotal + score[i + 1]
                if best is None or s >= best:
                    best, stop = s, i
            i += 1
            if i == n:
                break
            f = freq.get(block[k:i + 1])
        if best is None:  # no word starts here: the character alone
            best, stop = log(freq.get(block[k]) or 1) - logtotal + score[k + 1], k
        score[k], ends[k] = best, stop + 1
    return ends


def _single_run(run: str, freq: dict[str, int]) -> Iterator[str]:
    """A run of characters the path left single: one, a known word's characters, or jieba's HMM."""
    from jieba import finalseg

    if len(run) == 1:
        yield run
    elif not freq.get(run):
        yield from finalseg.cut(run)
    else:
        yield from run


def _cut_block(block: str) -> Iterator[str]:
    """jieba's tokens of one `_BLOCK` run with its HMM (`Tokenizer.lcut` on it gives the same: the
    tests check every block of the real plans and generated ones), about 1.7 times as fast as
    jieba 0.42's `__cut_DAG`, which the segmentation spent most of its time in."""
    freq, logtotal = _dictionary()
    ends = _word_ends(block, freq, logtotal)
    x, run = 0, ""
    while x < len(block):
        y = ends[x]
        if y - x == 1:
            run += block[x]
        else:
            if run:
                yield from _single_run(run, freq)
                run = ""
            yield block[x:y]
        x = y
    if run:
        yield from _single_run(run, freq)


@lru_cache(maxsize=1)
def _places() -> frozenset[str]:
    return frozenset(place_names())


def _unplace(token: str) -> str:
    """A token without a leading place name (jieba's HMM joins 承德市 and 政府 into 承德市政府)."""
    places = _places()
    for k in range(len(token) - 1, 1, -1):
        if token[:k] in places:
            return token[k:]
    return token


#: jieba token → the content word it gives ('' when it gives none), per process: a corpus has a
#: few ten thousand distinct tokens, and each is looked up once instead of filtered each time.
_WORDS: dict[str, str] = {}


def _content_word(token: str) -> str:
    word = _unplace(token)
    return word if len(word) > 1 and _KEEP.search(word) and word not in stopwords() else ""


def tokenize(text: str) -> list[str]:
    """Content words of a text: jieba tokens without a leading place name, stopwords, punctuation,
    numbers or single characters. Each block between punctuation is segmented (and memoised)
    on its own, which gives exactly jieba's tokens for the whole text (see `_BLOCK`)."""
    out: list[str] = []
    words = _WORDS
    for block in _BLOCK.findall(normalize(text)):
        hit = _MEMO.get(block)
        if hit is None:
            tokens = list(_cut_block(block))
            for token in tokens:
                if token not in words:
                    words[token] = _content_word(token)
            hit = tuple(w for w in map(words.__getitem__, tokens) if w)
            if len(_MEMO) >= _MEMO_LIMIT:
                _MEMO.clear()
                words.clear()
            _MEMO[block] = hit
        out.extend(hit)
    return out
