"""The satisfaction figures (issue 16): the supervisor reads every agency, a leader theirs
(with the ratings and their dossiers behind the numbers), an officer only their own
aggregates and anonymous comments — never who rated nor which dossier."""

from __future__ import annotations

import io
import uuid
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from portal.core.models import utcnow
from portal.extensions import db
from portal.feedback.models import Overall, Rating, RatingChannel

COMMENT = "Hướng dẫn rất kỹ, cảm ơn chị"


@pytest.fixture
def rated(world, app):
    """Five ratings today: three of the justice officer (one online with a comment about the
    citizen's dossier), two of the finance officer (one dissatisfied)."""
    now = utcnow() - timedelta(minutes=5)
    officer, finance = world.users["officer"], world.users["finance_officer"]
    rows = [
        (world.agencies["justice"], officer, Overall.VERY_SATISFIED, world.dossiers["returned"],
         COMMENT, {"time_taken": 2, "attitude": 2}),
        (world.agencies["justice"], officer, Overall.SATISFIED, None, "", {}),
        (world.agencies["justice"], officer, Overall.SATISFIED, None, "", {}),
        (world.agencies["finance"], finance, Overall.DISSATISFIED, world.dossiers["finance"],
         "Phải đi lại ba lần", {"time_taken": 0, "attitude": 1}),
        (world.agencies["finance"], finance, Overall.VERY_SATISFIED, None, "", {}),
    ]
    with app.app_context():
        for agency, who, overall, dossier, comment, scores in rows:
            db.session.add(Rating(
                uuid=str(uuid.uuid4()), agency_id=agency, officer_id=who, overall=overall,
                channel=RatingChannel.ONLINE if dossier else RatingChannel.KIOSK,
                dossier_id=dossier, comment=comment, rated_at=now,
                rater_id=world.users["citizen"] if dossier else None,
                counter_id=None if dossier else world.counters[
                    "justice" if agency == world.agencies["justice"] else "finance"],
                **scores))
        db.session.commit()


def test_the_supervisor_reads_every_agency_and_appendix_2(as_, world, rated):
    client = as_("supervisor")
    page = client.get("/thong-ke/hai-long").get_data(as_text=True)
    assert '<dd class="col-sm-6 total-count">5</dd>' in page
    assert "4 (80,0 %)" in page  # very satisfied + satisfied
    assert "Sở Tư pháp" in page and "Sở Tài chính" in page
    assert "Phụ lục 2" in page and COMMENT in page
    workbook = load_workbook(io.BytesIO(client.get("/thong-ke/hai-long.xlsx").data))
    rows = [[c.value for c in row] for row in workbook.active.iter_rows(min_row=6)]
    assert rows[0][1:7] == ["Sở Tư pháp", 3, 1, 2, 0, 3]
    assert rows[1][1:7] == ["Sở Tài chính", 2, 1, 0, 1, 1]
    assert rows[-1][1:8] == ["Tổng cộng", 5, 2, 2, 1, 4, 80.0]


def test_a_leader_reads_their_agency_with_the_ratings_and_dossiers(as_, world, rated):
    client = as_("leader")
    page = client.get("/thong-ke/hai-long").get_data(as_text=True)
    assert '<dd class="col-sm-6 total-count">3</dd>' in page
    assert "Sở Tài chính" not in page and "Phải đi lại ba lần" not in page
    ratings = client.get("/thong-ke/hai-long/danh-gia").get_data(as_text=True)
    assert world.codes["returned"] in ratings and world.codes["finance"] not in ratings
    assert "Trần Thị Đánh Giá" not in ratings  # the rater is never shown
    assert client.get(f"/thong-ke/hai-long?co-quan={world.agencies['finance']}"
                      ).status_code == 404
    assert client.get(f"/thong-ke/hai-long/danh-gia?co-quan={world.agencies['finance']}"
                      ).status_code == 404


def test_an_officer_sees_only_their_own_aggregates_and_anonymous_comments(as_, world, rated):
    client = as_("officer")
    page = client.get("/thong-ke/hai-long").get_data(as_text=True)
    assert '<dd class="col-sm-6 total-count">3</dd>' in page
    assert COMMENT in page
    for hidden in ("Trần Thị Đánh Giá", world.codes["returned"], "dan@example.vn",
                   "Phải đi lại ba lần", "Phụ lục 2", "Sở Tài chính"):
        assert hidden not in page
    # Asking for another officer or agency changes nothing: their own figures only.
    page = client.get(f"/thong-ke/hai-long?can-bo={world.users['finance_officer']}"
                      f"&co-quan={world.agencies['finance']}").get_data(as_text=True)
    assert '<dd class="col-sm-6 total-count">3</dd>' in page
    assert client.get("/thong-ke/hai-long/danh-gia").status_code == 403
    assert client.get("/thong-ke/hai-long.xlsx").status_code == 403
    colleague = as_("colleague").get("/thong-ke/hai-long").get_data(as_text=True)
    assert '<dd class="col-sm-6 total-count">0</dd>' in colleague and COMMENT not in colleague


def test_citizens_and_visitors_read_no_figures(as_, world, rated, client):
    assert as_("citizen").get("/thong-ke/hai-long").status_code == 403
    assert as_("admin").get("/thong-ke/hai-long").status_code == 403
    response = client.get("/thong-ke/hai-long")
    assert response.status_code == 302 and "dang-nhap" in response.headers["Location"]


def test_the_annual_figures_count_the_ratings(as_, world, rated):
    page = as_("supervisor").get("/thong-ke/so-lieu-nam").get_data(as_text=True)
    assert '<td class="text-end annual-ratings"><a href="' in page
    assert '">5</a></td>' in page
    assert '<td class="text-end annual-satisfied">4</td>' in page
    assert "chưa được triển khai" not in page


def test_a_period_without_ratings(as_, world, rated):
    page = as_("supervisor").get("/thong-ke/hai-long?tu=2019-01-01&den=2019-12-31"
                                 ).get_data(as_text=True)
    assert '<dd class="col-sm-6 total-count">0</dd>' in page
    assert "Không có ý kiến nào trong kỳ." in page
    page = as_("supervisor").get("/thong-ke/hai-long?tu=2019-12-31&den=2019-01-01"
                                 ).get_data(as_text=True)
    assert "Ngày không hợp lệ" in page
