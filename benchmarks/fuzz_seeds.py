"""Mutation fuzzing of the readers and parser at scale (the test suite runs 300 mutants; this runs thousands).

Every mutant of the real plans (data/raw/*.txt, ../shared/extra/*.txt when present, one generated DOCX
and PDF) — bytes flipped, cut, re-encoded, mis-decoded, duplicated, deleted, NUL-filled, spliced, wrapped
in HTML, or several of these — goes through `analysis.ingest.parse_bytes` in a worker process with a hard
time limit. Expected: each either parses or fails with a stated reason. Crashes, invalid results and
hangs are saved with their traceback under benchmarks/output/fuzz-crashes/ for replay:

    .venv/bin/python benchmarks/fuzz_seeds.py --mutants 20000 --seed 1
    .venv/bin/python -c "from analysis.ingest import parse_bytes; \\
        print(parse_bytes(open('benchmarks/output/fuzz-crashes/<file>', 'rb').read(), '<name>'))"

Exit code 1 when anything crashed, hung or came back invalid.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from fuzz.mutate import KINDS, mutant  # noqa: E402
from fuzz.runner import BAD, OUTCOMES, reason_category, run  # noqa: E402

OUT = ROOT / "benchmarks" / "output" / "fuzz-crashes"


def seed_files(binary: bool) -> dict[str, bytes]:
    from analysis import config

    files = {p.name: p.read_bytes() for p in sorted(config.RAW_DIR.glob("*.txt"))}
    extra = config.SHARED_DIR / "extra"
    if extra.is_dir():
        files |= {p.name: p.read_bytes() for p in sorted(extra.glob("*.txt"))}
    if binary:
        from helpers_docs import PLAN_TEXT, plan_docx, table_docx, text_pdf

        files |= {"generated-plan.docx": plan_docx(), "generated-table.docx": table_docx(),
                  "generated-plan.pdf": text_pdf(PLAN_TEXT.splitlines() * 2)}
    return files


def save(result, data: bytes, out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    stem = f"{result.outcome}-{hashlib.sha256(data).hexdigest()[:12]}"
    (out / f"{stem}.bin").write_bytes(data)
    (out / f"{stem}.json").write_text(json.dumps({"label": result.label, "kind": result.kind, "name": result.name,
                                                  "outcome": result.outcome, "seconds": result.seconds,
                                                  "detail": result.detail}, ensure_ascii=False, indent=1),
                                      encoding="utf-8")
    return out / f"{stem}.bin"


def table(counts: Counter, rows: list[str], cols: list[str]) -> str:
    width = max(len(r) for r in rows + ["kind"]) + 2
    lines = ["kind".ljust(width) + "".join(c.rjust(14) for c in cols + ["total"])]
    for r in rows:
        cells = [counts[(r, c)] for c in cols]
        lines.append(r.ljust(width) + "".join(str(n).rjust(14) for n in cells + [sum(cells)]))
    totals = [sum(counts[(r, c)] for r in rows) for c in cols]
    lines.append("total".ljust(width) + "".join(str(n).rjust(14) for n in totals + [sum(totals)]))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mutants", type=int, default=20_000, help="how many mutants (default 20000)")
    ap.add_argument("--seed", type=int, default=1, help="random seed: the same seed gives the same mutants")
    ap.add_argument("--workers", type=int, default=2, help="worker processes")
    ap.add_argument("--timeout", type=float, default=120, help="seconds before a mutant counts as a hang")
    ap.add_argument("--kinds", default=",".join(KINDS), help=f"comma-separated subset of {','.join(KINDS)}")
    ap.add_argument("--text-only", action="store_true", help="leave out the generated DOCX and PDF seeds")
    ap.add_argument("--out", type=Path, default=OUT, help="where crashing inputs are saved")
    ap.add_argument("--json", type=Path, help="also write the counts as JSON here")
    args = ap.parse_args(argv)

    kinds = tuple(k for k in args.kinds.split(",") if k)
    seeds = seed_files(binary=not args.text_only)
    sizes: Counter = Counter()

    def cases():  # generated as the workers ask for them: 20,000 mutants do not fit in memory at once
        for i in range(args.mutants):
            case = mutant(seeds, i, args.seed, kinds)
            sizes[case.kind] += len(case.data)
            yield case

    print(f"{args.mutants} mutants of {len(seeds)} seed files, kinds {', '.join(kinds)}, seed {args.seed}, "
          f"{args.workers} workers, {args.timeout:.0f} s limit", flush=True)
    counts, reasons = Counter(), Counter()
    slowest: list[tuple[float, str]] = []
    bad = []
    started = time.monotonic()
    for k, result in enumerate(run(cases(), timeout=args.timeout, workers=args.workers), 1):
        counts[(result.kind, result.outcome)] += 1
        slowest = sorted(slowest + [(result.seconds, result.label)])[-5:]
        if result.outcome == "failed":
            reasons[reason_category(result.detail)] += 1
        if result.outcome in BAD:
            index = int(result.label.rsplit(":", 1)[1])
            path = save(result, mutant(seeds, index, args.seed, kinds).data, args.out)
            bad.append(result)
            print(f"  {result.outcome.upper()}: {result.label} ({result.name}) saved as {path}", flush=True)
        if k % 1000 == 0:
            print(f"  {k} done, {time.monotonic() - started:.0f} s, {len(bad)} bad", flush=True)
    seconds = time.monotonic() - started
    print(f"\n{sum(counts.values())} mutants in {seconds:.0f} s "
          f"({sum(sizes.values()) / 2**20:.0f} MiB of input)\n")
    print(table(counts, list(kinds), list(OUTCOMES)))
    print("\nreasons given for failed=True:")
    for reason, n in reasons.most_common():
        print(f"  {n:7d}  {reason}")
    print("\nslowest: " + "; ".join(f"{label} {s:.2f} s" for s, label in reversed(slowest)))
    print(f"\n{len(bad)} crash/invalid/hang" + (f", saved under {args.out}" if bad else ""))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"mutants": sum(counts.values()), "seed": args.seed, "seconds": seconds,
                                         "counts": {f"{k}/{o}": n for (k, o), n in sorted(counts.items())},
                                         "reasons": dict(reasons.most_common()),
                                         "bad": [r.label for r in bad]}, indent=1), encoding="utf-8")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
