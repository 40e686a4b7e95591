"""`GET /metrics` (portal/core/metrics.py, issue 17): Prometheus's text format for the
monitoring network only — any other address, or a wrong bearer token, gets the plain 404 page
— with the latency histogram labelled by route (the endpoint, never the path and its ids)
and the database's figures computed at the scrape: the outbox backlog, the pending payments
and the dossiers overdue now, equal to direct counts and to the monitoring page's figure."""

from __future__ import annotations

from datetime import datetime, timedelta

import factories
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select

from portal import create_app
from portal.accounts.models import Role
from portal.calendar import VN_TZ
from portal.calendar.overrides import current_calendar
from portal.catalog.models import Agency, TimeUnit
from portal.core.models import utcnow
from portal.extensions import db
from portal.notifications import outbox
from portal.notifications.models import OutboxMessage, OutboxState
from portal.payments import operations as payment_ops
from portal.payments.models import Payment, PaymentMethod, PaymentState
from portal.stats import monitoring
from portal.workflow import actions as wf

TOKEN = "metrics-token-long-enough-0123456789"


def samples(body: str) -> dict[tuple[str, tuple], float]:
    """{(sample name, sorted labels): value} of an exposition."""
    found = {}
    for family in text_string_to_metric_families(body):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def scrape(client, **kwargs) -> dict[tuple[str, tuple], float]:
    response = client.get("/metrics", **kwargs)
    assert response.status_code == 200, response.status_code
    assert response.headers["Content-Type"].startswith("text/plain; version=")
    assert response.headers["Cache-Control"] == "no-store"
    return samples(response.get_data(as_text=True))


def refused(response) -> bool:
    """The answer a path that does not exist gets: nothing reveals the endpoint."""
    return (response.status_code == 404 and "portal_" not in response.get_data(as_text=True)
            and "Không tìm thấy trang" in response.get_data(as_text=True))


@pytest.mark.parametrize("address", ["10.1.2.3", "203.0.113.9", "2001:db8::1"])
def test_other_addresses_get_the_404_page(app, address):
    response = app.test_client().get("/metrics", environ_base={"REMOTE_ADDR": address})
    assert refused(response)


@pytest.mark.parametrize("address", ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"])
def test_loopback_may_read_it(app, address):
    values = scrape(app.test_client(), environ_base={"REMOTE_ADDR": address})
    assert values[("portal_metrics_database_up", ())] == 1


@pytest.fixture
def with_token(app):
    """The app with a token and no network allowed (the monitoring server is elsewhere)."""
    config = app.config["PORTAL"].with_(metrics_token=TOKEN, metrics_allowed_networks=())
    tokened = create_app(config)
    yield tokened
    with tokened.app_context():
        db.engine.dispose()


def test_a_token_opens_it_and_a_wrong_one_does_not(with_token):
    client = with_token.test_client()
    outside = {"REMOTE_ADDR": "10.1.2.3"}
    assert refused(client.get("/metrics", environ_base=outside))
    assert refused(client.get("/metrics"))  # loopback is not in the (empty) networks
    for wrong in (f"Bearer {TOKEN}x", f"Basic {TOKEN}", "Bearer ", TOKEN):
        assert refused(client.get("/metrics", environ_base=outside,
                                  headers={"Authorization": wrong})), wrong
    values = scrape(client, environ_base=outside, headers={"Authorization": f"Bearer {TOKEN}"})
    assert values[("portal_metrics_database_up", ())] == 1


def test_a_wrong_token_is_refused_even_from_an_allowed_network(app):
    response = app.test_client().get("/metrics", headers={"Authorization": "Bearer nope"})
    assert refused(response)


def test_the_histogram_names_routes_never_paths(client):
    def count(route: str, status: str) -> float:
        key = ("portal_http_request_duration_seconds_count",
               (("method", "GET"), ("route", route), ("status", status)))
        return scrape(client).get(key, 0)

    before = count("public.procedure", "4xx"), count("public.healthz", "2xx")
    for code in ("1.987654", "2.987655", "3.987656"):
        assert client.get(f"/thu-tuc/{code}").status_code == 404
    assert client.get("/healthz").status_code == 200
    assert client.get("/khong-ton-tai/987657").status_code == 404
    values = scrape(client)
    after = count("public.procedure", "4xx"), count("public.healthz", "2xx")
    assert after[0] - before[0] == 3 and after[1] - before[1] == 1
    assert values[("portal_http_request_duration_seconds_bucket",
                   (("le", "+Inf"), ("method", "GET"), ("route", "none"),
                    ("status", "4xx")))] >= 1
    labels = {value for _, pairs in values for _, value in pairs}
    assert not any("98765" in value or "/" in value for value in labels), labels


def test_server_errors_and_unhandled_exceptions_are_counted(tmp_path):
    app = create_app(_config(tmp_path))

    @app.get("/hong")
    def broken():
        raise RuntimeError("hỏng")

    client = app.test_client()
    key_5xx = ("portal_http_server_errors_total", (("route", "broken"), ("status", "500")))
    key_exc = ("portal_unhandled_exceptions_total",
               (("exception", "RuntimeError"), ("route", "broken")))
    before = scrape(client)
    assert client.get("/hong").status_code == 500
    after = scrape(client)
    assert after[key_5xx] - before.get(key_5xx, 0) == 1
    assert after[key_exc] - before.get(key_exc, 0) == 1
    with app.app_context():
        db.engine.dispose()


def _config(tmp_path):
    from portal.config import Config

    return Config.from_env({}, env="testing", database_url=f"sqlite:///{tmp_path / 'm.db'}",
                           storage_url=f"file://{tmp_path / 'files'}")


def at(day: int, month: int = 3, hour: int = 9) -> datetime:
    return datetime(2025, month, day, hour, tzinfo=VN_TZ)


@pytest.fixture
def backlog(app):
    """Overdue, waiting and current dossiers, two pending messages (one sent), a pending
    card payment and a pending transfer (one confirmed payment beside them)."""
    with app.app_context():
        agency = factories.agency()
        version = factories.published_procedure(agency, time_amount=5, time_unit=TimeUnit.DAYS,
                                                cutoff=None)
        paid_version = factories.published_procedure(agency, payment_due_at_submission=True)
        counter = factories.staff(Role.COUNTER_OFFICER, agency)
        specialist = factories.staff(Role.SPECIALIST, agency)

        def ctx(user, when):
            return wf.Context(user, when, current_calendar())

        def received(when):
            dossier = factories.submitted_dossier(version, now=when)
            wf.receive(dossier, ctx(counter, when))
            return dossier

        received(at(3))  # running, due 10/03/2025: overdue
        late = received(at(4))  # papers asked for after the due time: overdue while waiting
        wf.take(late, ctx(specialist, at(4)))
        wf.request_supplement(late, ctx(specialist, at(20)), "Bản sao", "Thiếu")
        held = received(at(5))  # asked for with time left: the pause holds the clock
        wf.take(held, ctx(specialist, at(5)))
        wf.request_supplement(held, ctx(specialist, at(6)), "Bản sao", "Thiếu")
        now = utcnow()
        received(now)  # due in five working days: not overdue

        outbox.queue("email", "a@example.vn", "Tin 1")
        outbox.queue("sms", "0912345678", "Tin 2")
        sent = outbox.queue("email", "b@example.vn", "Tin 3")
        sent.state = OutboxState.SENT
        dossier = factories.submitted_dossier(paid_version, now=at(7))
        request = payment_ops.request_at_submission(dossier, at(7), dossier.applicant)
        card = payment_ops.start_payment(request, PaymentMethod.GATEWAY, now - timedelta(hours=2))
        payment_ops.start_payment(request, PaymentMethod.VIETQR, now - timedelta(minutes=5))
        assert card.state is PaymentState.PENDING
        db.session.commit()
    return app


def test_the_gauges_equal_direct_counts_and_the_monitoring_page(client, backlog):
    started = utcnow()
    values = scrape(client)
    ended = utcnow()
    with backlog.app_context():
        pending = OutboxMessage.state == OutboxState.PENDING
        messages, oldest = db.session.execute(
            select(func.count(), func.min(OutboxMessage.created_at)).where(pending)).one()
        payments = dict(db.session.execute(
            select(Payment.method, func.count()).where(Payment.state == PaymentState.PENDING)
            .group_by(Payment.method)).all())
        first_card = db.session.scalar(select(func.min(Payment.created_at)).where(
            Payment.state == PaymentState.PENDING, Payment.method == PaymentMethod.GATEWAY))
        agencies = list(db.session.scalars(select(Agency)))
        scope = monitoring.Scope(tuple(a.id for a in agencies), started, current_calendar())
        shown = monitoring.board(scope, agencies).overdue

    # The workflow's own notices are in the outbox too; the sent one is not counted.
    assert messages >= 2 and values[("portal_outbox_pending_messages", ())] == messages
    age = values[("portal_outbox_oldest_pending_age_seconds", ())]
    assert (started - oldest).total_seconds() <= age <= (ended - oldest).total_seconds()
    assert payments == {PaymentMethod.GATEWAY: 1, PaymentMethod.VIETQR: 1}
    for method in PaymentMethod:
        assert values[("portal_payments_pending", (("method", method.value),))] == \
            payments.get(method, 0)
    card_age = values[("portal_payments_oldest_pending_age_seconds", (("method", "gateway"),))]
    assert (started - first_card).total_seconds() <= card_age <= (
        ended - first_card).total_seconds()
    assert 7100 < card_age < 7300
    assert values[("portal_payments_oldest_pending_age_seconds", (("method", "counter"),))] == 0
    assert shown == 2 and values[("portal_dossiers_overdue", ())] == 2
