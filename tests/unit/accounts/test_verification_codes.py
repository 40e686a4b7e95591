"""Proving a phone or an e-mail with a code (issue 13): the code goes through the outbox,
only its hash is kept; a wrong code counts, five wrong answers spend it, it expires after ten
minutes, a new one waits a minute and at most five go out in an hour; channels need a proved
contact and at least one must stay chosen."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import factories
import pytest
from sqlalchemy import select

from portal.accounts import verification as v
from portal.extensions import db
from portal.notifications.models import OutboxMessage

T0 = datetime(2026, 12, 6, 8, 0, tzinfo=UTC)


def _sent_code(user, kind="phone") -> str:
    row = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    assert row.recipient == (user.phone if kind == "phone" else user.email)
    assert row.channel == ("sms" if kind == "phone" else "email")
    return re.search(r"\b(\d{6})\b", row.body).group(1)


@pytest.fixture
def person(db_session):
    return factories.citizen()


def test_the_right_code_verifies_the_phone_and_only_its_hash_is_kept(person):
    record = v.send_code(person, "phone", T0)
    code = _sent_code(person)
    assert code not in (record.code_hash, record.salt)
    assert not person.phone_is_verified
    v.check_code(person, "phone", code[:3] + " " + code[3:], T0 + timedelta(minutes=9))
    assert person.phone_is_verified and person.phone_verified == person.phone
    with pytest.raises(v.VerificationError):  # a used code is spent
        v.check_code(person, "phone", code, T0 + timedelta(minutes=9))


def test_an_e_mail_code_goes_by_e_mail(person):
    v.send_code(person, "email", T0)
    v.check_code(person, "email", _sent_code(person, "email"), T0)
    assert person.email_is_verified


def test_a_wrong_code_counts_and_five_spend_it(person):
    v.send_code(person, "phone", T0)
    code = _sent_code(person)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for left in (4, 3, 2, 1, 0):
        with pytest.raises(v.VerificationError) as refused:
            v.check_code(person, "phone", wrong, T0)
        assert f"còn {left} lần thử" in str(refused.value.args[0])
    with pytest.raises(v.VerificationError) as refused:
        v.check_code(person, "phone", code, T0)  # even the right one, now
    assert "sai quá 5 lần" in str(refused.value.args[0])
    assert not person.phone_is_verified


def test_an_expired_code_is_refused(person):
    v.send_code(person, "phone", T0)
    with pytest.raises(v.VerificationError) as refused:
        v.check_code(person, "phone", _sent_code(person), T0 + timedelta(minutes=10))
    assert "hết hạn" in str(refused.value.args[0]) and not person.phone_is_verified


def test_a_code_for_a_number_since_changed_is_refused(person):
    v.send_code(person, "phone", T0)
    code = _sent_code(person)
    person.phone = "0987000111"
    with pytest.raises(v.VerificationError):
        v.check_code(person, "phone", code, T0)
    assert not person.phone_is_verified


def test_a_verified_number_is_unverified_by_changing_it(person):
    v.send_code(person, "phone", T0)
    v.check_code(person, "phone", _sent_code(person), T0)
    person.phone = "0987000111"
    assert not person.phone_is_verified


def test_resending_waits_a_minute_and_five_an_hour_at_most(person):
    v.send_code(person, "phone", T0)
    with pytest.raises(v.VerificationError) as refused:
        v.send_code(person, "phone", T0 + timedelta(seconds=30))
    assert "chờ 31 giây" in str(refused.value.args[0])
    for n in range(1, 5):
        v.send_code(person, "phone", T0 + timedelta(minutes=n))
    with pytest.raises(v.VerificationError) as refused:
        v.send_code(person, "phone", T0 + timedelta(minutes=5))
    assert "quá nhiều mã" in str(refused.value.args[0])
    v.send_code(person, "phone", T0 + timedelta(minutes=61))  # the hour has moved on
    # Only the latest code counts.
    v.check_code(person, "phone", _sent_code(person), T0 + timedelta(minutes=62))


def test_channels_need_a_proved_contact_and_at_least_one(person):
    with pytest.raises(v.VerificationError) as refused:
        v.set_preferences(person, email=False, sms=False, zalo=False, language="vi")
    assert refused.value.field == "channels"
    with pytest.raises(v.VerificationError) as refused:
        v.set_preferences(person, email=True, sms=True, zalo=False, language="vi")
    assert "xác minh số điện thoại" in str(refused.value.args[0])
    v.send_code(person, "phone", T0)
    v.check_code(person, "phone", _sent_code(person), T0)
    v.set_preferences(person, email=False, sms=True, zalo=True, language="en")
    assert (person.notify_email, person.notify_sms, person.notify_zalo) == (False, True, True)
    assert person.language == "en"
    with pytest.raises(v.VerificationError) as refused:  # back to e-mail: prove it first
        v.set_preferences(person, email=True, sms=True, zalo=True, language="en")
    assert "xác minh e-mail" in str(refused.value.args[0])
