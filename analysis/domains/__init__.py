"""Domains: the codebook, the classifier, topic discovery and validation."""
from __future__ import annotations

import hashlib
from functools import lru_cache

import pandas as pd

from .. import config
from .classifier import CodebookClassifier, Scored
from .codebook import Codebook, CodebookError, load_codebook
from .topics import TopicModel

__all__ = ["Codebook", "CodebookClassifier", "CodebookError", "Scored", "TopicModel", "classify_tasks",
           "default_classifier", "load_codebook"]


@lru_cache(maxsize=4)
def _compiled(digest: str) -> CodebookClassifier:
    return CodebookClassifier(load_codebook(config.CODEBOOK)).fit([])


def default_classifier() -> CodebookClassifier:
    """The classifier on the project's codebook, compiled once per version of the file."""
    return _compiled(hashlib.sha256(config.CODEBOOK.read_bytes()).hexdigest())


def classify_tasks(tasks) -> list[Scored]:
    """Classify Task objects (heading + content) with the project's codebook."""
    frame = pd.DataFrame({"heading": [t.heading for t in tasks], "content": [t.content for t in tasks]})
    return default_classifier().classify(frame) if len(frame) else []
