"""`python -m bench [--quick] [--markdown] [names…]` (or `bench/run`): every benchmark, each
against a baseline measured in the same run; exits 1 if a ratio target is missed.

Each benchmark runs in its own process, so one's imports, caches and peak memory never show up
in another's figures. Each prints its human-readable figures and one ``BENCH-RESULT {json}``
line (``bench.result``); a benchmark that missed a target is re-run once (``bench.runner``).
``--markdown`` prints the README's benchmark table rendered from these results.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import subprocess
import sys
import time

from bench.runner import Outcome, exit_code, machine, markdown, parse, run_all, summary_lines

BENCHMARKS = ("core_bench", "search_bench", "bot_bench", "rematch_bench", "outbox_bench", "registry_bench",
              "projects_bench", "fault_bench")
ON_DEMAND: tuple[str, ...] = ()  # benchmarks run by name only (none now)


def run_process(name: str, quick: bool) -> Outcome:
    """Run one benchmark, echoing its output as it comes, and collect its result lines."""
    start = time.perf_counter()
    command = [sys.executable, "-m", f"bench.{name}", *(["--quick"] if quick else [])]
    lines = []
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True, bufsize=1) as process:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)
            print(line, end="", flush=True)
    seconds = time.perf_counter() - start
    load = os.getloadavg()
    print(f"  ({name} took {seconds:.1f} s, exit {process.returncode}, load {load[0]:.2f})", flush=True)
    return Outcome(name, process.returncode, parse("".join(lines)), seconds, load)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, for CI")
    parser.add_argument("--markdown", action="store_true", help="print the README table at the end")
    parser.add_argument("names", nargs="*", help="run only these benchmarks")
    args = parser.parse_args(argv)
    print(f"hardware: {platform.machine()}, {os.cpu_count()} cores; Python {platform.python_version()}; "
          f"load {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    names = list(args.names or BENCHMARKS)
    unknown = [n for n in names if importlib.util.find_spec(f"bench.{n}") is None]
    if unknown:
        parser.error(f"no such benchmark: {', '.join(unknown)} (known: {', '.join((*BENCHMARKS, *ON_DEMAND))})")
    total = time.perf_counter()
    outcomes = run_all(names, lambda name: run_process(name, args.quick))
    code = exit_code(outcomes)
    print(f"all benchmarks took {time.perf_counter() - total:.1f} s; "
          f"{'all targets met' if code == 0 else 'TARGET MISSED or benchmark failed'}:")
    print("\n".join(summary_lines(outcomes)))
    if args.markdown:
        print()
        print(markdown(outcomes, machine()))
    return code


if __name__ == "__main__":
    raise SystemExit(main())
