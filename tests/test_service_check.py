"""A run whose tests need a service that is down stops at its start, in one line that names the
service and how to start it — not one traceback per test, and never a silent skip."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.slow
def test_a_down_redis_stops_the_run_in_one_line() -> None:
    url = f"redis://127.0.0.1:{unused_port()}/0"
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/scale/test_redis_backends.py"],
        cwd=ROOT, env={**os.environ, "TEST_REDIS_URL": url}, capture_output=True, text=True, timeout=120,
        check=False,
    )
    output = completed.stdout + completed.stderr
    assert completed.returncode == 3, output
    mentions = [line for line in output.splitlines() if "Redis" in line]
    assert len(mentions) == 1 and f"Redis is not reachable at {url}" in mentions[0], output
    assert "redis-server" in mentions[0] and "TEST_REDIS_URL" in mentions[0]
    assert "Traceback" not in output and " passed" not in output and " skipped" not in output, output
