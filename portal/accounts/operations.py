"""Changing accounts. Operations flush, never commit; the route commits once."""

from __future__ import annotations

import enum
import hmac
import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TypeVar

import pyotp
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import or_, select, update

from portal import addresses
from portal.accounts import throttling, user_sessions
from portal.accounts.models import (
    AccountKind,
    Organisation,
    OrganisationMember,
    Role,
    RoleAssignment,
    User,
)
from portal.accounts.queries import user_by_email
from portal.catalog.models import Agency
from portal.config import Config
from portal.core import throttle
from portal.core.i18n import LazyText
from portal.core.i18n import lazy_text as _l
from portal.core.models import utcnow
from portal.core.refusal import Refusal
from portal.extensions import db

log = logging.getLogger(__name__)

UNKNOWN_AGENCY = _l("Vui lòng chọn một cơ quan trong danh sách.")


class AccountError(Refusal):
    """A refusal with a message to show the user (Vietnamese)."""


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
        raise AccountError(_l("Địa chỉ e-mail này đã được đăng ký. Hãy đăng nhập hoặc lấy lại "
                              "mật khẩu."), "email")
    same_id = select(User.id).where(User.id_number == data.id_number)
    if data.id_number and db.session.scalar(same_id):
        raise AccountError(_l("Số định danh cá nhân này đã được đăng ký."), "id_number")
    business = bool(data.tax_code)
    if business and db.session.scalar(
        select(Organisation.id).where(Organisation.tax_code == data.tax_code)
    ):
        raise AccountError(_l("Mã số thuế này đã có tài khoản doanh nghiệp. Hãy đề nghị người quản "
                              "lý tài khoản doanh nghiệp thêm bạn làm thành viên."), "tax_code")
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


# --- logging in (the counters: accounts.throttling) -------------------------------------

@dataclass(frozen=True)
class LoginOutcome:
    user: User | None  # None: wrong e-mail or password
    # Set when a wrong password came from an address over its limit: answer 429, not 422.
    address_over_limit: throttle.Decision | None = None


def log_in(email: str, password: str, address: str, config: Config) -> LoginOutcome:
    """Check a password under the account's back-off and the address's limit.

    Raises ``throttle.Throttled`` while the account backs off (the password is not looked
    at). The attempt is counted before the password is checked, so concurrent guesses cannot
    slip past the limit together."""
    account = throttling.login_account_key(email)
    decision = throttle.attempt(account, throttling.account_backoff(config))
    if not decision.allowed:
        raise throttle.Throttled(decision)
    address_key = throttling.login_address_key(address)
    from_address = throttle.attempt(address_key, throttling.login_address_limit(config))
    user = authenticate(email, password)
    if user is None:
        if from_address.allowed:
            return LoginOutcome(None)
        log.warning("failed logins from %s over the limit (%s in %s min)", address,
                    from_address.count, config.login_window_minutes)
        return LoginOutcome(None, from_address)
    throttle.clear(account)
    throttle.forgive(address_key)
    return LoginOutcome(user)


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


def request_password_reset(email: str, address: str, config: Config) -> User | None:
    """Who should get a reset link: the active account with this e-mail, else None — and the
    caller answers the same either way. Raises ``throttle.Throttled`` past the limits per
    client address and per e-mail address (counted whether or not it has an account, so the
    limit reveals nothing either)."""
    for key, policy in ((throttling.reset_address_key(address),
                         throttling.reset_address_limit(config)),
                        (throttling.reset_account_key(email),
                         throttling.reset_account_limit(config))):
        decision = throttle.attempt(key, policy)
        if not decision.allowed:
            raise throttle.Throttled(decision)
    user = user_by_email(email)
    return user if user is not None and user.active else None


def reset_password(user: User, new_password: str) -> None:
    user.set_password(new_password)
    user.password_temporary = False  # chosen by its owner now
    # Proving control of the mailbox ends the login back-off, whoever caused it.
    throttle.clear(throttling.login_account_key(user.email))


# --- the profile and the password of a signed-in person ----------------------------------

def update_profile(user: User, full_name: str, phone: str,
                   place: tuple[str, str, str] | None = None) -> None:
    """The details a person keeps up to date themselves (the e-mail and the ID number are not
    among them). ``phone`` is already in its stored form (the form's filter).

    ``place`` is the address from the official list (province code, ward code, street; issue
    15): stored as codes, with its one-line text in ``address`` (which prefills dossiers).
    Without one, an address chosen from the list before is removed, while an address typed
    before the list (text only) is kept as it was, still readable."""
    user.full_name = full_name.strip()
    user.phone = _digits(phone)
    if place is None:
        if user.address_ward_code:
            user.address = user.address_street = ""
            user.address_province_code = user.address_ward_code = ""
        return
    province_code, ward_code, street = place
    try:
        province, ward = addresses.check(province_code, ward_code)
    except addresses.AddressError as error:
        raise AccountError(error.message, error.field) from None
    user.address_province_code, user.address_ward_code = province.code, ward.code
    user.address_street = (street or "").strip()[:300]
    user.address = addresses.format_address(user.address_street, ward.code, province.code)[:300]


def change_password(user: User, current: str, new_password: str, config: Config) -> None:
    """A signed-in person changes their password. The current one is checked under the same
    back-off as a login with this account's e-mail (``throttling.login_account_key``): a wrong
    one counts there, and while the account backs off ``throttle.Throttled`` is raised without
    looking at it. Success ends every session of the user (the security stamp moves, and the
    rows are ended); the route then starts a new one for this browser."""
    key = throttling.login_account_key(user.email)
    decision = throttle.attempt(key, throttling.account_backoff(config))
    if not decision.allowed:
        raise throttle.Throttled(decision)
    if not user.check_password(current):
        raise AccountError(_l("Mật khẩu hiện tại không đúng."), "current_password")
    throttle.clear(key)
    if new_password == current:
        raise AccountError(_l("Mật khẩu mới phải khác mật khẩu hiện tại."), "password")
    user.set_password(new_password)
    user.password_temporary = False
    user_sessions.end_all(user)


# --- TOTP (required for staff) -------------------------------------------------------------

def start_totp_setup(user: User) -> str:
    """The secret being enrolled; kept across page loads until the user confirms a code."""
    if not user.totp_secret:
        user.totp_secret = pyotp.random_base32()
        user.totp_last_step = None  # the steps used belong to the old secret
    return user.totp_secret


def totp_uri(user: User, issuer: str) -> str:
    return pyotp.TOTP(user.totp_secret or "").provisioning_uri(name=user.email, issuer_name=issuer)


class CodeCheck(enum.Enum):
    ACCEPTED = "accepted"
    WRONG = "wrong"  # not the code of this step or the one before or after
    REUSED = "reused"  # right code, but its time-step was already accepted


def check_totp(user: User, code: str, now: datetime | None = None) -> CodeCheck:
    """The authenticator's code for the current 30-second step, or the one before or after
    (clock drift). RFC 6238 §5.2: each step is accepted once, and only a step later than the
    last one accepted; a conditional UPDATE claims it, so two requests with the same code
    cannot both succeed."""
    code = "".join(ch for ch in code if ch in "0123456789")  # str.isdigit takes "١" too
    if not user.totp_secret or len(code) != 6:
        return CodeCheck.WRONG
    totp = pyotp.TOTP(user.totp_secret)
    current = int((now or utcnow()).timestamp()) // totp.interval
    step = next((s for s in (current - 1, current, current + 1)
                 if hmac.compare_digest(totp.at(s * totp.interval), code)), None)
    if step is None:
        return CodeCheck.WRONG
    claimed = db.session.execute(
        update(User).where(User.id == user.id, or_(User.totp_last_step.is_(None),
                                                   User.totp_last_step < step))
        .values(totp_last_step=step))
    return CodeCheck.ACCEPTED if claimed.rowcount == 1 else CodeCheck.REUSED


def second_factor(user: User, code: str, config: Config) -> CodeCheck:
    """The login's TOTP step under the account's own code back-off (raises
    ``throttle.Throttled``): only a correct code clears it, never a correct password."""
    key = throttling.totp_key(user.id)
    decision = throttle.attempt(key, throttling.account_backoff(config))
    if not decision.allowed:
        raise throttle.Throttled(decision)
    result = check_totp(user, code)
    if result is CodeCheck.ACCEPTED:
        throttle.clear(key)
    return result


def confirm_totp(user: User, code: str) -> None:
    if check_totp(user, code) is not CodeCheck.ACCEPTED:
        raise AccountError(_l("Mã xác thực không đúng hoặc đã hết hạn. Hãy nhập mã 6 chữ số đang "
                              "hiển thị trong ứng dụng xác thực."), "code")
    user.totp_enabled = True


# --- organisations and roles ---------------------------------------------------------------

def add_member(organisation: Organisation, email: str) -> OrganisationMember:
    """An existing account made a member at once (data set-up and tests). People join through
    an e-mail invitation instead (``accounts.invitations``), which asks for their consent."""
    user = user_by_email(email)
    if user is None:
        raise AccountError(_l("Không có tài khoản nào với e-mail này. Người đó cần đăng ký tài "
                              "khoản công dân trước."), "email")
    if any(m.user_id == user.id for m in organisation.members):
        raise AccountError(_l("Người này đã là thành viên của tổ chức."), "email")
    member = OrganisationMember(user=user, is_owner=False)
    organisation.members.append(member)
    db.session.flush()
    return member


Row = TypeVar("Row", OrganisationMember, RoleAssignment)


def _by_id(rows: list[Row], row_id: int, missing: LazyText) -> Row:
    """The row of that id among ``rows``: an id from elsewhere (or gone) is refused, not a 500."""
    row = next((r for r in rows if r.id == row_id), None)
    if row is None:
        raise AccountError(missing)
    return row


def remove_member(organisation: Organisation, member_id: int) -> None:
    member = _by_id(organisation.members, member_id, _l("Không tìm thấy thành viên."))
    if member.is_owner and sum(m.is_owner for m in organisation.members) == 1:
        raise AccountError(_l("Không thể xóa người quản lý duy nhất của tổ chức."))
    organisation.members.remove(member)


def create_staff(full_name: str, email: str, password: str, phone: str = "", *,
                 temporary: bool = False) -> User:
    """A staff account. ``temporary``: the password is one an administrator chose (the admin
    page's new account), which the owner replaces at the first login."""
    if user_by_email(email):
        raise AccountError(_l("Địa chỉ e-mail này đã được dùng."), "email")
    user = User(email=email.strip().lower(), full_name=full_name.strip(),
                phone=_digits(phone), kind=AccountKind.STAFF, password_temporary=temporary)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def grant_role(user: User, role: Role, agency_id: int | None) -> RoleAssignment:
    if role.needs_agency and not agency_id:
        raise AccountError(_l("Vai trò %(role)s phải gắn với một cơ quan.", role=_l(role.label)),
                           "agency")
    if not role.needs_agency and role is not Role.POSTAL_OFFICER:
        agency_id = None
    # Checked here, not left to the foreign key: its violation is a database error (a 500).
    if agency_id and db.session.get(Agency, agency_id) is None:
        raise AccountError(UNKNOWN_AGENCY, "agency")
    if user.has_role(role, agency_id) if agency_id else any(
        r.role == role and r.agency_id is None for r in user.roles
    ):
        raise AccountError(_l("Người dùng đã có vai trò này."), "role")
    assignment = RoleAssignment(role=role, agency_id=agency_id)
    user.roles.append(assignment)
    db.session.flush()
    return assignment


def revoke_role(user: User, assignment_id: int) -> None:
    user.roles.remove(_by_id(user.roles, assignment_id, _l("Không tìm thấy vai trò.")))


def set_active(user: User, active: bool) -> None:
    user.active = active
    if not active:
        user.security_stamp += 1  # ends the user's open sessions
