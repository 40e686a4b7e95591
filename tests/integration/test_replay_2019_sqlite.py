"""The 2019 replay and its checks (replay_2019_checks.py) on SQLite; the PostgreSQL
half is a module of its own so that the two can run on two workers at once."""

import pytest
from replay_2019_checks import *  # noqa: F403 (the fixture and the tests)

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True, scope="session")
