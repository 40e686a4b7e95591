"""The request frame (core.frame): one unit of work — commit once, or roll back and delete the
objects stored in it — and one answer to a refusal."""

from __future__ import annotations

import io
from pathlib import Path

import factories
import pytest
from flask import get_flashed_messages
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import Forbidden as HTTPForbidden
from wtforms import HiddenField, StringField

import portal.blueprints
from portal.accounts.operations import AccountError
from portal.calendar.overrides import OverrideError
from portal.catalog.io_import import ImportFileError
from portal.catalog.models import Agency
from portal.catalog.operations import CatalogError
from portal.catalog.org_operations import OrganisationError
from portal.core.frame import refused, show_refusal, unit_of_work
from portal.core.refusal import Refusal, Stale
from portal.dossiers.operations import DossierError
from portal.extensions import db
from portal.storage import LocalStorage
from portal.workflow import actions as wf


class _Form(FlaskForm):
    class Meta:
        csrf = False

    name = StringField()
    lock_version = HiddenField()


class _Boom(Exception):
    pass


def _put(storage: LocalStorage, key: str) -> str:
    storage.put(key, io.BytesIO(b"%PDF-1.4"), content_type="application/pdf")
    return key


# --- the unit of work ------------------------------------------------------------------------

def test_commits_once_at_the_end(db_session, tmp_path):
    storage = LocalStorage(tmp_path)
    with unit_of_work():
        agency_id = factories.agency("UOW").id
        key = _put(storage, "dossiers/1/a")
    db.session.expunge_all()
    assert db.session.get(Agency, agency_id) is not None and storage.exists(key)


def test_an_error_rolls_back_and_deletes_the_objects_stored_in_it(db_session, tmp_path):
    storage = LocalStorage(tmp_path)
    kept = _put(storage, "dossiers/1/before")  # outside the unit: not its to delete
    with pytest.raises(_Boom), unit_of_work():
        factories.agency("UOW")
        key = _put(storage, "dossiers/1/b")
        raise _Boom
    assert db.session.query(Agency).filter_by(code="UOW").count() == 0
    assert not storage.exists(key) and storage.exists(kept)


def test_a_failed_commit_deletes_the_object(db_session, tmp_path, monkeypatch):
    storage = LocalStorage(tmp_path)

    def stale():
        raise StaleDataError("version changed")

    with pytest.raises(StaleDataError), unit_of_work():
        key = _put(storage, "dossiers/1/c")
        monkeypatch.setattr(db.session, "commit", stale)
    assert not storage.exists(key)


def test_discard_keeps_nothing_and_raises_nothing(db_session, tmp_path):
    storage = LocalStorage(tmp_path)
    with unit_of_work() as work:
        factories.agency("UOW")
        key = _put(storage, "dossiers/1/d")
        work.discard()
    assert db.session.query(Agency).filter_by(code="UOW").count() == 0
    assert not storage.exists(key)


# --- refusals --------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", [CatalogError, OrganisationError, ImportFileError, DossierError,
                                  wf.WorkflowError, wf.Forbidden, wf.Conflict, AccountError,
                                  OverrideError])
def test_every_domain_refusal_is_one_type(kind):
    refusal = kind("Không được.", "name")
    assert isinstance(refusal, Refusal) and isinstance(refusal, ValueError)
    assert (str(refusal), refusal.field) == ("Không được.", "name")


def test_a_lazy_message_is_text_when_shown(app):
    with app.test_request_context():
        form = _Form()
        show_refusal(form, DossierError(_l("Vui lòng nhập họ và tên."), "name"))
        assert form.name.errors == ["Vui lòng nhập họ và tên."]
        assert isinstance(form.name.errors[0], str)


def test_the_message_goes_next_to_its_field_else_on_top(app):
    with app.test_request_context():
        form = _Form()
        show_refusal(form, wf.WorkflowError("Sai số điện thoại.", "phone"), {"phone": "name"})
        show_refusal(form, wf.WorkflowError("Phiên bản cũ.", "lock_version"))  # hidden
        show_refusal(form, wf.WorkflowError("Không rõ trường.", "nowhere"))
        assert form.name.errors == ["Sai số điện thoại."]
        assert form.form_errors == ["Phiên bản cũ.", "Không rõ trường."]


def test_pages_without_form_errors_flash_it(app):
    with app.test_request_context():
        form = _Form()
        show_refusal(form, AccountError("Tài khoản bị khóa."), flash_unplaced=True)
        assert form.form_errors == [] and get_flashed_messages() == ["Tài khoản bị khóa."]


def test_refused_answers_403_409_or_422(app):
    def page(status):
        return "page", status

    def fresh():
        return "fresh", 409

    with app.test_request_context():
        form = _Form()
        with pytest.raises(HTTPForbidden):
            refused(wf.Forbidden("Không có quyền."), form, page, fresh)
        assert refused(wf.Conflict("Đã đổi."), form, page, fresh) == ("fresh", 409)
        assert refused(Stale("Đã đổi."), form, page, fresh) == ("fresh", 409)
        assert refused(StaleDataError("x"), form, page, fresh) == ("fresh", 409)
        assert refused(DossierError("Thiếu tệp.", "name"), form, page, fresh) == ("page", 422)
        assert form.name.errors == ["Thiếu tệp."]
        assert refused(wf.Conflict("Đã đổi."), form, page) == ("page", 422)  # nothing stale


def test_no_blueprint_commits_or_rolls_back_itself():
    """Every change in a route goes through core.frame.unit_of_work."""
    root = Path(portal.blueprints.__file__).parent
    inline = [str(p.relative_to(root)) for p in sorted(root.rglob("*.py"))
              if "session.commit(" in p.read_text() or "session.rollback(" in p.read_text()]
    assert inline == []
