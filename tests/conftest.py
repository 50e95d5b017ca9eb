"""Shared fixtures: the per-document tables of the real plans, built once per session.

`seed_tables` holds the five seed plans of data/raw/; `corpus_tables` adds the extra plans of
the shared development data (Fujian 2016-2019, Pingtan), and skips when that folder is absent.
"""
from __future__ import annotations

import pytest

from analysis import config
from analysis.tables import build_tables, load_corpus


def _raw_files(folder):
    return sorted(p for p in folder.iterdir() if p.suffix in config.RAW_SUFFIXES)


@pytest.fixture(scope="session")
def seed_docs():
    return load_corpus(_raw_files(config.RAW_DIR))


@pytest.fixture(scope="session")
def seed_tables(seed_docs):
    return build_tables(seed_docs)


@pytest.fixture(scope="session")
def corpus_tables(seed_docs):
    extra = config.SHARED_DIR / "extra"
    if not extra.is_dir():
        pytest.skip(f"shared development data absent ({extra})")
    return build_tables({**seed_docs, **load_corpus(_raw_files(extra))})
