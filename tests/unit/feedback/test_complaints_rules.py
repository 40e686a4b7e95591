"""Feedback's pure rules and demo data (issue 16): what publication scrubs, and the demo
seed's three items in three states."""

from __future__ import annotations

from sqlalchemy import select

from portal import demo
from portal.core.models import utcnow
from portal.extensions import db
from portal.feedback.complaints import operations as ops
from portal.feedback.complaints.models import Complaint, ComplaintState
from portal.feedback.complaints.queries import overdue_count
from portal.storage import LocalStorage


def test_scrub_removes_contacts_id_numbers_codes_and_names():
    text = ("Tôi là Trần Thị Hoa (0905 777 888, +84 912.345.678, hoa@example.vn, CCCD "
            "051190001122), hồ sơ 000.00.01.H48-250312-0001, phản ánh PA261207-ABC234; "
            "hẹn ngày 20/3/2025, phí 80.000 đồng.")
    scrubbed = ops.scrub(text, ["Trần Thị Hoa"])
    for personal in ("Trần Thị Hoa", "0905", "912", "hoa@example.vn", "051190001122",
                     "H48-250312", "PA261207"):
        assert personal not in scrubbed, personal
    assert "hẹn ngày 20/3/2025, phí 80.000 đồng." in scrubbed  # dates and sums stay


def test_demo_seed_has_feedback_in_three_states(db_session, tmp_path):
    summary = demo.seed_all(60, LocalStorage(tmp_path / "store"))
    db.session.commit()
    items = db.session.scalars(select(Complaint).order_by(Complaint.id)).all()
    assert summary["feedback"] == len(items) == 3
    assert [i.state for i in items] == [ComplaintState.NEW, ComplaintState.ROUTED,
                                        ComplaintState.ANSWERED]
    assert items[2].is_published and "0914222333" not in items[2].public_text
    assert overdue_count(None, utcnow()) == 1


def test_the_answer_deadline_and_the_rate_limit_are_configurable():
    import pytest

    from portal.config import Config, ConfigError

    config = Config.from_env({"FEEDBACK_ANSWER_DAYS": "15", "FEEDBACK_MAX_PER_ADDRESS": "3"})
    assert (config.feedback_answer_days, config.feedback_max_per_address) == (15, 3)
    assert Config.from_env({}).feedback_answer_days == 10
    with pytest.raises(ConfigError, match="feedback_answer_days"):
        Config.from_env({"FEEDBACK_ANSWER_DAYS": "0"})
