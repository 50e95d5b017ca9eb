"""Segment Chinese with jieba, the government-term dictionary and stopwords.

A private jieba Tokenizer is used (never jieba's global one) and user words are added
in a fixed order, so every process segments identically. Place names of the region table
are user words too, and are dropped from the content words: which region wrote a plan is
metadata, not vocabulary (otherwise 承德市 is 承德市's most distinctive term and plans of one
city look alike because they name it). Each block between punctuation is segmented and
memoised on its own (`tokenize`); the pipeline also caches token lists on disk by content hash.
"""
from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
import warnings
from functools import lru_cache
from pathlib import Path

from ..config import BOILERPLATE_STOPWORDS, GOV_TERMS

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
    from ..domains import default_classifier

    terms = _read_list(GOV_TERMS) + sorted(default_classifier().codebook_.term_table()) + list(place_names())
    return tuple(dict.fromkeys(terms))


@lru_cache(maxsize=1)
def boilerplate() -> frozenset[str]:
    """Plan boilerplate words (resources/boilerplate_stopwords.txt)."""
    return frozenset(_read_list(BOILERPLATE_STOPWORDS))


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """A maintained Chinese stopword list (stopwordsiso), the plan boilerplate and the place names."""
    import stopwordsiso

    return frozenset(stopwordsiso.stopwords("zh")) | boilerplate() | frozenset(place_names())


@lru_cache(maxsize=1)
def tokenizer():
    with warnings.catch_warnings():  # jieba imports the deprecated pkg_resources
        warnings.simplefilter("ignore")
        import jieba

    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    tk.initialize()
    for term in user_terms():
        tk.add_word(term, freq=max(tk.suggest_freq(term, tune=False), 2000))
    return tk


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
def _cut_block():
    """What `Tokenizer.lcut` runs on each `_BLOCK` run (jieba 0.42's `__cut_DAG`, with its HMM),
    called directly: lcut would split the block again and wrap the result, 13 % of the time
    (the tests check the tokens are lcut's)."""
    return tokenizer()._Tokenizer__cut_DAG


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


def tokenize(text: str) -> list[str]:
    """Content words of a text: jieba tokens without a leading place name, stopwords, punctuation,
    numbers or single characters. Each block between punctuation is segmented (and memoised)
    on its own, which gives exactly jieba's tokens for the whole text (see `_BLOCK`)."""
    out: list[str] = []
    for block in _BLOCK.findall(normalize(text)):
        hit = _MEMO.get(block)
        if hit is None:
            stop = stopwords()
            hit = tuple(t for t in map(_unplace, _cut_block()(block))
                        if len(t) > 1 and _KEEP.search(t) and t not in stop)
            if len(_MEMO) >= _MEMO_LIMIT:
                _MEMO.clear()
            _MEMO[block] = hit
        out.extend(hit)
    return out
