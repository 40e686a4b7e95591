"""`make prod` keeps each process running as systemd's Restart=always would
(deploy/local/respawn.sh): a process killed with -9 (a drill) comes back with a new pid in
its pid file; SIGTERM (honcho stopping, Ctrl-C) stops it for good, child included."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _pid_in(pidfile: Path, other_than: int = 0) -> int:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        text = pidfile.read_text().strip() if pidfile.exists() else ""
        if text and int(text) != other_than:
            return int(text)
        time.sleep(0.05)
    raise AssertionError(f"no new pid in {pidfile}")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (ended, not yet reaped by the wrapper) counts as gone.
    status = Path(f"/proc/{pid}/stat")
    return status.exists() and status.read_text().split(") ", 1)[1][0] != "Z"


def test_a_killed_process_comes_back_and_sigterm_stops_it_for_good(tmp_path):
    pidfile = tmp_path / "child.pid"
    wrapper = subprocess.Popen(
        [str(ROOT / "deploy" / "local" / "respawn.sh"), str(pidfile), sys.executable, "-c",
         "import signal, sys; signal.signal(signal.SIGTERM, lambda *a: sys.exit(0)); "
         "signal.pause()"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        first = _pid_in(pidfile)
        os.kill(first, signal.SIGKILL)
        second = _pid_in(pidfile, other_than=first)
        assert _alive(second) and not _alive(first)
        wrapper.send_signal(signal.SIGTERM)
        assert wrapper.wait(timeout=10) == 0
        assert not _alive(second)
        assert b"starting it again in 1 s" in wrapper.stderr.read()
    finally:
        if wrapper.poll() is None:
            os.killpg(wrapper.pid, signal.SIGKILL)
            wrapper.wait(timeout=5)
        wrapper.stderr.close()
