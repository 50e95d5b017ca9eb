"""The domain codebook as data: load and validate resources/codebook.yaml."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from ..config import CODEBOOK

GROUPS = ("policy", "process")
TIERS = {"core": 3.0, "strong": 2.0, "related": 1.0}
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML has it: 10x faster
RULE_DEFAULTS = {
    "heading_weight": 4.0, "first_sentence_weight": 2.0, "enumeration_factor": 0.35, "max_repeats": 3,
    "policy_over_process": 0.8, "secondary_share": 0.45, "min_score": 1.0,
}


class CodebookError(ValueError):
    """The codebook file is invalid; the message names the file, the domain and the problem."""


@dataclass(frozen=True)
class Domain:
    id: str
    zh: str
    en: str
    group: str
    definition: str
    keywords: dict[str, float]  # term → weight
    table: tuple[str, ...] = ()  # the codebook table's terms (documentation and baseline)

    def label(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class Codebook:
    version: str
    domains: tuple[Domain, ...]
    rules: dict[str, float]
    digest: str  # sha256 of the file: a change re-classifies every task

    @property
    def ids(self) -> list[str]:
        return [d.id for d in self.domains]

    def __getitem__(self, domain_id: str) -> Domain:
        for d in self.domains:
            if d.id == domain_id:
                return d
        raise KeyError(domain_id)

    def group_of(self, domain_id: str) -> str:
        return self[domain_id].group

    def labels(self, lang: str = "zh") -> dict[str, str]:
        return {d.id: d.label(lang) for d in self.domains}

    def term_table(self) -> dict[str, tuple[str, float]]:
        """term → (domain id, weight) over all domains."""
        return {t: (d.id, w) for d in self.domains for t, w in d.keywords.items()}


def _domain(raw: dict, where: str) -> Domain:
    for key in ("id", "zh", "en", "group", "keywords"):
        if not raw.get(key):
            raise CodebookError(f"{where}: missing or empty '{key}'")
    if raw["group"] not in GROUPS:
        raise CodebookError(f"{where}: unknown group {raw['group']!r} (use one of {', '.join(GROUPS)})")
    keywords: dict[str, float] = {}
    for tier, terms in raw["keywords"].items():
        if tier not in TIERS:
            raise CodebookError(f"{where}: unknown keyword tier {tier!r} (use {', '.join(TIERS)})")
        for term in terms or []:
            term = str(term).strip()
            if term in keywords:
                raise CodebookError(f"{where}: keyword {term!r} listed twice")
            if term:
                keywords[term] = TIERS[tier]
    if not keywords:
        raise CodebookError(f"{where}: no keywords")
    table = tuple(str(t).strip() for t in raw.get("table") or [] if str(t).strip())
    return Domain(str(raw["id"]), raw["zh"], raw["en"], raw["group"], raw.get("definition", ""), keywords, table)


def load_codebook(path: str | Path = CODEBOOK) -> Codebook:
    """Read and validate a codebook file; raise CodebookError with a clear message when invalid.
    A file whose bytes were parsed before in this process is not parsed again (a build asks three times)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CodebookError(f"{path}: cannot read codebook ({exc})") from exc
    return _parse(str(path), raw)


@lru_cache(maxsize=8)
def _parse(path: str, raw: bytes) -> Codebook:
    path = Path(path)
    try:
        data = yaml.load(raw.decode("utf-8"), Loader=SAFE_LOADER)
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise CodebookError(f"{path}: cannot read codebook ({exc})") from exc
    if not isinstance(data, dict) or not data.get("domains"):
        raise CodebookError(f"{path}: no 'domains' list")
    domains, owner = [], {}
    for k, entry in enumerate(data["domains"]):
        domain = _domain(entry or {}, f"{path.name}: domain #{k + 1} ({(entry or {}).get('id', '?')})")
        if domain.id in {d.id for d in domains}:
            raise CodebookError(f"{path.name}: duplicate domain id {domain.id!r}")
        for term in domain.keywords:
            if term in owner:
                raise CodebookError(f"{path.name}: keyword {term!r} is in both {owner[term]!r} and {domain.id!r}")
            owner[term] = domain.id
        domains.append(domain)
    rules = dict(RULE_DEFAULTS)
    for key, value in (data.get("rules") or {}).items():
        if key not in RULE_DEFAULTS:
            raise CodebookError(f"{path.name}: unknown rule {key!r} (known: {', '.join(RULE_DEFAULTS)})")
        rules[key] = float(value)
    return Codebook(str(data.get("version", "")), tuple(domains), rules, hashlib.sha256(raw).hexdigest())
