"""Benchmarks of the real build on synthetic corpora (what `make bench` runs).

For each corpus size N (synthetic plans from benchmarks/synthetic.py) it runs, each build in a
fresh process and into its own temporary folders (never data/processed/):

1. a full build with --workers W (default 2): wall time and peak memory per stage, throughput;
2. a full build with one worker: ratio (b), and the check that both give identical bytes;
   after it, in the same process with jieba warmed up, bare `jieba.lcut` over the same task
   text: ratio (a), the segment + classify stage against the floor of this design; up to
   --pairs-max plans, --pairs - 1 more pairs of builds (one worker, W workers) so that ratio
   (b), a small difference of two short stages, is the median of several pairs;
3. an incremental rebuild of (1) after one new plan is added: ratio (c); up to --single-max
   plans, the same rebuild from a copy of (1) in a process that watches, as `python -m analysis
   watch` does: it preloaded the models and libraries and built the corpus before the plan
   (keeping the per-document tables in memory), then the plan is added, and after it two more
   new plans one at a time: ratio (c) for a watching process is the median of the three.

Results go to benchmarks/results.md (tables, machine, targets) and benchmarks/results.json.

    python benchmarks/run.py                         # sizes 200 2000 20000, 2 workers
    python benchmarks/run.py --quick                 # 200 plans only
    python benchmarks/run.py --sizes 200 2000 --workers 2 --single-max 2000
"""
from __future__ import annotations

import argparse
import filecmp
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

#: Targets of the issue "Benchmarks and scale" (and "Pipeline" for the 200-plan rebuild).
TARGETS = {
    "segment_classify_vs_jieba": ("segment + classify ≤ 1.5 × bare jieba.lcut", lambda v: v <= 1.5),
    "segment_classify_vs_jieba_real": ("segment + classify ≤ 1.5 × bare jieba.lcut, real documents (no reuse across them)",
                                       lambda v: v <= 1.5),
    "per_document_speedup": ("2 workers ≥ 1.7 × faster than 1 (per-document stage)", lambda v: v >= 1.7),
    "build_20000_minutes": ("20,000 plans build in < 15 min", lambda v: v < 15),
    "peak_gb_20000": ("20,000 plans: peak memory < 4 GB", lambda v: v < 4),
    "rebuild_share_2000": ("rebuild after one new plan < 5 % of the full build (2,000 plans), new process",
                           lambda v: v < 0.05),
    "rebuild_share_watch_2000": ("the same in a watching process (`analysis watch`)", lambda v: v < 0.05),
    "rebuild_share_200": ("rebuild after one new plan < 10 % of the full build (200 plans), new process",
                          lambda v: v < 0.10),
    "rebuild_share_watch_200": ("the same in a watching process (`analysis watch`)", lambda v: v < 0.10),
}
STAGES = ("scan", "load", "documents", "tables", "measures", "write")
WATCH_PLANS = 3  # new plans a watching process builds one after another: ratio (c) watching is their median
#: Sample every build's memory as proportional set size (--pss; the environment passes it to the builds).
PSS = os.environ.get("BENCH_PSS") == "1"


# ---------------------------------------------------------------------------- memory sampling
class Sampler(threading.Thread):
    """Resident memory of this process and its children (the workers), sampled every `interval` s;
    `proportional`: their proportional set sizes instead, so that the pages forked workers share
    with this process count once (slower to read: the figures build uses it, whose drawing workers
    are forked with the tables in memory; every build with --pss)."""

    def __init__(self, interval: float = 0.05, proportional: bool = False):
        super().__init__(daemon=True)
        self.interval, self.samples, self._halt = interval, [], threading.Event()
        self.cpu = 0.0
        self.proportional = proportional
        try:
            import psutil

            self._proc = psutil.Process()
        except ImportError:  # no psutil: this process only, from /proc
            self._proc = None

    def rss(self) -> tuple[int, int]:
        if self._proc is None:
            with open("/proc/self/statm") as fh:
                return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE"), 0
        size = (lambda p: p.memory_full_info().pss) if self.proportional else (lambda p: p.memory_info().rss)
        own = size(self._proc)
        children = 0
        for child in self._proc.children(recursive=True):
            try:
                children += size(child)
            except Exception:  # noqa: BLE001 — a worker that just exited
                pass
        return own, children

    def run(self):
        while not self._halt.is_set():
            self.samples.append((time.perf_counter(), *self.rss()))
            self._halt.wait(self.interval)
        self.cpu = time.thread_time()  # its own CPU, which the build process's CPU time includes

    def stop(self):
        self._halt.set()
        self.join()
        self.samples.append((time.perf_counter(), *self.rss()))

    def peak(self, start: float, end: float) -> dict[str, float]:
        window = [s for s in self.samples if start <= s[0] <= end] or self.samples[-1:]
        return {"main_mb": max(s[1] for s in window) / 2**20, "workers_mb": max(s[2] for s in window) / 2**20,
                "total_mb": max(s[1] + s[2] for s in window) / 2**20}


# ---------------------------------------------------------------------------- one build (child process)
def one_build(raw: Path, work: Path, workers: int, floor: bool, figures: bool = False,
              adds: list[Path] = ()) -> dict:
    """Run analysis.pipeline.build once in this process and describe it (called in a fresh process);
    `figures`: with the figures and the report, as `make report` builds them. With `adds` it builds
    as a watching process (`python -m analysis watch`) does: after `pipeline.preload` and a resident
    build of `raw`, each plan of `adds` in turn is copied in, built (measured) and taken out again
    (built again, not measured); the median run is described, with every run's wall time."""
    from analysis.pipeline import build, preload

    if not adds:
        out = _measured(raw, work, workers, figures)
        if floor:
            out["floor"] = jieba_floor(work / "processed")
        return out
    def settle() -> None:  # a watching build of `raw` as it is, not measured
        build(raw, work / "processed", work / "reports", work / "cache", workers=workers, figures=False,
              report=False, resident=True)

    clock = time.perf_counter()
    preload()
    preloaded = time.perf_counter() - clock
    settle()
    settled = time.perf_counter() - clock - preloaded
    runs = []
    for plan in adds:
        shutil.copyfile(plan, raw / plan.name)
        runs.append(_measured(raw, work, workers, figures=False, resident=True))
        (raw / plan.name).unlink()
        settle()
    out = sorted(runs, key=lambda r: r["wall"])[len(runs) // 2]
    return out | {"walls": [r["wall"] for r in runs], "preload_seconds": preloaded, "first_build_seconds": settled}


def _measured(raw: Path, work: Path, workers: int, figures: bool, resident: bool = False) -> dict:
    """One build, timed and its memory sampled, stage by stage."""
    from analysis.pipeline import build

    sampler = Sampler(proportional=figures or PSS)
    sampler.start()
    start, cpu, children = time.perf_counter(), time.process_time(), _children_cpu()
    summary = build(raw, work / "processed", work / "reports", work / "cache", workers=workers, figures=figures,
                    report=figures, resident=resident)
    wall = time.perf_counter() - start
    cpu, children = time.process_time() - cpu, _children_cpu() - children
    sampler.stop()
    seconds = dict(summary.seconds)
    peaks, clock = {}, start
    for stage in STAGES:
        peaks[stage] = sampler.peak(clock, clock + seconds.get(stage, 0.0))
        clock += seconds.get(stage, 0.0)
    peaks["build"] = sampler.peak(start, start + wall)
    return {"workers": workers, "wall": wall, "seconds": seconds, "peak": peaks,
            "cpu": {"build": cpu - sampler.cpu, "workers": children},
            "maxrss_self_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "maxrss_workers_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
            "n_documents": summary.n_documents, "n_tasks": summary.n_tasks, "processed": len(summary.processed),
            "failed": len(summary.failed), "up_to_date": summary.up_to_date}


def _children_cpu() -> float:
    """CPU seconds of this process's ended child processes (a build's worker pools end with it)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _cpu(run: dict) -> str:
    """'; CPU x s in the build process, y s in its workers' of a measured build (older results: '')."""
    cpu = run.get("cpu")
    return "" if cpu is None else f"; CPU {cpu['build']:.1f} s in the build process, {cpu['workers']:.1f} s in its workers"


def jieba_floor(processed: Path) -> dict:
    """Bare jieba.lcut over the task text the build segmented (warm, in this process)."""
    import pandas as pd

    from analysis.text.segment import _BLOCK, normalize

    texts = pd.read_parquet(processed / "tasks.parquet", columns=["content"])["content"].fillna("").tolist()
    blocks = [b for text in texts for b in _BLOCK.findall(normalize(text))]
    unique = list(dict.fromkeys(blocks))  # what the build's segmenter cuts: each distinct block once
    return {"jieba_seconds": bare_jieba(texts), "jieba_unique_seconds": bare_jieba(unique),
            "chars": sum(map(len, texts)), "tasks": len(texts), "blocks": len(blocks), "unique_blocks": len(unique)}


def pipeline_settled() -> float:
    """Seconds after which the build's scan trusts a raw file's recorded hash (`pipeline.SETTLED_NS`)."""
    from analysis.pipeline import SETTLED_NS

    return SETTLED_NS / 1e9


def start_floor() -> float:
    """Seconds a fresh process spends before it can parse one plan: importing the package, reading
    the versions (codebook) and loading the parser, classifier and dictionary. Every rebuild that
    parses a new plan in a new process pays this, whatever the corpus size."""
    code = ("import time; t = time.perf_counter(); from analysis.pipeline import _start, versions; "
            "versions(); _start(); print(time.perf_counter() - t)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    return float(done.stdout.strip().splitlines()[-1])


def run_build(raw: Path, work: Path, workers: int, floor: bool = False, figures: bool = False,
              adds: list[Path] = ()) -> dict:
    """`one_build` in a fresh interpreter (clean memory figures, no warm caches)."""
    cmd = [sys.executable, str(Path(__file__)), "--one-build", str(raw), str(work), str(workers)]
    for flag, on in (("--floor", floor), ("--figures", figures)):
        if on:
            cmd.append(flag)
    for plan in adds:
        cmd += ["--add", str(plan)]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise RuntimeError(f"build failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------------- the real plans
PER_DOCUMENT = ("read", "parse", "classify", "segment", "bootstrap", "cache")


def real_files() -> list[Path]:
    """The real documents at hand: the seed plans of data/raw/ and the development set of ../shared/extra/."""
    from analysis import config

    folders = [config.RAW_DIR, config.SHARED_DIR / "extra"]
    return sorted(p for folder in folders if folder.is_dir() for p in folder.iterdir()
                  if p.is_file() and p.suffix.lower() in config.RAW_SUFFIXES)


def real_cost(rounds: int = 3) -> dict:
    """The per-document stage over the real documents, in this process: seconds per stage and
    characters of clean text, from the fastest of `rounds` passes, each started with empty
    memos (nothing reused across documents, as in a corpus whose plans never copy each other;
    the first pass also pays one-off warm-ups that a large corpus spreads thin). Then bare
    `jieba.lcut` over the same task text, warm, best of `rounds` (the floor of ratio a)."""
    from analysis import domains
    from analysis.pipeline import _process, _start
    from analysis.text import segment

    _start()
    best = None
    for _ in range(rounds):
        segment._MEMO.clear()
        segment._WORDS.clear()
        domains._SEEN.clear()
        seconds, chars, files, texts = dict.fromkeys(PER_DOCUMENT, 0.0), 0, 0, []
        for path in real_files():
            result = _process((str(path), path.name, "", None))
            if result["document"]["failed"]:
                continue
            files, chars = files + 1, chars + result["document"]["n_chars"]
            texts += [task["content"] or "" for task in result["document"]["tasks"]]
            for stage in PER_DOCUMENT:
                seconds[stage] += result["seconds"][stage]
        if best is None or sum(seconds.values()) < sum(best.values()):
            best = seconds
    return {"files": files, "chars": chars, "seconds": best, "rounds": rounds,
            "jieba_seconds": bare_jieba(texts, repeat=rounds)}


def bare_jieba(texts: list[str], repeat: int = 1) -> float:
    """Seconds of `jieba.lcut` over texts, warmed up (the best of `repeat` runs)."""
    import logging
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import jieba
    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    jieba.lcut("政务公开工作要点")
    best = float("inf")
    for _ in range(repeat):
        clock = time.perf_counter()
        for text in texts:
            jieba.lcut(text)
        best = min(best, time.perf_counter() - clock)
    return best


def run_real_cost() -> dict:
    done = subprocess.run([sys.executable, str(Path(__file__)), "--real-cost"], capture_output=True, text=True,
                          cwd=ROOT)
    if done.returncode != 0:
        raise RuntimeError(f"real-plan run failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def real_ratio(real: dict) -> float:
    """Ratio (a) on the real documents: segment + classify over bare jieba on the same text."""
    return (real["seconds"]["segment"] + real["seconds"]["classify"]) / real["jieba_seconds"]


def lower_run(runs: list[dict]) -> dict:
    """Of several `run_real_cost` runs, the one with the lowest ratio (a) (other load on the machine
    only ever slows a run down: in one run its first seconds gave 1.76 against 1.17-1.23 after), with
    every run's ratio."""
    best = min(runs, key=real_ratio)
    return best | {"ratios_of_runs": [real_ratio(r) for r in runs]}


def per_mchar(seconds: dict, chars: int) -> float:
    """Seconds of the per-document stage (summed over documents) per million characters."""
    return sum(seconds.get(stage, 0.0) for stage in PER_DOCUMENT) / chars * 1e6


def real_section(real: dict, results: list[dict]) -> list[str]:
    """How far the synthetic corpora's per-document cost is from the real documents'."""
    cost = per_mchar(real["seconds"], real["chars"])
    lines = ["## The real documents against the synthetic corpora", "",
             f"The per-document stage ({', '.join(PER_DOCUMENT)}; seconds summed over documents) per million "
             f"characters. Real: the {real['files']} real documents at hand (seed plans and `../shared/extra/`), "
             f"{real['chars']:,} characters of clean text; the fastest of {real.get('rounds', 1)} passes over them, each "
             "with empty memos, so nothing is reused across documents (a real corpus whose plans copy each other "
             "costs somewhat less). "
             f"Ratio (a) on them: segment + classify {real['seconds']['segment'] + real['seconds']['classify']:.3f} s "
             f"against bare `jieba.lcut` over the same task text {real['jieba_seconds']:.3f} s (warm, best of three) "
             f"= **{real_ratio(real):.2f}**"
             + (f", the lower of {len(real['ratios_of_runs'])} runs of this measurement (at the start and at the end "
                f"of the benchmark: {', '.join(f'{v:.2f}' for v in real['ratios_of_runs'])})"
                if len(real.get("ratios_of_runs", [])) > 1 else "") + ".", "",
             "| corpus | s per M characters | parse | classify | segment | bootstrap |", "|---|---:|---:|---:|---:|---:|"]

    def row(name: str, seconds: dict, chars: int) -> str:
        share = {k: seconds.get(k, 0.0) / max(sum(seconds.get(s, 0.0) for s in PER_DOCUMENT), 1e-12)
                 for k in ("parse", "classify", "segment", "bootstrap")}
        return (f"| {name} | {per_mchar(seconds, chars):.2f} | " + " | ".join(f"{v:.0%}" for v in share.values())
                + " |")

    lines.append(row(f"real ({real['files']} documents)", real["seconds"], real["chars"]))
    for r in results:
        lines.append(row(f"synthetic, {r['n_plans']:,} plans", r["full"]["seconds"], r["raw_chars"]))
    big = max(results, key=lambda r: r["n_plans"])
    full = big["full"]
    projected = cost * big["raw_chars"] / 1e6 / full["workers"] / 60
    lines += ["", f"Projection, not a measurement: at the real documents' cost per character, the per-document "
              f"stage of a corpus as large as the {big['n_plans']:,}-plan one ({big['raw_chars'] / 1e6:.0f} M "
              f"characters) would take about {projected:.1f} minutes on {full['workers']} workers (measured on the "
              f"synthetic corpus: {full['seconds']['documents'] / 60:.1f} minutes).", ""]
    return lines


# ---------------------------------------------------------------------------- one size
def same_bytes(a: Path, b: Path) -> bool:
    names = sorted(p.name for p in a.iterdir() if p.is_file())
    if names != sorted(p.name for p in b.iterdir() if p.is_file()):
        return False
    return all(filecmp.cmp(a / n, b / n, shallow=False) for n in names)


def bench_size(n: int, workers: int, single: bool, tmp: Path, log, floor_max: int = 20000, pairs: int = 1) -> dict:
    from benchmarks.synthetic import extra_plan, generate

    clock = time.perf_counter()
    corpus = generate(n)
    log(f"N={n}: corpus {corpus} ({time.perf_counter() - clock:.0f}s to generate)")
    files = sorted(corpus.glob("*.txt"))
    chars = sum(len(p.read_text(encoding="utf-8")) for p in files)
    raw = tmp / f"raw-{n}"
    shutil.rmtree(raw, ignore_errors=True)
    raw.mkdir(parents=True)
    for p in [*files, corpus / "manifest.csv", corpus / "overrides.csv"]:
        shutil.copyfile(p, raw / p.name)
    time.sleep(pipeline_settled())  # as any corpus built after it was copied: the scan records its hashes
    result = {"n_plans": n, "raw_chars": chars, "raw_bytes": sum(p.stat().st_size for p in files),
              "load_before": os.getloadavg()}

    log(f"N={n}: full build, {workers} workers")
    full = run_build(raw, tmp / f"w{workers}-{n}", workers, floor=not single and n <= floor_max)
    result["full"] = full
    log(f"N={n}: {full['wall']:.1f}s, peak {full['peak']['build']['total_mb']:.0f} MB")

    if single:
        log(f"N={n}: full build, 1 worker (+ bare jieba floor)")
        one = run_build(raw, tmp / f"w1-{n}", 1, floor=True)
        result["single"] = one
        result["identical_across_workers"] = same_bytes(tmp / f"w{workers}-{n}" / "processed",
                                                        tmp / f"w1-{n}" / "processed")
        log(f"N={n}: {one['wall']:.1f}s; identical bytes: {result['identical_across_workers']}")
        result["speedups"] = [one["seconds"]["documents"] / full["seconds"]["documents"]]
        for k in range(1, pairs):  # alternating which of the two goes first
            order = (1, workers) if k % 2 else (workers, 1)
            built = {w: run_build(raw, tmp / f"pair{k}-w{w}-{n}", w) for w in order}
            result["speedups"].append(built[1]["seconds"]["documents"] / built[workers]["seconds"]["documents"])
            log(f"N={n}: pair {k + 1} of {pairs}: ratio (b) {result['speedups'][-1]:.2f}")

    if single:  # the state before the new plan, for the watching process's rebuild of the same plan
        shutil.copytree(tmp / f"w{workers}-{n}", tmp / f"watch-{n}", symlinks=True)
    extra = extra_plan(raw)
    log(f"N={n}: rebuild after adding {extra.name}")
    result["rebuild"] = run_build(raw, tmp / f"w{workers}-{n}", workers)
    log(f"N={n}: figures and report (no new plan)")
    result["figures"] = run_build(raw, tmp / f"w{workers}-{n}", workers, figures=True)
    log(f"N={n}: the same build again (nothing to do)")
    result["noop"] = run_build(raw, tmp / f"w{workers}-{n}", workers, figures=True)
    result["start_floor"] = start_floor()
    staged = tmp / f"extra-{n}"
    staged.mkdir(exist_ok=True)
    shutil.move(extra, staged / extra.name)
    if single:
        adds = [staged / extra.name, *(extra_plan(staged, seed=k) for k in range(1, WATCH_PLANS))]
        log(f"N={n}: the same rebuild and {WATCH_PLANS - 1} more new plans in a watching process, as "
            f"`analysis watch` builds them")
        result["watch"] = run_build(raw, tmp / f"watch-{n}", workers, adds=adds)
    result["load_after"] = os.getloadavg()
    result["ratios"] = ratios(result)
    log(f"N={n}: rebuild {result['rebuild']['wall']:.1f}s; ratios {result['ratios']}")
    return result


def ratios(r: dict) -> dict:
    full = r["full"]
    one = r.get("single")
    out = {"rebuild_share": r["rebuild"]["wall"] / full["wall"]}
    if "watch" in r:
        out["rebuild_share_watch"] = r["watch"]["wall"] / full["wall"]
        walls = r["watch"].get("walls", [r["watch"]["wall"]])
        out["rebuild_share_watch_range"] = [min(walls) / full["wall"], max(walls) / full["wall"]]
    base = one or full
    floor = base.get("floor")
    if floor:
        s = base["seconds"]
        out["segment_classify_vs_jieba"] = (s["segment"] + s["classify"]) / floor["jieba_seconds"]
        out["segment_vs_jieba"] = s["segment"] / floor["jieba_seconds"]
        if "jieba_unique_seconds" in floor:
            out["segment_classify_vs_jieba_unique"] = (s["segment"] + s["classify"]) / floor["jieba_unique_seconds"]
    if one:
        speedups = r.get("speedups") or [one["seconds"]["documents"] / full["seconds"]["documents"]]
        out["per_document_speedup"] = statistics.median(speedups)
        out["per_document_speedup_range"] = [min(speedups), max(speedups)]
        out["build_speedup"] = one["wall"] / full["wall"]
    return out


# ---------------------------------------------------------------------------- reporting
def machine() -> dict:
    mem = {k: v for k, v in (line.split(":", 1) for line in Path("/proc/meminfo").read_text().splitlines())}
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    return {"nproc": os.cpu_count(), "cpu": cpu, "ram_gb": round(int(mem["MemTotal"].split()[0]) / 2**20, 1),
            "python": platform.python_version(), "platform": platform.platform()}


def targets(results: list[dict], real: dict | None = None) -> dict[str, dict]:
    by_n = {r["n_plans"]: r for r in results}
    values = {}
    if real:
        values["segment_classify_vs_jieba_real"] = real_ratio(real)
    for r in results:
        for key in ("segment_classify_vs_jieba", "per_document_speedup"):
            if key in r["ratios"]:
                values.setdefault(key, r["ratios"][key])  # smallest size that measured it
    if 20000 in by_n:
        values["build_20000_minutes"] = by_n[20000]["full"]["wall"] / 60
        values["peak_gb_20000"] = by_n[20000]["full"]["peak"]["build"]["total_mb"] / 1024
    for n in (2000, 200):
        if n in by_n:
            values[f"rebuild_share_{n}"] = by_n[n]["ratios"]["rebuild_share"]
            if "rebuild_share_watch" in by_n[n]["ratios"]:
                values[f"rebuild_share_watch_{n}"] = by_n[n]["ratios"]["rebuild_share_watch"]
    return {k: {"target": TARGETS[k][0], "value": values[k], "pass": bool(TARGETS[k][1](values[k]))}
            for k in TARGETS if k in values}


def markdown(results: list[dict], info: dict, met: dict, real: dict | None = None) -> str:
    lines = ["# Benchmark results", "",
             f"Machine: {info['nproc']} cores ({info['cpu']}), {info['ram_gb']} GB RAM, Python {info['python']}, "
             f"{info['platform']}. Run {info['date']} with `{info['command']}`.", "",
             "Synthetic corpora (benchmarks/synthetic.py: invented regions, real task text recombined). Each build "
             "runs in a fresh process into temporary folders, figures and report off. Seconds marked · are "
             "summed over documents (wall time inside the workers; 'start' is each worker's start-up); a "
             "CPU/wall share well below 1 means the workers were waiting for "
             "a core (other load on the machine). The other stages are wall time of the build; 'load' is the "
             "build process loading the parser, classifier and segmenter's dictionary before the "
             "per-document stage 'documents', and forked workers inherit them. Peak memory is "
             + ("the proportional set size of the build process plus its worker processes (sampled every 50 ms "
                "with psutil, --pss: the pages forked workers share with the build count once; the sampling "
                "takes CPU from the workers)." if PSS else
                "the resident set of the build process plus its worker processes (sampled every 50 ms with "
                "psutil); up to 5,000 plans the measures' workers are forked with the tables in memory and "
                "those shared pages count once per process (run with --pss for proportional set sizes)."), ""]
    for r in results:
        full = r["full"]
        s = full["seconds"]
        lines += [f"## {r['n_plans']:,} plans", "",
                  f"{full['n_documents']:,} documents, {full['n_tasks']:,} tasks, {r['raw_chars']:,} characters "
                  f"({r['raw_bytes'] / 2**20:.1f} MiB); load average before/after "
                  f"{r['load_before'][0]:.2f} / {r['load_after'][0]:.2f}.", "",
                  f"| stage ({full['workers']} workers) | seconds | peak memory MB (main + workers) |",
                  "|---|---:|---:|"]
        for stage in ("start", "read", "parse", "classify", "segment", "bootstrap", "cache"):
            if stage in s:
                lines.append(f"| · {stage} (summed over {'workers' if stage == 'start' else 'documents'}) "
                             f"| {s[stage]:.1f} | |")
        busy = sum(s.get(k, 0) for k in ("read", "parse", "classify", "segment", "bootstrap", "cache"))
        if s.get("cpu") and busy:
            lines.append(f"| · CPU time of those / their wall time | {s['cpu'] / busy:.2f} | |")
        for stage in STAGES:
            p = full["peak"][stage]
            lines.append(f"| {stage} | {s.get(stage, 0):.1f} | {p['total_mb']:.0f} "
                         f"({p['main_mb']:.0f} + {p['workers_mb']:.0f}) |")
        p = full["peak"]["build"]
        lines += [f"| **whole build** | **{full['wall']:.1f}** | **{p['total_mb']:.0f}** "
                  f"({p['main_mb']:.0f} + {p['workers_mb']:.0f}) |", "",
                  f"Throughput: {r['raw_chars'] / full['wall']:,.0f} characters/s for the whole build, "
                  f"{r['raw_chars'] / max(s['documents'], 1e-9):,.0f} characters/s in the per-document stage. "
                  f"Rebuild after one new plan: {r['rebuild']['wall']:.1f} s "
                  f"(measures {r['rebuild']['seconds'].get('measures', 0):.1f} s{_cpu(r['rebuild'])})."
                  + (f" Figures and report (`make report`'s last stage, in a build without a new plan): "
                     f"{r['figures']['seconds'].get('figures+report', 0):.1f} s, that build's peak "
                     f"{r['figures']['peak']['build']['total_mb']:.0f} MB." if "figures" in r else "")
                  + (f" The same build again, with nothing to do: {r['noop']['wall']:.2f} s in the build "
                     + ("(the tables, figures and report were current)." if r["noop"].get("up_to_date")
                        else "(**it rebuilt**).") if "noop" in r else ""), ""]
        q = r["ratios"]
        lines += ["| ratio | value |", "|---|---:|"]
        if "segment_classify_vs_jieba" in q:
            lines.append(f"| (a) segment + classify / bare jieba.lcut, same text (1 worker) | "
                         f"{q['segment_classify_vs_jieba']:.2f} (segment alone {q['segment_vs_jieba']:.2f}) |")
        if "segment_classify_vs_jieba_unique" in q:
            floor = (r.get("single") or full)["floor"]
            lines.append(f"| (a') the same against jieba over the distinct blocks between punctuation only "
                         f"({floor['unique_blocks']:,} of {floor['blocks']:,}; the build segments a repeated block "
                         f"once per process) | {q['segment_classify_vs_jieba_unique']:.2f} |")
        if "per_document_speedup" in q:
            k = len(r.get("speedups", [])) or 1
            spread = "" if k == 1 else (f" (median of {k} pairs of builds, "
                                        f"{q['per_document_speedup_range'][0]:.2f}–{q['per_document_speedup_range'][1]:.2f})")
            lines.append(f"| (b) 1 worker / {full['workers']} workers, per-document stage | "
                         f"{q['per_document_speedup']:.2f}{spread} |")
            lines.append(f"| (b) 1 worker / {full['workers']} workers, whole build | {q['build_speedup']:.2f} |")
            lines.append(f"| outputs identical with 1 and {full['workers']} workers | "
                         f"{'yes' if r['identical_across_workers'] else '**no**'} |")
        lines.append(f"| (c) rebuild after one new plan / full build | {q['rebuild_share']:.3f} |")
        if "rebuild_share_watch" in q:
            walls = ", ".join(f"{w:.2f}" for w in r["watch"]["walls"])
            low, high = q["rebuild_share_watch_range"]
            lines.append(f"| (c) the same in a watching process (`python -m analysis watch`, which loaded the models "
                         f"and libraries once before the plan arrived, {r['watch']['preload_seconds']:.2f} s, and "
                         f"built the corpus keeping its tables in memory, {r['watch']['first_build_seconds']:.2f} s; "
                         f"then {len(r['watch']['walls'])} new plans one after another: {walls} s{_cpu(r['watch'])} "
                         f"in the median one) / full build, median | {q['rebuild_share_watch']:.3f} "
                         f"({low:.3f}–{high:.3f}) |")
        if "start_floor" in r:
            lines.append(f"| (c') a fresh process's start-up before it can parse a plan (imports, codebook, parser, "
                         f"dictionary: {r['start_floor']:.2f} s) / full build | {r['start_floor'] / full['wall']:.3f} |")
        lines.append("")
    if real and results:
        lines += real_section(real, results)
    lines += ["## Targets", "", "| target | measured | |", "|---|---:|---|"]
    for t in met.values():
        lines.append(f"| {t['target']} | {t['value']:.3g} | {'pass' if t['pass'] else '**fail**'} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[200, 2000, 20000])
    ap.add_argument("--workers", type=int, default=2, help="workers of the main builds (compared with 1)")
    ap.add_argument("--quick", action="store_true", help="200 plans only")
    ap.add_argument("--floor-max", type=int, default=20000,
                    help="largest N whose bare-jieba floor is measured (it takes about as long as the build)")
    ap.add_argument("--single-max", type=int, default=2000,
                    help="largest size also built with one worker (ratios a and b); default 2000")
    ap.add_argument("--pairs", type=int, default=3,
                    help="pairs of 1-worker and W-worker builds whose median is ratio (b); default 3")
    ap.add_argument("--pairs-max", type=int, default=200,
                    help="largest size built in --pairs pairs (larger sizes: one pair); default 200")
    ap.add_argument("--results", type=Path, default=HERE, help="folder for results.md and results.json")
    ap.add_argument("--keep", action="store_true", help="keep the temporary build folders")
    ap.add_argument("--pss", action="store_true",
                    help="peak memory of every build as proportional set size (the measures' workers are forked "
                         "with the tables, and summed resident sets count those pages once per process); reading "
                         "it takes CPU from the workers and lowers ratio (b)")
    ap.add_argument("--one-build", nargs=3, metavar=("RAW", "WORK", "WORKERS"), help=argparse.SUPPRESS)
    ap.add_argument("--floor", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--figures", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--add", type=Path, action="append", default=[], help=argparse.SUPPRESS)
    ap.add_argument("--real-cost", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.real_cost:
        print(json.dumps(real_cost()))
        return 0
    if args.one_build:
        raw, work, workers = args.one_build
        print(json.dumps(one_build(Path(raw), Path(work), int(workers), args.floor, args.figures, args.add)))
        return 0
    sizes = [200] if args.quick else args.sizes
    if args.pss:
        os.environ["BENCH_PSS"] = "1"

    def log(msg: str) -> None:
        print(time.strftime("%H:%M:%S"), msg, flush=True)

    info = machine() | {"date": time.strftime("%Y-%m-%d %H:%M"),
                        "command": "python benchmarks/run.py " + " ".join(argv if argv is not None else sys.argv[1:])}
    tmp = Path(tempfile.mkdtemp(prefix="bench-"))
    results = []
    log("the real documents")
    runs = [run_real_cost()]
    real = lower_run(runs)

    def save() -> None:
        met = targets(results, real)
        args.results.mkdir(parents=True, exist_ok=True)
        (args.results / "results.json").write_text(
            json.dumps({"machine": info, "real": real, "results": results, "targets": met}, indent=1),
            encoding="utf-8")
        (args.results / "results.md").write_text(markdown(results, info, met, real), encoding="utf-8")

    try:
        for n in sizes:
            results.append(bench_size(n, args.workers, n <= args.single_max, tmp, log, args.floor_max,
                                      args.pairs if n <= args.pairs_max else 1))
            save()
        log("the real documents again")
        real = lower_run([*runs, run_real_cost()])
        save()
    finally:
        if args.keep:
            log(f"build folders kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    for t in targets(results, real).values():
        log(f"{'pass' if t['pass'] else 'FAIL'}  {t['target']}: {t['value']:.3g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
