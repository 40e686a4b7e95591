"""The IPN storm harness (bench/ipn_storm.py): the mix it generates, and a small run against
its stub merchant over real sockets (the full storm runs against the app, not here)."""

from __future__ import annotations

import importlib.util
import sys
import urllib.parse
from collections import Counter
from pathlib import Path

from servers import serving

from portal.payments import vnpay

SPEC = importlib.util.spec_from_file_location(
    "ipn_storm", Path(__file__).resolve().parents[3] / "bench" / "ipn_storm.py")
storm = importlib.util.module_from_spec(SPEC)
sys.modules.setdefault("ipn_storm", storm)  # dataclasses look their module up there
SPEC.loader.exec_module(storm)

SECRET = "storm-secret-0123456789"
ORDERS = [{"txn_ref": f"S-{n}", "amount_vnd": 10_000 + n} for n in range(100)]


def _params(job) -> dict[str, str]:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(job.path).query))


def test_the_mix_has_repeats_tampered_returns_and_probes():
    jobs = storm.generate(ORDERS, 100, secret=SECRET, seed=3)
    kinds = Counter(job.kind for job in jobs)
    assert (kinds["ipn"], kinds["ipn-repeat"], kinds["ipn-tampered"]) == (88, 10, 2)
    assert kinds["return"] == 88 and kinds["healthz"] == len(jobs) // 11 + 1
    for job in jobs:
        if job.kind in ("ipn", "ipn-repeat", "return"):
            assert vnpay.parse_result(_params(job), SECRET).success
        elif job.kind == "ipn-tampered":
            assert not vnpay.verify(_params(job), SECRET)
    # Interleaved, not in blocks.
    assert {job.kind for job in jobs[:40]} >= {"ipn", "return"}


def test_a_small_storm_against_the_stub_reports_every_kind():
    jobs = storm.generate(ORDERS, 60, secret=SECRET)
    with serving(storm.stub_app(ORDERS, SECRET), "storm-stub") as base:
        figures = storm.run(base, jobs, clients=4).summary()
    assert set(figures["kinds"]) == set(storm.KINDS)
    assert figures["orders"] == 53 and figures["orders_lost"] == 0
    assert figures["orders_double"] == 0 and figures["tampered_not_97"] == 0
    assert figures["errors"] == {} and figures["ratio_ipn_to_healthz"] > 0
