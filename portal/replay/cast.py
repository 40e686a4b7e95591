"""The replay's people with accounts: per agency a counter officer, a specialist and a leader;
and the citizens and businesses who filed online (or gave their account at the counter).

Every replay account's e-mail ends in ``@replay.hcc.vn`` (that is how ``--fresh`` and the
"already replayed" check find the replay's data) and has no usable password: Werkzeug never
accepts the hash "!", so nobody can log in as a made-up person. An administrator who wants to
look around as one of them resets the password in the user administration."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from portal.accounts import operations as account_ops
from portal.accounts.models import AccountKind, Organisation, OrganisationMember, Role, User
from portal.calendar import VN_TZ
from portal.catalog.models import Agency
from portal.extensions import db
from portal.replay.people import Company, Person, company, person

DOMAIN = "replay.hcc.vn"
NO_PASSWORD = "!"  # not a Werkzeug hash: check_password_hash always answers False
CITIZENS = 1200
BUSINESSES = 500
ACCOUNTS_SINCE = datetime(2018, 6, 1, 8, 0, tzinfo=VN_TZ)  # registered before the period
STAFF_ROLES = (("motcua", Role.COUNTER_OFFICER), ("chuyenvien", Role.SPECIALIST),
               ("lanhdao", Role.LEADER))


@dataclass
class Staff:
    counter: User
    specialist: User
    leader: User


@dataclass
class Cast:
    staff: dict[str, Staff]  # by agency code
    citizens: list[tuple[User, Person]]
    businesses: list[tuple[User, Organisation, Company]]
    users: dict[int, User] = field(default_factory=dict)  # applicants' accounts by id

    def applicant(self, business: bool, rng: random.Random
                  ) -> tuple[User, Organisation | None, Person]:
        if business:
            user, organisation, firm = rng.choice(self.businesses)
            return user, organisation, firm.representative
        user, who = rng.choice(self.citizens)
        return user, None, who


def replay_emails_like() -> str:
    return f"%@{DOMAIN}"


def _user(email: str, who: Person, kind: AccountKind) -> User:
    user = User(email=email, full_name=who.name, phone=who.phone,
                id_number=who.id_number if kind is not AccountKind.STAFF else None,
                kind=kind, password_hash=NO_PASSWORD, created_at=ACCOUNTS_SINCE,
                updated_at=ACCOUNTS_SINCE)
    set_committed_value(user, "roles", [])  # a new account has none: no lazy load later
    return user


def ensure_cast(agencies: list[Agency]) -> Cast:
    """The replay's accounts, created when missing (the same people every time)."""
    rng = random.Random("replay-2019/cast")
    existing = {u.email: u for u in db.session.scalars(
        select(User).where(User.email.like(replay_emails_like()))
        .options(selectinload(User.roles), selectinload(User.memberships)))}
    staff = {}
    serial = 0
    for agency in sorted(agencies, key=lambda a: a.code):
        members = []
        for prefix, role in STAFF_ROLES:
            serial += 1
            who = person(rng, serial)
            email = f"{prefix}.{agency.code.lower()}@{DOMAIN}"
            user = existing.get(email)
            if user is None:
                user = _user(email, who, AccountKind.STAFF)
                db.session.add(user)
                account_ops.grant_role(user, role, agency.id)
            members.append(user)
        staff[agency.code] = Staff(*members)
    citizens = []
    for number in range(1, CITIZENS + 1):
        who = person(rng, 1000 + number)
        email = f"congdan.{number:04d}@{DOMAIN}"
        user = existing.get(email)
        if user is None:
            user = _user(email, who, AccountKind.CITIZEN)
            db.session.add(user)
        citizens.append((user, who))
    businesses = []
    for number in range(1, BUSINESSES + 1):
        who = person(rng, 5000 + number)
        firm = company(rng, number, who)
        email = f"doanhnghiep.{number:04d}@{DOMAIN}"
        user = existing.get(email)
        if user is None:
            user = _user(email, who, AccountKind.BUSINESS)
            organisation = Organisation(name=firm.name, tax_code=firm.tax_code,
                                        address=firm.address, representative=who.name,
                                        created_at=ACCOUNTS_SINCE, updated_at=ACCOUNTS_SINCE)
            organisation.members.append(OrganisationMember(user=user, is_owner=True))
            db.session.add_all([user, organisation])
        else:
            organisation = user.memberships[0].organisation
        businesses.append((user, organisation, firm))
    db.session.flush()
    cast = Cast(staff, citizens, businesses)
    cast.users = {u.id: u for u, _ in citizens} | {u.id: u for u, _, _ in businesses}
    return cast
