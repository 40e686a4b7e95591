"""Account models. Permission questions live here as can_<verb> methods (STYLE.md)."""

from __future__ import annotations

import enum
from datetime import datetime

from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy import true as sa_true
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates
from werkzeug.security import check_password_hash, generate_password_hash

from portal.core.i18n import N_
from portal.core.models import LabelledEnum, TimestampMixin, UTCDateTime, str_enum
from portal.core.text import fold
from portal.extensions import db


def _password_hash_method() -> str:
    """The configured method (cheap under tests, Config.password_hash_method); scrypt
    outside an application."""
    if has_app_context():
        return current_app.config["PORTAL"].password_hash_method
    return "scrypt"


class Role(LabelledEnum):
    COUNTER_OFFICER = "counter_officer", N_("Cán bộ một cửa")
    SPECIALIST = "specialist", N_("Chuyên viên")
    LEADER = "leader", N_("Lãnh đạo")
    SUPERVISOR = "supervisor", N_("Lãnh đạo Trung tâm")
    POSTAL_OFFICER = "postal_officer", N_("Nhân viên bưu điện")
    ADMIN = "admin", N_("Quản trị hệ thống")
    # Issue 14: the bank's collection counter inside the centre (amounts due, never documents).
    BANK_COLLECTOR = "bank_collector", N_("Cán bộ thu tiền của ngân hàng")

    @property
    def needs_agency(self) -> bool:
        return self in {Role.COUNTER_OFFICER, Role.SPECIALIST, Role.LEADER}


DOSSIER_ROLES = frozenset({Role.COUNTER_OFFICER, Role.SPECIALIST, Role.LEADER, Role.SUPERVISOR})


class AccountKind(enum.StrEnum):
    CITIZEN = "citizen"
    BUSINESS = "business"
    STAFF = "staff"



class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    # The name without diacritics (core.text.fold), for accent-insensitive staff search.
    name_folded: Mapped[str] = mapped_column(String(200), default="", server_default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    # Where the person lives, as they keep it on their profile (prefills their dossiers).
    address: Mapped[str] = mapped_column(String(300), default="", server_default="")
    # The same address from the official list (portal.addresses, issue 15); ``address`` keeps
    # its one-line text, and an address typed before the list stays as it was.
    address_province_code: Mapped[str] = mapped_column(String(2), default="", server_default="")
    address_ward_code: Mapped[str] = mapped_column(String(5), default="", server_default="")
    address_street: Mapped[str] = mapped_column(String(300), default="", server_default="")
    id_number: Mapped[str | None] = mapped_column(String(12), unique=True)  # CCCD, 12 digits
    kind: Mapped[AccountKind] = mapped_column(str_enum(AccountKind, "account_kind"))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    # The last TOTP time-step (Unix time // 30) accepted for this secret: RFC 6238 §5.2, a
    # code is accepted once; only a later step's code is accepted next.
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Bumped on password change/reset: invalidates sessions and used reset links.
    security_stamp: Mapped[int] = mapped_column(Integer, default=0)
    # A password an administrator chose (a new staff account): the person must replace it
    # before anything else (login_sessions._temporary_password_first).
    password_temporary: Mapped[bool] = mapped_column(Boolean, default=False,
                                                     server_default=sa_false())
    # How the person wants to be told about their dossiers (issue 13): any of e-mail, SMS,
    # Zalo, at least one (accounts.verification.set_channels). A phone channel goes to the
    # verified phone, e-mail to the verified e-mail; the portal's own bell always shows them.
    notify_email: Mapped[bool] = mapped_column(Boolean, default=True, server_default=sa_true())
    notify_sms: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    notify_zalo: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    # The phone number and the e-mail address last proved by a code: verified while they
    # still equal ``phone`` / ``email`` (a changed number is unverified by itself).
    phone_verified: Mapped[str] = mapped_column(String(20), default="", server_default="")
    email_verified: Mapped[str] = mapped_column(String(254), default="", server_default="")
    # The language of the person's messages: "vi" (default) or "en".
    language: Mapped[str] = mapped_column(String(5), default="vi", server_default="vi")

    # Loaded when first used (the logged-in user's roles on every request; nobody else's
    # unless a query asks with selectinload): lists of users stay one query.
    roles: Mapped[list[RoleAssignment]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )
    memberships: Mapped[list[OrganisationMember]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    @validates("full_name")
    def _fold_name(self, _key: str, value: str) -> str:
        self.name_folded = fold(value)
        return value

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=_password_hash_method())
        self.security_stamp = (self.security_stamp or 0) + 1

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        # The stamp in the session id logs out every session when the password changes.
        return f"{self.id}:{self.security_stamp}"

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.active

    @property
    def phone_is_verified(self) -> bool:
        return bool(self.phone) and self.phone_verified == self.phone

    @property
    def email_is_verified(self) -> bool:
        return bool(self.email) and self.email_verified == self.email

    @property
    def is_staff(self) -> bool:
        # A staff account without a role yet still enrols in two-factor login.
        return self.kind is AccountKind.STAFF or bool(self.roles)

    def has_role(self, role: Role, agency_id: int | None = None) -> bool:
        return any(
            r.role == role and (agency_id is None or r.agency_id == agency_id) for r in self.roles
        )

    @property
    def is_admin(self) -> bool:
        return self.has_role(Role.ADMIN)

    @property
    def organisations(self) -> list[Organisation]:
        return [m.organisation for m in self.memberships]

    def can_manage_catalog(self) -> bool:
        return self.is_admin

    def can_use_staff_area(self) -> bool:
        return self.is_staff and self.totp_enabled

    def works_on_dossiers(self) -> bool:
        """Holds a role of the staff area (/can-bo): officers, leaders, the supervisor."""
        return any(r.role in DOSSIER_ROLES for r in self.roles)


class RoleAssignment(db.Model):
    __tablename__ = "role_assignment"
    __table_args__ = (UniqueConstraint("user_id", "role", "agency_id", name="uq_role_assignment"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(str_enum(Role, "role"))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))

    user: Mapped[User] = relationship(back_populates="roles")
    agency = relationship("Agency", lazy="joined")

    @property
    def label(self) -> str:
        return self.role.label + (f" – {self.agency.name}" if self.agency else "")


class Organisation(TimestampMixin, db.Model):
    """A business or other organisation applying as one party; members share its dossiers."""

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    tax_code: Mapped[str] = mapped_column(String(14), unique=True)
    address: Mapped[str] = mapped_column(String(300), default="")
    representative: Mapped[str] = mapped_column(String(200), default="")

    members: Mapped[list[OrganisationMember]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan"
    )

    def can_manage_members(self, user: User) -> bool:
        return any(m.user_id == user.id and m.is_owner for m in self.members)


class OrganisationMember(db.Model):
    __tablename__ = "organisation_member"
    __table_args__ = (UniqueConstraint("organisation_id", "user_id", name="uq_org_member"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    is_owner: Mapped[bool] = mapped_column(Boolean, default=False)

    organisation: Mapped[Organisation] = relationship(back_populates="members", lazy="joined")
    user: Mapped[User] = relationship(back_populates="memberships")



class OrganisationInvitation(db.Model):
    """An e-mail invitation to join an organisation (issue 18: a member no longer needs an
    account first). The link carries a random token; only its SHA-256 is stored, so the
    table cannot be read back into working links. Pending while not accepted, not revoked
    and not expired; resending replaces the token (the old link stops working)."""

    __tablename__ = "organisation_invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])

    def is_pending(self, now: datetime) -> bool:
        return self.accepted_at is None and self.revoked_at is None and now < self.expires_at
