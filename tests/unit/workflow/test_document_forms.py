"""Which official forms a dossier has: the receipt and control slip once received, a notice
form only with one of its own notices of that form's kinds (``workflow/documents.py``)."""

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from portal.workflow.documents import form_exists
from portal.workflow.models import NoticeKind

RECEIVED = SimpleNamespace(id=7, received_at=datetime(2025, 3, 12, 2, 0, tzinfo=UTC))
SUBMITTED = SimpleNamespace(id=8, received_at=None)


def notice(kind: NoticeKind, dossier_id: int = 7):
    return SimpleNamespace(kind=kind, dossier_id=dossier_id)


@pytest.mark.parametrize("form", ["01", "05"])
def test_receipt_and_control_slip_exist_once_received(form):
    assert form_exists(RECEIVED, form)
    assert not form_exists(SUBMITTED, form)


@pytest.mark.parametrize(("form", "kind"), [
    ("02", NoticeKind.COMPLETION), ("02", NoticeKind.SUPPLEMENT), ("03", NoticeKind.REFUSAL),
    ("04", NoticeKind.APOLOGY), ("dung", NoticeKind.STOP)])
def test_a_notice_form_needs_its_own_notice_of_its_kind(form, kind):
    assert form_exists(RECEIVED, form, notice(kind))
    assert not form_exists(RECEIVED, form)  # no notice
    assert not form_exists(RECEIVED, form, notice(kind, dossier_id=99))  # another dossier's
    wrong = NoticeKind.APOLOGY if kind is not NoticeKind.APOLOGY else NoticeKind.REFUSAL
    assert not form_exists(RECEIVED, form, notice(wrong))


def test_unknown_forms_do_not_exist():
    assert not form_exists(RECEIVED, "06")
    assert not form_exists(RECEIVED, "../01")
