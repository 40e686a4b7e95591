"""Real components for integration tests: an S3-compatible server process (moto_server)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from s3_server import start_moto_server  # noqa: E402


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    endpoint, stop = start_moto_server()
    try:
        yield endpoint
    finally:
        stop()
