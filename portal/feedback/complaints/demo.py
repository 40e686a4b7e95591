"""Demo feedback for `flask demo seed`: three items of the Sở Tư pháp in different states —
one just sent online (waiting to be routed), one routed from the hotline and past its answer
deadline (on the monitoring board), one answered and published anonymised."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from portal.accounts.models import User
from portal.calendar import VN_TZ
from portal.calendar.overrides import current_calendar
from portal.catalog.models import Agency
from portal.extensions import db
from portal.feedback.complaints import operations as ops
from portal.feedback.complaints.models import Complaint, ComplaintChannel, ComplaintTopic


def seed_feedback(users: dict[str, User], now: datetime | None = None) -> int:
    agency = db.session.scalar(select(Agency).where(Agency.code == "STP"))
    if agency is None or db.session.scalar(select(Complaint.id).limit(1)) is not None:
        return 0
    now = (now or datetime.now(VN_TZ)).astimezone(VN_TZ)
    calendar, days = current_calendar(), 10
    supervisor = users["giamsat@demo.hcc.vn"]
    leader = users["lanhdao.stp@demo.hcc.vn"]
    ops.submit(ops.ComplaintData(
        ComplaintTopic.PAPERWORK, "Trang thủ tục cấp phiếu lý lịch tư pháp chưa ghi rõ cần "
        "bản sao hay bản chính căn cước.", "Nguyễn Văn Minh", "0905123789"),
        now=now - timedelta(hours=3), calendar=calendar, answer_days=days)
    late = ops.submit(ops.ComplaintData(
        ComplaintTopic.DELAY, "Tôi nộp hồ sơ chứng thực từ tháng trước mà chưa nhận được kết "
        "quả.", "Lê Thị Thu", "0935456123", channel=ComplaintChannel.HOTLINE),
        now=now - timedelta(days=30), calendar=calendar, answer_days=days,
        recorded_by=supervisor)
    ops.route(late, agency, supervisor, now - timedelta(days=29))
    answered = ops.submit(ops.ComplaintData(
        ComplaintTopic.ATTITUDE, "Cán bộ quầy hướng dẫn nhiệt tình nhưng phải chờ lâu. Liên hệ "
        "tôi: 0914222333.", "Phạm Quốc Huy", contact_email="huy.pham@example.vn"),
        now=now - timedelta(days=8), calendar=calendar, answer_days=days)
    ops.route(answered, agency, supervisor, now - timedelta(days=7))
    ops.answer(answered, "Sở đã bố trí thêm một cán bộ tại quầy vào buổi sáng thứ Hai và thứ "
               "Sáu. Cảm ơn ông đã góp ý.", leader, now - timedelta(days=4),
               link="/phan-anh/tra-cuu")
    ops.publish(answered, answered.text, answered.answer, supervisor, now - timedelta(days=3))
    return 3
