"""Measure what the issue notes report: test-suite wall time and sweep time / memory.

    python benchmarks/measure.py make-test             # `make test` here (warm environment)
    python benchmarks/measure.py make-test --scratch   # a fresh clone, new .venv, then `make test`
    python benchmarks/measure.py sweep mlp             # a full sweep into a scratch results file

Prints one line per measurement; nothing here is asserted by the tests.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(command: list[str], cwd: Path, env: dict | None = None) -> tuple[float, float]:
    """Run ``command``; return (wall seconds, peak RSS in MiB of its largest child process)."""
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, env={**os.environ, **(env or {})}, check=True)
    wall = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, peak_kib / 1024


def make_test(scratch: bool) -> None:
    if not scratch:
        wall, _ = timed(["make", "test"], ROOT)
        print(f"make test (warm .venv): {wall:.0f} s")
        return
    with tempfile.TemporaryDirectory() as tmp:
        clone = Path(tmp) / "clone"
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
        wall, _ = timed(["make", "test"], clone)
        print(f"make test (fresh clone, new .venv, installs included): {wall:.0f} s")


def sweep(name: str, mode: str, steps: int | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"{name}.json"
        command = [sys.executable, "-m", "sparsebook.sweep", name, "--mode", mode, "--out", str(out)]
        if steps:
            command += ["--steps", str(steps)]
        wall, peak = timed(command, ROOT)
    print(f"sweep {name} ({mode}{f', {steps} steps' if steps else ''}): wall {wall:.0f} s, peak RSS {peak:.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="what", required=True)
    p = sub.add_parser("make-test")
    p.add_argument("--scratch", action="store_true", help="fresh clone and environment")
    p = sub.add_parser("sweep")
    p.add_argument("name")
    p.add_argument("--mode", default="full")
    p.add_argument("--steps", type=int)
    args = parser.parse_args()
    if args.what == "make-test":
        make_test(args.scratch)
    else:
        sweep(args.name, args.mode, args.steps)


if __name__ == "__main__":
    main()
