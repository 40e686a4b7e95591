"""Rating a finished dossier online (issue 16): the applicant rates once, may change it for
7 days, then it is frozen; nobody else reaches another's dossier (404), an unfinished
dossier cannot be rated (403)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from portal.core.models import utcnow
from portal.extensions import db
from portal.feedback.models import Overall, Rating, RatingChannel

GOOD = {"time_taken": "2", "contacts": "1", "attitude": "2", "publicity": "2",
        "correctness": "2", "overall": "very_satisfied", "comment": "Cán bộ hướng dẫn tận tình"}


def _ratings(app, dossier_id):
    with app.app_context():
        return list(db.session.scalars(select(Rating).where(Rating.dossier_id == dossier_id)))


def test_the_applicant_is_invited_rates_once_and_may_change_it(as_, world, app):
    client = as_("citizen")
    dossier = world.dossiers["returned"]
    page = client.get(f"/ho-so/{dossier}").get_data(as_text=True)
    assert "Đánh giá hồ sơ này" in page and f"/ho-so/{dossier}/danh-gia" in page
    assert client.get(f"/ho-so/{dossier}/danh-gia").status_code == 200
    response = client.post(f"/ho-so/{dossier}/danh-gia", data=GOOD)
    assert response.status_code == 303
    [rating] = _ratings(app, dossier)
    assert rating.overall == Overall.VERY_SATISFIED and rating.channel == RatingChannel.ONLINE
    assert (rating.time_taken, rating.contacts) == (2, 1)
    assert rating.officer_id == world.users["officer"]
    assert rating.agency_id == world.agencies["justice"]
    page = client.get(f"/ho-so/{dossier}").get_data(as_text=True)
    assert "Bạn đã đánh giá: Rất hài lòng." in page and "Sửa đánh giá" in page
    # Changed within the 7 days: still one rating.
    assert client.post(f"/ho-so/{dossier}/danh-gia",
                       data=dict(GOOD, overall="dissatisfied", contacts="")).status_code == 303
    [rating] = _ratings(app, dossier)
    assert rating.overall == Overall.DISSATISFIED and rating.contacts is None
    assert rating.changed_at is not None


def test_refused_and_withdrawn_dossiers_are_rated_too(as_, world, app):
    client = as_("citizen")
    for key in ("refused", "withdrawn"):
        assert client.post(f"/ho-so/{world.dossiers[key]}/danh-gia",
                           data=dict(GOOD, overall="satisfied")).status_code == 303
        assert len(_ratings(app, world.dossiers[key])) == 1


def test_after_seven_days_the_rating_is_frozen(as_, world, app):
    client = as_("citizen")
    dossier = world.dossiers["returned"]
    assert client.post(f"/ho-so/{dossier}/danh-gia", data=GOOD).status_code == 303
    with app.app_context():
        rating = db.session.scalar(select(Rating).where(Rating.dossier_id == dossier))
        rating.rated_at = utcnow() - timedelta(days=7, minutes=1)
        db.session.commit()
    page = client.get(f"/ho-so/{dossier}/danh-gia").get_data(as_text=True)
    assert "Đánh giá đã được khóa" in page and "Gửi đánh giá" not in page
    response = client.post(f"/ho-so/{dossier}/danh-gia", data=dict(GOOD, overall="dissatisfied"))
    assert response.status_code == 422
    assert "Đánh giá đã được khóa" in response.get_data(as_text=True)
    [rating] = _ratings(app, dossier)
    assert rating.overall == Overall.VERY_SATISFIED


def test_an_overall_judgement_is_required_and_scores_are_0_to_2(as_, world, app):
    client = as_("citizen")
    dossier = world.dossiers["returned"]
    response = client.post(f"/ho-so/{dossier}/danh-gia", data=dict(GOOD, overall=""))
    assert response.status_code == 422
    assert "Vui lòng chọn mức độ hài lòng chung." in response.get_data(as_text=True)
    assert client.post(f"/ho-so/{dossier}/danh-gia",
                       data=dict(GOOD, attitude="5")).status_code == 422
    assert _ratings(app, dossier) == []


def test_another_users_dossier_is_404_and_an_unfinished_one_403(as_, world, app, client):
    other = as_("other")
    for key in ("returned", "refused", "pending"):
        dossier = world.dossiers[key]
        assert other.get(f"/ho-so/{dossier}/danh-gia").status_code == 404
        assert other.post(f"/ho-so/{dossier}/danh-gia", data=GOOD).status_code == 404
    # Staff are not the applicant either.
    officer = as_("officer")
    assert officer.get(f"/ho-so/{world.dossiers['returned']}/danh-gia").status_code == 404
    owner = as_("citizen")
    assert owner.get(f"/ho-so/{world.dossiers['pending']}/danh-gia").status_code == 403
    assert owner.post(f"/ho-so/{world.dossiers['pending']}/danh-gia",
                      data=GOOD).status_code == 403
    response = client.get(f"/ho-so/{world.dossiers['returned']}/danh-gia")
    assert response.status_code == 302 and "dang-nhap" in response.headers["Location"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Rating)) == 0


def test_an_organisations_member_rates_its_dossier(as_, world, app):
    from portal.accounts.models import Organisation, OrganisationMember
    from portal.dossiers.models import Dossier

    with app.app_context():
        organisation = Organisation(name="Công ty TNHH Thử", tax_code="0301234567")
        db.session.add(organisation)
        db.session.flush()
        db.session.add_all([
            OrganisationMember(organisation_id=organisation.id, user_id=world.users[who])
            for who in ("citizen", "other")])
        db.session.get(Dossier, world.dossiers["returned"]).organisation_id = organisation.id
        db.session.commit()
    assert as_("other").post(f"/ho-so/{world.dossiers['returned']}/danh-gia",
                             data=GOOD).status_code == 303
    assert len(_ratings(app, world.dossiers["returned"])) == 1
