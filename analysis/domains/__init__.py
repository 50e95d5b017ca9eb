"""Domains: the codebook, the classifier, topic discovery and validation.

The classifier and the topic model (and with them scikit-learn, about 0.6 s to import) load when
first asked for: reading the codebook alone, as a build with nothing to do does, needs neither.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib import import_module
from typing import TYPE_CHECKING

from .. import config
from .codebook import Codebook, CodebookError, load_codebook

if TYPE_CHECKING:
    from .classifier import CodebookClassifier, Scored
    from .topics import TopicModel

_LAZY = {"CodebookClassifier": ".classifier", "Scored": ".classifier", "TopicModel": ".topics"}


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = ["Codebook", "CodebookClassifier", "CodebookError", "Scored", "TopicModel", "classify_tasks",
           "default_classifier", "load_codebook"]


@lru_cache(maxsize=4)
def _compiled(digest: str) -> CodebookClassifier:
    from .classifier import CodebookClassifier

    return CodebookClassifier(load_codebook(config.CODEBOOK)).fit([])


def default_classifier() -> CodebookClassifier:
    """The classifier on the project's codebook, compiled once per version of the file."""
    return _compiled(hashlib.sha256(config.CODEBOOK.read_bytes()).hexdigest())


#: Classifications by (codebook digest, heading, content), per process: plans copy tasks from
#: their upper level and from each other, and a task's classes depend on its text only.
_SEEN: dict[tuple[str, str, str], Scored] = {}
_SEEN_LIMIT = 100_000


def classify_tasks(tasks) -> list[Scored]:
    """Classify Task objects (heading + content) with the project's codebook; a text classified
    before in this process is not scored again (each call gets its own copies)."""
    from .classifier import Scored

    classifier = default_classifier()
    digest = classifier.codebook_.digest
    texts = [(t.heading or "", t.content or "") for t in tasks]
    known = {text: _SEEN[(digest, *text)] for text in texts if (digest, *text) in _SEEN}
    new = [text for text in dict.fromkeys(texts) if text not in known]
    if new:
        scored = classifier.classify_texts([h for h, _ in new], [c for _, c in new])
        known.update(zip(new, scored, strict=True))
        if len(_SEEN) + len(new) > _SEEN_LIMIT:
            _SEEN.clear()
        _SEEN.update({(digest, *text): known[text] for text in new})
    return [Scored(**known[text].to_dict()) for text in texts]
