"""Debian's nginx as a real process for the edge tests: deploy/nginx/portal.conf rendered
into a standalone configuration (deploy/render_nginx.py), run in the foreground under a
temporary prefix."""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
STARTUP_TIMEOUT = 20.0


def _load_renderer():
    spec = importlib.util.spec_from_file_location("render_nginx",
                                                  ROOT / "deploy" / "render_nginx.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


render = _load_renderer()


def require_nginx() -> str:
    """nginx's path; without it the test is skipped LOUDLY, and fails under CI (.ci/run
    installs it, so a missing nginx there is a broken machine, not a skip)."""
    if os.access(NGINX, os.X_OK):
        return NGINX
    message = (f"{NGINX} is missing: the nginx edge test is SKIPPED (apt-get install nginx; "
               ".ci/run installs it)")
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def check(prefix: Path) -> subprocess.CompletedProcess:
    """`nginx -t` on prefix/nginx.conf."""
    return subprocess.run([require_nginx(), "-e", "stderr", "-t", "-p", str(prefix), "-c",
                           "nginx.conf"], capture_output=True, text=True, timeout=30)


def listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def wait_until_listening(process: subprocess.Popen, ports: list[int], log: Path,
                         name: str) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode}:\n"
                               f"{log.read_text()[-4000:]}")
        if all(listening(port) for port in ports):
            return
        time.sleep(0.1)
    raise RuntimeError(f"{name} did not listen on {ports} within {STARTUP_TIMEOUT:.0f} s:\n"
                       f"{log.read_text()[-4000:]}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@contextmanager
def running_nginx(prefix: Path, apps: list[str], public: int, internal: int,
                  edit: Callable[[str], str] = lambda site: site) -> Iterator[Path]:
    """nginx on 127.0.0.1:public (and :internal) in front of ``apps``; yields the prefix
    (its access log is prefix/logs/access.log). ``edit`` may change the rendered site."""
    site = edit(render.render_site(apps, listen=f"127.0.0.1:{public}",
                                   internal_listen=f"127.0.0.1:{internal}"))
    render.write_standalone(prefix, site)
    result = check(prefix)
    assert result.returncode == 0, result.stderr
    log = prefix / "logs" / "nginx.out"
    with log.open("wb") as out:
        process = subprocess.Popen([require_nginx(), "-e", "stderr", "-p", str(prefix), "-c",
                                    "nginx.conf"], stdout=out, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL)
    try:
        wait_until_listening(process, [public, internal], log, "nginx")
        yield prefix
    finally:
        stop(process)
