"""`python -m bench [--quick]` (or `bench/run`): every benchmark, each printing its ratio to a
baseline measured in the same run, plus the hardware it ran on.

A benchmark that fails is reported and the others still run; the exit code says whether all ran.
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import sys
import time
import traceback

BENCHMARKS = ("core_bench", "search_bench", "bot_bench", "rematch_bench", "outbox_bench", "registry_bench")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, for CI")
    parser.add_argument("names", nargs="*", help="run only these benchmarks")
    args = parser.parse_args(argv)
    print(f"hardware: {platform.machine()}, {os.cpu_count()} cores, {platform.processor() or 'cpu'}; "
          f"Python {platform.python_version()}")
    failed = 0
    total = time.perf_counter()
    for name in args.names or BENCHMARKS:
        try:
            module = importlib.import_module(f"bench.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"bench.{name}":
                continue
            raise
        start = time.perf_counter()
        try:
            module.main(["--quick"] if args.quick else [])
        except SystemExit as exc:
            if exc.code not in (0, None):
                failed += 1
        except Exception:
            failed += 1
            traceback.print_exc()
        print(f"  ({name} took {time.perf_counter() - start:.1f} s)")
        sys.stdout.flush()
    print(f"all benchmarks took {time.perf_counter() - total:.1f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
