"""The workspace page: what it shows, files in the browser, htmx fragments, and two
officers acting at once (optimistic locking)."""

from __future__ import annotations

import io

import pytest
from sample_files import PDF
from staff_helpers import IN_PROGRESS, RECEIVED, act, advance, load, version_of

from portal.dossiers.models import Dossier, DossierFile
from portal.dossiers.models import DossierState as S
from portal.extensions import db
from portal.workflow.actions import CONFLICT_MESSAGE


def _store(app, dossier_id: int, name: str, content_type: str, body: bytes) -> int:
    with app.app_context():
        dossier = db.session.get(Dossier, dossier_id)
        key = f"dossiers/{dossier_id}/test-{name}"
        app.extensions["storage"].put(key, io.BytesIO(body), content_type=content_type)
        item = DossierFile(storage_key=key, original_name=name, content_type=content_type,
                           size=len(body), sha256="0" * 64)
        dossier.files.append(item)
        db.session.commit()
        return item.id


def test_files_open_inline_or_download(as_, world, app):
    pdf = _store(app, world.dossier_id, "to-khai.pdf", "application/pdf", PDF)
    docx = _store(app, world.dossier_id, "ghi-chu.docx",
                  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                  b"PK\x03\x04 not really")
    client = as_("counter")
    shown = client.get(f"/can-bo/ho-so/{world.dossier_id}/tep/{pdf}")
    assert shown.status_code == 200 and shown.data == PDF
    assert shown.headers["Content-Disposition"].startswith("inline")
    assert shown.headers["X-Content-Type-Options"] == "nosniff"
    saved = client.get(f"/can-bo/ho-so/{world.dossier_id}/tep/{docx}")
    assert saved.headers["Content-Disposition"].startswith("attachment")
    assert client.get(f"/can-bo/ho-so/{world.dossier_id}/tep/99999").status_code == 404


def test_the_workspace_shows_the_dossier(as_, world, app):
    advance(app, world, *IN_PROGRESS,
            ("specialist", "request_supplement", {"items": "Bản vẽ", "reason": "Thiếu"}))
    page = as_("specialist").get(f"/can-bo/ho-so/{world.dossier_id}").text
    dossier = load(app, world.dossier_id)
    for expected in (dossier.code, "Nguyễn Thị Hồng", "Đăng ký biến động đất đai",
                     "Trực tuyến", "Chờ bổ sung hồ sơ", "Thẩm định hồ sơ", "Nội bộ",
                     "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ", "1/HDHS", "due-explanation"):
        assert expected in page, expected


def test_an_htmx_action_returns_the_workspace_fragment(as_, world, app):
    response = act(as_("counter"), app, world.dossier_id, "receive", htmx=True)
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="workspace"')
    assert "Đã thực hiện: Tiếp nhận hồ sơ." in response.text
    assert load(app, world.dossier_id).state is S.RECEIVED


def test_a_refusal_through_htmx_is_a_422_fragment(as_, world, app):
    response = act(as_("counter"), app, world.dossier_id, "refuse_reception",
                   {"reason": "", "sure": "y"},
                   htmx=True)
    assert response.status_code == 422 and "<html" not in response.text
    assert "Vui lòng nhập lý do từ chối." in response.text
    assert "<details class=\"action-details border rounded p-2\" open>" in response.text


def test_a_stale_version_is_a_conflict_and_changes_nothing(as_, world, app):
    advance(app, world, *RECEIVED)
    seen = version_of(app, world.dossier_id)
    advance(app, world, ("specialist", "take", {}))  # someone else acts meanwhile
    now = load(app, world.dossier_id)
    for htmx in (False, True):
        response = act(as_("leader"), app, world.dossier_id, "stop",
                       {"reason": "Theo đề nghị", "sure": "y"}, version=seen, htmx=htmx)
        assert response.status_code == (200 if htmx else 409)
        assert str(CONFLICT_MESSAGE) in response.text
    after = load(app, world.dossier_id)
    assert (after.state, after.lock_version) == (S.IN_PROGRESS, now.lock_version)


def test_a_commit_race_is_a_conflict(as_, world, app, monkeypatch, backend):
    """Both officers saw the same version; the other one commits between our check and our
    commit: the version column makes our commit fail and we show the fresh dossier.
    (PostgreSQL only: SQLite locks the whole file, so the second writer cannot even start.)"""
    if backend == "sqlite":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    advance(app, world, *RECEIVED)
    from portal.workflow import actions as wf

    real = wf.stop

    def racing(dossier, ctx, **kwargs):
        # Another officer's transaction commits after our page loaded the dossier.
        from sqlalchemy import update

        with db.engine.begin() as connection:
            connection.execute(update(Dossier).where(Dossier.id == dossier.id).values(
                lock_version=Dossier.lock_version + 1))
        return real(dossier, ctx, **kwargs)

    monkeypatch.setitem(wf.FUNCTIONS, wf.Action.STOP, racing)  # the map the route calls
    response = act(as_("leader"), app, world.dossier_id, "stop",
                   {"reason": "Theo đề nghị", "sure": "y"})
    assert response.status_code == 409 and str(CONFLICT_MESSAGE) in response.text
    assert load(app, world.dossier_id).state is S.RECEIVED


def test_the_workspace_shows_the_return_method_and_the_postal_address(as_, world, app):
    """Issue 12: the officer sees how the result goes back, and where the post takes it."""
    from portal.dossiers import operations as dossier_ops
    from portal.dossiers.models import ReturnMethod

    client = as_("counter")
    page = client.get(f"/can-bo/ho-so/{world.dossier_id}").text
    assert "Nhận tại quầy của Trung tâm" in page.split('ws-return-method">')[1]
    assert "ws-postal-address" not in page
    with app.app_context():
        dossier = db.session.get(Dossier, world.dossier_id)
        address = dossier_ops.PostalAddress(
            "Nguyễn Văn An", "0912345678", "Quảng Ngãi", "Sơn Tịnh", "Tịnh Phong",
            "Thôn 1, đội 3")
        dossier.return_method = ReturnMethod.POSTAL
        for name in ("recipient", "phone", "province", "district", "ward", "street"):
            setattr(dossier, f"postal_{name}", getattr(address, name))
        db.session.commit()
    page = client.get(f"/can-bo/ho-so/{world.dossier_id}").text
    assert "Nhận qua dịch vụ bưu chính" in page.split('ws-return-method">')[1]
    address = page.split("ws-postal-address")[1].split("</dd>")[0]
    for part in ("Nguyễn Văn An", "0912345678", "Thôn 1, đội 3, Tịnh Phong, Sơn Tịnh, Quảng Ngãi"):
        assert part in address
