"""`python -m bench [--quick]` (or `bench/run`): every benchmark, each printing its ratio to a
baseline measured in the same run, plus the hardware it ran on.

Each benchmark runs in its own process, so one's imports, caches and peak memory never show up
in another's figures (peak memory is read per process). A benchmark that fails is reported and
the others still run; the exit code says whether all ran.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import subprocess
import sys
import time

BENCHMARKS = ("core_bench", "search_bench", "bot_bench", "rematch_bench", "outbox_bench", "registry_bench")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, for CI")
    parser.add_argument("names", nargs="*", help="run only these benchmarks")
    args = parser.parse_args(argv)
    print(f"hardware: {platform.machine()}, {os.cpu_count()} cores, {platform.processor() or 'cpu'}; "
          f"Python {platform.python_version()}", flush=True)
    failed = []
    total = time.perf_counter()
    for name in args.names or BENCHMARKS:
        if importlib.util.find_spec(f"bench.{name}") is None:
            continue
        start = time.perf_counter()
        command = [sys.executable, "-m", f"bench.{name}", *(["--quick"] if args.quick else [])]
        if subprocess.run(command, check=False).returncode != 0:
            failed.append(name)
        print(f"  ({name} took {time.perf_counter() - start:.1f} s)", flush=True)
    print(f"all benchmarks took {time.perf_counter() - total:.1f} s" + (f"; FAILED: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
