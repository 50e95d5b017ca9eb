"""Synthetic corpora for benchmarks: N invented plans recombined from real plan text.

Every plan is made from the tasks of the seed plans (data/raw/*.txt) and the development
documents (../shared/extra/*.txt), as the parser reads them: a real task heading, one to
four sentences drawn from the bodies of real tasks (so task texts are almost never
repeated, as in a real corpus, and segmentation memos do not flatter the timings), and a
responsibility note naming real unit names. Plans get 15-60 tasks under 一、 sections,
numbered （一） or, in a third of the sections, （一） sub-headings over 1. items; a covering
notice, a 文号, a signature and a date; and the title '{year}年{region}政务公开工作要点'.

Regions are INVENTED (two rare syllables + 县/区/市, none of them in or overlapping the
region table), so the parser reads them from the notice and flags them
(`region_in_table` False); each is placed in a real province by an overrides.csv row, as a
researcher records the province of a government the table lacks (`analysis add --province`),
so the province comparisons are exercised too. Every file starts with the line
'# SYNTHETIC TEST DATA — not a real plan'. One plan per (region, year), years 2016-2024.
The output is a pure function of (n, seed): file names, bytes and order.

    python benchmarks/synthetic.py 2000            # → benchmarks/output/corpus-2000/
    python benchmarks/synthetic.py 200 --out /tmp/c --seed 7
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import random
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from analysis import config  # noqa: E402

MARK = "# SYNTHETIC TEST DATA — not a real plan"
OUTPUT = Path(__file__).resolve().parent / "output"
YEARS = tuple(range(2016, 2025))
DEFAULT_SEED = 20240601

#: Syllables for invented place names: literary characters rare in real county names.
_SYLLABLES = ("岚 澜 曦 翎 湄 珑 琮 璇 泠 霁 峤 昙 芷 荇 蘅 芃 菁 蔚 霖 溟 渺 瑶 琬 璟 翊 瑜 珩 玥 "
              "琰 璞 瓒 皎 晔 昀 暄 煦 烨 炜 焱 桦 楠 榕 樾 栎 棠 椿 杉 柘 芮 苒 茗 萱 蕙 蓁 芊 葳 "
              "澈 湛 沁 汐 淼 潆 滢 澹 漪 涟 沅 洹 泓 浔 渚 汀 屿 岫 嵘 岑 崧 峥 嶂 巍 峦 黛 霓 霏 "
              "雯 雩 鸾 鹭 鸿 翡 翠 羚 麟 骐 骏 驰 骊 琨 瑾 璋 珏 琦 瑛").split()
_SUFFIXES = (("县", 0.55), ("区", 0.3), ("市", 0.15))
_NUMERALS = "一二三四五六七八九十"
_SENTENCE = re.compile(r"[^。；]+[。；]")
_SECTION = re.compile(r"(?:^|[\s。])[一二三四五六七八九十]{1,2}、\s*([^\s。；，,（(：:]{4,30})")


def numeral(k: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十 (enough for plan numbering)."""
    if k <= 10:
        return _NUMERALS[k - 1]
    tens, ones = divmod(k, 10)
    return ("" if tens == 1 else _NUMERALS[tens - 1]) + "十" + (_NUMERALS[ones - 1] if ones else "")


@dataclass(frozen=True)
class Pool:
    """Real material to recombine."""

    tasks: tuple[str, ...]       # whole task texts, responsibility notes included
    headings: tuple[str, ...]    # task title phrases
    sentences: tuple[str, ...]   # body sentences of task content
    sections: tuple[str, ...]    # 一、 section headings
    units: tuple[str, ...]       # lead and cooperating unit names


def source_files() -> list[Path]:
    """The real plans recombined: the seeds and the shared development documents."""
    return sorted((ROOT / "data" / "raw").glob("*.txt")) + sorted((config.SHARED_DIR / "extra").glob("*.txt"))


@lru_cache(maxsize=1)
def pool() -> Pool:
    """Parse the source plans once and collect their tasks, sentences, headings and units."""
    from analysis.ingest import parse_file
    from analysis.ingest.patterns import load_patterns

    skip = load_patterns().non_task_sections + ("主要任务", "保障措施", "工作要求", "组织保障")
    tasks, headings, sentences, sections, units = [], [], [], [], []
    for path in source_files():
        doc = parse_file(path)
        if doc.failed or not doc.is_plan:
            continue
        for t in doc.tasks:
            names = t.lead_units + t.cooperating_units
            units += names
            if t.layout == "prose":
                tasks.append(t.text)
            elif names:
                tasks.append(t.content.rstrip("。") + "。（责任单位：" + "、".join(names) + "）")
            heading = t.heading.strip("。 ")
            if 4 <= len(heading) <= 30:
                headings.append(heading)
            body = t.content[len(t.heading):] if t.heading and t.content.startswith(t.heading) else t.content
            sentences += [s.strip() for s in _SENTENCE.findall(body) if 12 <= len(s.strip()) <= 160]
        text = path.read_text(encoding="utf-8")
        sections += [h for h in _SECTION.findall(text) if not h.startswith(skip)]
    unique = lambda xs: tuple(dict.fromkeys(xs))  # noqa: E731 — first-seen order, deterministic
    return Pool(unique(tasks), unique(headings), unique(sentences), unique(sections),
                unique(u for u in units if 3 <= len(u) <= 20))


def invented_regions(n: int, seed: int = DEFAULT_SEED) -> list[str]:
    """`n` distinct invented region names that neither are nor contain a name of the region table."""
    from analysis.ingest.regions import region_table

    table = region_table()
    rng = random.Random(f"regions-{seed}")
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < n:
        a, b = rng.sample(_SYLLABLES, 2)
        suffix = rng.choices([s for s, _ in _SUFFIXES], [w for _, w in _SUFFIXES])[0]
        name = a + b + suffix
        if name in seen or table.rx.search(name) or table.rx.search(a + b):
            continue
        seen.add(name)
        names.append(name)
    return names


def provinces(regions: list[str], seed: int = DEFAULT_SEED) -> dict[str, str]:
    """A real province for each invented region (a pure function of the names and the seed): one of
    the 31 of the mainland, whose governments issue these plans (not Taiwan, Hong Kong, Macao)."""
    from analysis.ingest.regions import region_table

    names = sorted(r["name"] for r in region_table().rows
                   if r["level"] == "province" and not r["adcode"].startswith(("71", "81", "82")))
    return {region: random.Random(f"province-{seed}-{region}").choice(names) for region in regions}


def _task(rng: random.Random, p: Pool) -> str:
    """One task: a real one (a quarter of the time) or a real heading over recombined real sentences."""
    if rng.random() < 0.25:
        return p.tasks[rng.randrange(len(p.tasks))]
    body = "".join(rng.choice(p.sentences) for _ in range(rng.randint(1, 4)))
    units = rng.sample(p.units, rng.randint(1, 3))
    style = rng.random()
    if style < 0.6:
        note = "（责任单位：" + "，".join(units) + "）"
    elif style < 0.85 and len(units) > 1:
        note = f"（{units[0]}牵头，{'、'.join(units[1:])}配合）"
    else:
        note = f"（{units[0]}牵头落实）"
    return f"{rng.choice(p.headings)}。{body}{note}"


def plan_text(region: str, year: int, rng: random.Random, p: Pool) -> tuple[str, int]:
    """The text of one invented plan and its number of tasks."""
    n_tasks = rng.randint(15, 60)
    n_sections = max(3, min(8, n_tasks // rng.randint(5, 9)))
    cuts = sorted(rng.sample(range(1, n_tasks), n_sections - 1))
    sizes = [b - a for a, b in zip([0, *cuts], [*cuts, n_tasks])]
    short = region[:-1]
    office = f"{region}人民政府办公室"
    title = f"{year}年{region}政务公开工作要点"
    month, day = rng.randint(2, 6), rng.randint(1, 28)
    lines = [
        MARK,
        f"{office}关于印发{title}的通知",
        f"{short[0]}政办发〔{year}〕{rng.randint(1, 60)}号",
        "",
        f"各乡镇人民政府、街道办事处，{region}政府各部门、各直属机构：",
        f"　　经{region}政府同意，现将《{title}》印发给你们，请结合实际，认真贯彻落实。",
        "",
        f"{office}",
        f"{year}年{month}月{day}日",
        "（此件公开发布）",
        "",
        title,
        "",
        f"　　{year}年全{region[-1]}政务公开工作要坚持以公开为常态、不公开为例外，以公开促落实、强监管、优服务，"
        "不断提升政府工作透明度。",
    ]
    sections = rng.sample(p.sections, min(len(p.sections), n_sections))
    for s, (heading, size) in enumerate(zip(sections, sizes), start=1):
        lines.append(f"　　{numeral(s)}、{heading}")
        if size >= 4 and rng.random() < 0.33:
            groups = [size // 2, size - size // 2]
            for g, count in enumerate(groups, start=1):
                lines.append(f"　　（{numeral(g)}）{rng.choice(p.headings)}")
                lines += [f"　　{k}.{_task(rng, p)}" for k in range(1, count + 1)]
        else:
            lines += [f"　　（{numeral(k)}）{_task(rng, p)}" for k in range(1, size + 1)]
    lines.append("")
    return "\n".join(lines) + "\n", n_tasks


def slots(n: int, seed: int = DEFAULT_SEED) -> list[tuple[str, int]]:
    """`n` distinct (region, year) pairs: about n / 5 regions, each with plans for several years."""
    regions = invented_regions(max(1, -(-n // 5)) + 1, seed)
    pairs = [(r, y) for r in regions for y in YEARS]
    random.Random(f"slots-{seed}").shuffle(pairs)
    return sorted(pairs[:n], key=lambda ry: (ry[0], ry[1]))


def file_name(region: str, year: int) -> str:
    return f"synthetic-{hashlib.sha1(region.encode()).hexdigest()[:8]}-{year}.txt"


def generate(n: int, out: Path | None = None, seed: int = DEFAULT_SEED, manifest: bool = True) -> Path:
    """Write `n` synthetic plans (and a manifest.csv listing them, an overrides.csv giving their
    provinces) to `out`; returns the folder.

    The folder must not be data/raw/. Existing synthetic files there that are not part of
    this corpus are removed, so a folder always holds exactly one corpus.
    """
    out = Path(out or OUTPUT / f"corpus-{n}")
    if out.resolve() == config.RAW_DIR.resolve():
        raise ValueError("synthetic plans must never be written to data/raw/")
    out.mkdir(parents=True, exist_ok=True)
    p = pool()
    rows, names = [], set()
    pairs = slots(n, seed)
    province = provinces(sorted({region for region, _ in pairs}), seed)
    for region, year in pairs:
        rng = random.Random(f"{seed}-{region}-{year}")
        text, _ = plan_text(region, year, rng, p)
        name = file_name(region, year)
        data = text.encode("utf-8")
        path = out / name
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
        names.add(name)
        rows.append({"file": name, "sha256": hashlib.sha256(data).hexdigest(),
                     "source": f"synthetic (seed {seed}; region {region} is invented)", "added": "2000-01-01",
                     "province": province[region]})
    for stale in out.glob("synthetic-*.txt"):
        if stale.name not in names:
            stale.unlink()
    rows.sort(key=lambda r: r["file"])
    if manifest:
        _write_csv(out / "manifest.csv", ["file", "sha256", "source", "added"], rows)
    _write_csv(out / "overrides.csv", ["file", "province"], rows)
    return out


def _write_csv(path: Path, columns: list[str], rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def extra_plan(corpus: Path, seed: int = DEFAULT_SEED) -> Path:
    """Write one more plan (a region not in the corpus) into `corpus`: the 'one new plan' of a rebuild."""
    from analysis.ingest.regions import region_table

    rng = random.Random(f"extra-{seed}")
    region = ""
    while not region or region_table().rx.search(region):
        region = "".join(rng.sample(_SYLLABLES, 3)) + "县"  # three syllables: never a corpus region
    text, _ = plan_text(region, 2024, rng, pool())
    path = corpus / file_name(region, 2024)
    path.write_text(text, encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("sizes", type=int, nargs="*", default=[200, 2000, 20000], help="numbers of plans")
    ap.add_argument("--out", type=Path, help="folder (one size only; default benchmarks/output/corpus-N)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = ap.parse_args(argv)
    if args.out and len(args.sizes) > 1:
        ap.error("--out takes one size")
    for n in args.sizes:
        print(generate(n, args.out, args.seed))


if __name__ == "__main__":
    main()
