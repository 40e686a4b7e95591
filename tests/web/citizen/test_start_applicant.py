"""Who files: the wizard's first question (issue 18). A business-only procedure offers the
user's businesses only, preselects the one they belong to, asks among several, and says what
to do when they belong to none."""

from __future__ import annotations

import re

import factories
import pytest

from portal.accounts.operations import add_member
from portal.catalog.models import ApplicantType
from portal.dossiers.models import Dossier
from portal.extensions import db


@pytest.fixture
def procedures(app):
    """Codes of a business-only, a citizen-only and an either procedure."""
    with app.app_context():
        agency = factories.agency("SKH", "Sở Kế hoạch và Đầu tư")
        codes = {kind: factories.published_procedure(
            agency, name=f"Thủ tục {kind.value}", applicant=kind).procedure.code
            for kind in ApplicantType}
        owner = factories.citizen(email="giamdoc@example.vn", organisation_name="Công ty A",
                                  tax_code="4300000011")
        second = factories.citizen(email="chu-b@example.vn", organisation_name="Công ty B",
                                   tax_code="4300000012")
        factories.citizen(email="canhan@example.vn")
        add_member(second.memberships[0].organisation, owner.email)
        factories.citizen(email="ketoan@example.vn")
        add_member(owner.memberships[0].organisation, "ketoan@example.vn")
        db.session.commit()
        return codes


def _checked(page: str) -> list[str]:
    return re.findall(r'<input[^>]*checked[^>]*value="([^"]+)"|'
                      r'<input[^>]*value="([^"]+)"[^>]*checked', page)


def _options(page: str) -> list[str]:
    return re.findall(r'name="on_behalf"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="on_behalf"',
                      page)


def _organisation_id(app, name: str) -> str:
    with app.app_context():
        from portal.accounts.models import Organisation

        return str(db.session.scalar(db.select(Organisation.id).where(Organisation.name == name)))


def test_one_business_is_preselected_and_the_person_is_not_offered(
        app, procedures, signed_in):
    member = signed_in("ketoan@example.vn")
    page = member.get(f"/ho-so/moi/{procedures[ApplicantType.BUSINESS]}").get_data(as_text=True)
    company = _organisation_id(app, "Công ty A")
    assert [v for pair in _options(page) for v in pair if v] == [company]
    assert [v for pair in _checked(page) for v in pair if v] == [company]
    assert "Thủ tục này chỉ dành cho tổ chức, doanh nghiệp" in page
    started = member.post(f"/ho-so/moi/{procedures[ApplicantType.BUSINESS]}",
                          data={"on_behalf": company})
    assert started.status_code == 303
    with app.app_context():
        dossier = db.session.scalar(db.select(Dossier))
        assert dossier.organisation.name == "Công ty A"
        assert dossier.applicant_name == "Công ty A"


def test_several_businesses_are_asked_with_none_chosen(app, procedures, signed_in):
    owner = signed_in("giamdoc@example.vn")
    url = f"/ho-so/moi/{procedures[ApplicantType.BUSINESS]}"
    page = owner.get(url).get_data(as_text=True)
    offered = {v for pair in _options(page) for v in pair if v}
    assert offered == {_organisation_id(app, "Công ty A"), _organisation_id(app, "Công ty B")}
    assert not [v for pair in _checked(page) for v in pair if v]
    assert "Bạn là thành viên của nhiều tổ chức: hãy chọn tổ chức nộp hồ sơ" in page
    unanswered = owner.post(url, data={})
    assert unanswered.status_code == 422
    assert "Vui lòng chọn người nộp hồ sơ trong danh sách." in unanswered.get_data(as_text=True)
    as_person = owner.post(url, data={"on_behalf": "self"})
    assert as_person.status_code == 422
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Dossier.id))) == 0


def test_no_business_says_what_to_do_and_offers_no_start(app, procedures, signed_in):
    person = signed_in("canhan@example.vn")
    response = person.get(f"/ho-so/moi/{procedures[ApplicantType.BUSINESS]}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Tài khoản của bạn chưa thuộc tổ chức, doanh nghiệp nào" in page
    assert "gửi lời mời tới e-mail canhan@example.vn" in page
    assert 'href="/tai-khoan/dang-ky"' in page and ">Bắt đầu</button>" not in page
    refused = person.post(f"/ho-so/moi/{procedures[ApplicantType.BUSINESS]}",
                          data={"on_behalf": "self"})
    assert refused.status_code == 422
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Dossier.id))) == 0


def test_citizen_only_and_either_procedures_keep_the_person_first(app, procedures, signed_in):
    owner = signed_in("giamdoc@example.vn")
    citizen_page = owner.get(f"/ho-so/moi/{procedures[ApplicantType.CITIZEN]}").get_data(
        as_text=True)
    assert [v for pair in _options(citizen_page) for v in pair if v] == ["self"]
    either = owner.get(f"/ho-so/moi/{procedures[ApplicantType.BOTH]}").get_data(as_text=True)
    assert [v for pair in _options(either) for v in pair if v][0] == "self"
    assert len([v for pair in _options(either) for v in pair if v]) == 3
    assert [v for pair in _checked(either) for v in pair if v] == ["self"]
