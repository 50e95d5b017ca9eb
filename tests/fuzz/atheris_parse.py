"""Coverage-guided fuzzing of `parse_bytes` with atheris (optional: `pip install atheris`; not run by pytest).

    .venv/bin/python tests/fuzz/atheris_parse.py -atheris_runs=20000 -max_len=20000 -timeout=60 \\
        benchmarks/output/atheris-corpus data/raw

libFuzzer's own options apply (-max_total_time=600, -jobs=2 …). The first folder collects the inputs that
reach new code; further folders seed it (the real plans). A crash is an exception escaping parse_bytes
or a failed document without a reason; libFuzzer writes the input to crash-<sha1> in the current folder.
"""
from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    from analysis.ingest import parse_bytes
    from analysis.ingest.document import parser

NAMES = ("plan.txt", "plan.html", "plan.pdf", "plan.docx")


def one_input(data: bytes) -> None:
    name = NAMES[data[0] % len(NAMES)] if data else "plan.txt"  # the first byte picks the suffix hint
    doc = parse_bytes(data[1:], name)
    if doc.failed and not (doc.warnings and doc.warnings[0].startswith("unreadable: ")):
        raise AssertionError(f"failed without a reason: {doc.warnings}")


def main() -> None:
    parser()  # load the resources before fuzzing starts
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
