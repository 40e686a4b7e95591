"""Changing accounts. Operations flush, never commit; the route commits once."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta

import pyotp
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete, func, select

from portal.accounts.models import (
    AccountKind,
    LoginAttempt,
    Organisation,
    OrganisationMember,
    Role,
    RoleAssignment,
    User,
)
from portal.accounts.queries import user_by_email
from portal.catalog.models import Agency
from portal.core.models import utcnow
from portal.extensions import db

UNKNOWN_AGENCY = "Vui lòng chọn một cơ quan trong danh sách."


class AccountError(ValueError):
    """A refusal with a message to show the user (Vietnamese)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Registration:
    full_name: str
    email: str
    phone: str
    id_number: str
    password: str
    organisation_name: str = ""
    tax_code: str = ""
    organisation_address: str = ""


def _digits(value: str) -> str:
    """An ID number or tax code as stored: people type them in groups, with spaces."""
    return "".join((value or "").split())


def register(data: Registration) -> User:
    # Normalised before the uniqueness checks: " 4300123456 " is the company already
    # registered as 4300123456, not a new one (and e-mails are compared case-folded).
    email = data.email.strip().lower()
    data = replace(data, id_number=_digits(data.id_number), tax_code=_digits(data.tax_code))
    if user_by_email(email):
        raise AccountError("Địa chỉ e-mail này đã được đăng ký. Hãy đăng nhập hoặc lấy lại "
                           "mật khẩu.", "email")
    same_id = select(User.id).where(User.id_number == data.id_number)
    if data.id_number and db.session.scalar(same_id):
        raise AccountError("Số định danh cá nhân này đã được đăng ký.", "id_number")
    business = bool(data.tax_code)
    if business and db.session.scalar(
        select(Organisation.id).where(Organisation.tax_code == data.tax_code)
    ):
        raise AccountError("Mã số thuế này đã có tài khoản doanh nghiệp. Hãy đề nghị người quản "
                           "lý tài khoản doanh nghiệp thêm bạn làm thành viên.", "tax_code")
    user = User(email=email, full_name=data.full_name.strip(), phone=_digits(data.phone),
                id_number=data.id_number or None,
                kind=AccountKind.BUSINESS if business else AccountKind.CITIZEN)
    user.set_password(data.password)
    db.session.add(user)
    if business:
        organisation = Organisation(name=data.organisation_name.strip(), tax_code=data.tax_code,
                                    address=data.organisation_address.strip(),
                                    representative=data.full_name.strip())
        organisation.members.append(OrganisationMember(user=user, is_owner=True))
        db.session.add(organisation)
    db.session.flush()
    return user


# --- login throttling ---------------------------------------------------------------------

def _throttle_keys(email: str, address: str) -> list[str]:
    return [f"email:{email.strip().lower()}", f"ip:{address}"]


def is_throttled(email: str, address: str, limit: int, window: timedelta) -> bool:
    since = utcnow() - window
    for key in _throttle_keys(email, address):
        count = db.session.scalar(
            select(func.count()).select_from(LoginAttempt)
            .where(LoginAttempt.key == key, LoginAttempt.at >= since)
        )
        if count >= limit:
            return True
    return False


def record_failed_login(email: str, address: str) -> None:
    for key in _throttle_keys(email, address):
        db.session.add(LoginAttempt(key=key))
    db.session.flush()


def clear_failed_logins(email: str) -> None:
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.key == f"email:{email.lower()}"))


def authenticate(email: str, password: str) -> User | None:
    user = user_by_email(email)
    if user is None or not user.active or not user.check_password(password):
        return None
    return user


def mark_logged_in(user: User) -> None:
    user.last_login_at = utcnow()


# --- password reset ------------------------------------------------------------------------

def _reset_serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt="password-reset")


def make_reset_token(user: User, secret: str) -> str:
    # The stamp makes a link single-use: any password change bumps it.
    return _reset_serializer(secret).dumps({"u": user.id, "s": user.security_stamp})


def user_for_reset_token(token: str, secret: str, max_age: timedelta) -> User | None:
    try:
        data = _reset_serializer(secret).loads(token, max_age=int(max_age.total_seconds()))
    except (SignatureExpired, BadSignature):
        return None
    user = db.session.get(User, data.get("u"))
    if user is None or user.security_stamp != data.get("s") or not user.active:
        return None
    return user


def reset_password(user: User, new_password: str) -> None:
    user.set_password(new_password)


# --- TOTP (required for staff) -------------------------------------------------------------

def start_totp_setup(user: User) -> str:
    """The secret being enrolled; kept across page loads until the user confirms a code."""
    if not user.totp_secret:
        user.totp_secret = pyotp.random_base32()
    return user.totp_secret


def totp_uri(user: User, issuer: str) -> str:
    return pyotp.TOTP(user.totp_secret or "").provisioning_uri(name=user.email, issuer_name=issuer)


def verify_totp(user: User, code: str) -> bool:
    code = "".join(ch for ch in code if ch.isdigit())
    if not user.totp_secret or len(code) != 6:
        return False
    return pyotp.TOTP(user.totp_secret).verify(code, valid_window=1)


def confirm_totp(user: User, code: str) -> None:
    if not verify_totp(user, code):
        raise AccountError("Mã xác thực không đúng hoặc đã hết hạn. Hãy nhập mã 6 chữ số đang "
                           "hiển thị trong ứng dụng xác thực.", "code")
    user.totp_enabled = True


# --- organisations and roles ---------------------------------------------------------------

def add_member(organisation: Organisation, email: str) -> OrganisationMember:
    user = user_by_email(email)
    if user is None:
        raise AccountError("Không có tài khoản nào với e-mail này. Người đó cần đăng ký tài "
                           "khoản công dân trước.", "email")
    if any(m.user_id == user.id for m in organisation.members):
        raise AccountError("Người này đã là thành viên của tổ chức.", "email")
    member = OrganisationMember(user=user, is_owner=False)
    organisation.members.append(member)
    db.session.flush()
    return member


def remove_member(organisation: Organisation, member_id: int) -> None:
    member = next((m for m in organisation.members if m.id == member_id), None)
    if member is None:
        raise AccountError("Không tìm thấy thành viên.")
    if member.is_owner and sum(m.is_owner for m in organisation.members) == 1:
        raise AccountError("Không thể xóa người quản lý duy nhất của tổ chức.")
    organisation.members.remove(member)


def create_staff(full_name: str, email: str, password: str, phone: str = "") -> User:
    if user_by_email(email):
        raise AccountError("Địa chỉ e-mail này đã được dùng.", "email")
    user = User(email=email.strip().lower(), full_name=full_name.strip(),
                phone=_digits(phone), kind=AccountKind.STAFF)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def grant_role(user: User, role: Role, agency_id: int | None) -> RoleAssignment:
    if role.needs_agency and not agency_id:
        raise AccountError(f"Vai trò {role.label} phải gắn với một cơ quan.", "agency")
    if not role.needs_agency and role is not Role.POSTAL_OFFICER:
        agency_id = None
    # Checked here, not left to the foreign key: its violation is a database error (a 500).
    if agency_id and db.session.get(Agency, agency_id) is None:
        raise AccountError(UNKNOWN_AGENCY, "agency")
    if user.has_role(role, agency_id) if agency_id else any(
        r.role == role and r.agency_id is None for r in user.roles
    ):
        raise AccountError("Người dùng đã có vai trò này.", "role")
    assignment = RoleAssignment(role=role, agency_id=agency_id)
    user.roles.append(assignment)
    db.session.flush()
    return assignment


def revoke_role(user: User, assignment_id: int) -> None:
    assignment = next((r for r in user.roles if r.id == assignment_id), None)
    if assignment is None:
        raise AccountError("Không tìm thấy vai trò.")
    user.roles.remove(assignment)


def set_active(user: User, active: bool) -> None:
    user.active = active
    if not active:
        user.security_stamp += 1  # ends the user's open sessions
