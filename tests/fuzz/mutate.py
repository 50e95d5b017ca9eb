"""Hostile variants of real plan files: bytes flipped, cut, re-encoded, duplicated, deleted, NUL-filled,
wrapped in HTML. Every mutant is a pure function of (seed bytes, kind, random.Random), so a run is
reproducible from its seed number."""
from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

#: Mutation kinds, each a function bytes → bytes below.
KINDS = ("flip", "truncate", "reencode", "mojibake", "duplicate", "delete", "nul", "html", "splice", "stack")
#: Encodings a colleague's file may come in; Big5 and Shift-JIS cannot hold most simplified characters.
ENCODINGS = ("gbk", "gb18030", "utf-16", "utf-16-le", "utf-16-be", "utf-8-sig", "big5", "cp950", "shift_jis",
             "euc-kr", "utf-32")
#: Suffixes a mutant may be given: a wrong one sends the bytes to another reader first.
SUFFIXES = (".txt",) * 6 + (".html", ".htm", ".pdf", ".docx", "")


@dataclass(frozen=True)
class Mutant:
    label: str  # seed file, kind and index: enough to regenerate it
    kind: str
    name: str
    data: bytes


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


def flip(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.choice((1, 2, 8, 64, max(1, len(out) // 50)))):
        if out:
            out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


def reencode(data: bytes, rng: random.Random) -> bytes:
    return _text(data).encode(rng.choice(ENCODINGS), errors=rng.choice(("replace", "ignore")))


def mojibake(data: bytes, rng: random.Random) -> bytes:
    """Text decoded with the wrong codec somewhere upstream and saved again as UTF-8 (or GBK)."""
    raw = _text(data).encode(rng.choice(("utf-8", "gbk")), errors="replace")
    wrong = raw.decode(rng.choice(("latin-1", "cp1252", "gbk", "big5")), errors="replace")
    return wrong.encode(rng.choice(("utf-8", "gb18030")), errors="replace")


def duplicate(data: bytes, rng: random.Random) -> bytes:
    if not data:
        return data
    a = rng.randrange(len(data))
    b = min(len(data), a + rng.choice((1, 16, 256, 4096, len(data))))
    at = rng.randrange(len(data) + 1)
    return data[:at] + data[a:b] * rng.choice((1, 2, 10, 100)) + data[at:]


def delete(data: bytes, rng: random.Random) -> bytes:
    if not data:
        return data
    a = rng.randrange(len(data))
    return data[:a] + data[a + rng.choice((1, 3, 64, 1024, len(data) // 2)):]


def nul(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.choice((1, 5, 100))):
        out[rng.randrange(len(out) + 1): 0] = b"\x00" * rng.choice((1, 1, 4))
    return bytes(out)


_HEAD = ('<!DOCTYPE html><html><head><meta charset="{charset}"><title>{title}</title>'
         '<script>document.write("统计代码");window.location="javascript:alert(1)"</script>'
         '<style>p{{color:red}}</style></head><body onload="alert(\'x\')">'
         '<nav><a href="/">首页</a> &gt; <a href="javascript:void(0)">政务公开</a></nav><div class="content">')
_TAIL = '</div><footer>版权所有 <script>var a = "<p>假文字</p>";</script></footer></body></html>'


def html(data: bytes, rng: random.Random) -> bytes:
    """The text as a scraped page: one <p> per line (or <pre>, or table rows), scripts around it."""
    lines = _text(data).splitlines()
    style = rng.choice(("p", "pre", "table", "br", "unclosed"))
    if style == "p":
        body = "".join(f"<p>{line}</p>" for line in lines)
    elif style == "pre":
        body = "<pre>" + "\n".join(lines) + "</pre>"
    elif style == "table":
        body = "<table>" + "".join(f"<tr><td>{line}</td></tr>" for line in lines) + "</table>"
    elif style == "br":
        body = "<br>".join(lines)
    else:
        body = "".join(f"<div><p>{line}" for line in lines)
    charset = rng.choice(("utf-8", "gbk"))
    page = _HEAD.format(charset=charset, title=lines[0][:40] if lines else "") + body + _TAIL
    return page.encode(charset, errors="replace")


def splice(data: bytes, rng: random.Random) -> bytes:
    """A chunk of hostile bytes or markup dropped into the middle."""
    junk = rng.choice([b"\xff\xfe", b"\xef\xbb\xbf", b"%PDF-1.4\n", b"PK\x03\x04", b"\xd0\xcf\x11\xe0",
                       b"<script>", b"</script>", b"<!--", "（".encode() * 500, "一、".encode() * 500,
                       "责任单位：".encode() * 200, "、".encode() * 1000, b"a" * 5000, b"\t" * 3000,
                       b"\n" * 3000, b" " * 3000, bytes(range(256))])
    at = rng.randrange(len(data) + 1)
    return data[:at] + junk + data[at:]


MUTATORS = {"flip": flip, "truncate": truncate, "reencode": reencode, "mojibake": mojibake, "duplicate": duplicate,
            "delete": delete, "nul": nul, "html": html, "splice": splice}


def mutate(data: bytes, kind: str, rng: random.Random) -> bytes:
    """One mutant of `data`; 'stack' applies two or three other kinds in a row."""
    if kind == "stack":
        for k in rng.sample(sorted(MUTATORS), rng.choice((2, 3))):
            data = MUTATORS[k](data, rng)
        return data
    return MUTATORS[kind](data, rng)


def mutant(seeds: dict[str, bytes], i: int, seed: int = 0, kinds: tuple[str, ...] = KINDS) -> Mutant:
    """The i-th mutant of a run: the same (seeds, i, seed, kinds) always give the same bytes."""
    rng = random.Random(f"{seed}:{i}")
    kind = kinds[i % len(kinds)]
    source = rng.choice(sorted(seeds))
    data = mutate(seeds[source], kind, rng)
    stem = source.rsplit(".", 1)[0]
    suffix = rng.choice(SUFFIXES) if rng.random() < 0.2 else "." + source.rsplit(".", 1)[-1]
    return Mutant(f"{source}:{kind}:{seed}:{i}", kind, stem + suffix, data)


def mutants(seeds: dict[str, bytes], n: int, seed: int = 0, kinds: tuple[str, ...] = KINDS) -> Iterator[Mutant]:
    """n mutants, cycling through the kinds and picking seed files at random (reproducible from `seed`)."""
    for i in range(n):
        yield mutant(seeds, i, seed, kinds)
