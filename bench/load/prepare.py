"""Accounts and data for the load test (issue 17), made idempotently on the target database.

What it does, on the database of ``DATABASE_URL`` (read from ``--env-file``, the environment
``make prod`` writes to instance/prod/portal.env, or from the process environment):
- N citizen accounts ``tai.<n>@load.hcc.vn`` (password ``--password``, default the demo's),
  each with a distinct CCCD number: one Locust citizen logs in as one of them;
- staff for the officers and supervisors of the mix: the demo counter officer and supervisor
  (``flask demo seed``) plus ``--officers`` counter officers of Sở Tư pháp
  ``motcua.<n>@load.hcc.vn`` and ``--supervisors`` supervisors ``giamsat.<n>@load.hcc.vn``.
  Staff log in with a second factor, and the server takes each 30-second TOTP step once per
  account (RFC 6238 §5.2): many Locust users sharing one staff account could not all log in,
  so each gets its own. Every load staff account, and a demo staff account that has not enrolled
  yet, gets two-factor login enabled with a secret derived from ``--totp-seed`` and its e-mail;
  a demo account already enrolled with its own secret is left alone and not used;
- the procedures the citizens submit to: published, fully online, Sở Tư pháp (whose counter
  officers receive them), for a citizen, no fee due at submission, not inter-agency, exactly
  two mandatory papers (the mix uploads two files);
- codes for the anonymous public lookup (``/tra-cuu?ma=&so=``): submitted dossiers and the last
  4 digits of their applicant's phone, so the lookups are answered (a failed lookup counts
  against the address's throttle, and every Locust user comes from one address).

Everything is written to ``--out`` (JSON) which the locustfile reads (``LOAD_ACCOUNTS``).
Run again: existing accounts are kept (their password reset to ``--password``), nothing is
duplicated.

Usage: PYTHONPATH=. .venv/bin/python bench/load/prepare.py --env-file instance/prod/portal.env \
           --citizens 300 --officers 20 --supervisors 5 --out instance/load/accounts.json
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import sys
from pathlib import Path

DEMO_PASSWORD = "Demo@2026!"
DEMO_OFFICER = "motcua.stp@demo.hcc.vn"
DEMO_SUPERVISOR = "giamsat@demo.hcc.vn"
AGENCY = "STP"  # Sở Tư pháp: the demo's dossiers and counter officers are there
CITIZEN_NAMES = ["Nguyễn Văn Tải", "Trần Thị Thử", "Lê Hoàng Nhiều", "Phạm Thị Người",
                 "Huỳnh Văn Cùng", "Võ Thị Lúc", "Đặng Văn Nộp", "Bùi Thị Hồ Sơ"]


def read_env_file(path: str | None) -> dict[str, str]:
    """KEY=VALUE lines (``#`` comments, optional ``export``, optional quotes)."""
    values: dict[str, str] = {}
    if not path:
        return values
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.removeprefix("export ").split("=", 1)
        values[key.strip()] = value.strip().strip("'\"")
    return values


def totp_secret(seed: str, email: str) -> str:
    """A fixed base32 secret per account (32 characters, 160 bits) from the seed and e-mail."""
    digest = hashlib.sha256(f"{seed}:{email}".encode()).digest()[:20]
    return base64.b32encode(digest).decode()


def _staff(email: str, name: str, role, agency_id, password: str, seed: str):
    """The staff account with its role (made if missing) and a known second factor; None when
    the account enrolled with a secret of its own (it cannot be used by the load)."""
    from portal.accounts import operations as account_ops
    from portal.accounts.queries import user_by_email

    user = user_by_email(email)
    if user is None:
        user = account_ops.create_staff(name, email, password, phone="0255382" + "0000")
    else:
        user.set_password(password)
    if not user.has_role(role, agency_id) if agency_id else not any(
            r.role == role and r.agency_id is None for r in user.roles):
        account_ops.grant_role(user, role, agency_id)
    secret = totp_secret(seed, email)
    if user.totp_enabled and user.totp_secret != secret:
        return None
    if user.totp_secret != secret:
        user.totp_secret, user.totp_last_step = secret, None
    user.totp_enabled = True
    return {"email": email, "totp_secret": secret}


def prepare(args) -> dict:
    from sqlalchemy import func, select

    from portal.accounts import operations as account_ops
    from portal.accounts.models import Role
    from portal.accounts.queries import user_by_email
    from portal.catalog.models import (
        Agency,
        ApplicantType,
        OnlineLevel,
        Procedure,
        ProcedureDocument,
        ProcedureVersion,
        VersionStatus,
    )
    from portal.dossiers.models import Dossier, DossierState
    from portal.extensions import db

    agency_id = db.session.scalar(select(Agency.id).where(Agency.code == AGENCY))
    if agency_id is None:
        sys.exit("The demo agencies are missing: run `flask demo seed` first.")
    citizens = []
    for n in range(1, args.citizens + 1):
        email = f"tai.{n}@load.hcc.vn"
        user = user_by_email(email)
        if user is None:
            user = account_ops.register(account_ops.Registration(
                full_name=f"{CITIZEN_NAMES[n % len(CITIZEN_NAMES)]} {n}", email=email,
                phone=f"09{n:08d}", id_number=f"0519{n:08d}", password=args.password))
        else:
            user.set_password(args.password)
        citizens.append(email)
    officers, supervisors, skipped = [], [], []
    wanted = [(DEMO_OFFICER, "", Role.COUNTER_OFFICER, agency_id, officers),
              (DEMO_SUPERVISOR, "", Role.SUPERVISOR, None, supervisors)]
    wanted += [(f"motcua.{n}@load.hcc.vn", f"Cán Bộ Một Cửa Tải {n}", Role.COUNTER_OFFICER,
                agency_id, officers) for n in range(1, args.officers + 1)]
    wanted += [(f"giamsat.{n}@load.hcc.vn", f"Giám Sát Tải {n}", Role.SUPERVISOR, None,
                supervisors) for n in range(1, args.supervisors + 1)]
    for email, name, role, agency, into in wanted:
        if not name and user_by_email(email) is None:
            skipped.append(email)  # a demo account that is not there: the demo is not seeded
            continue
        account = _staff(email, name, role, agency, args.password, args.totp_seed)
        (into.append(account) if account else skipped.append(email))
    db.session.flush()

    mandatory = (select(func.count()).select_from(ProcedureDocument)
                 .where(ProcedureDocument.version_id == ProcedureVersion.id,
                        ProcedureDocument.mandatory).scalar_subquery())
    procedures = db.session.scalars(
        select(Procedure.code).join(ProcedureVersion, ProcedureVersion.procedure_id == Procedure.id)
        .where(Procedure.agency_id == agency_id,
               ProcedureVersion.status == VersionStatus.PUBLISHED,
               ProcedureVersion.online_level == OnlineLevel.FULL,
               ProcedureVersion.applicant.in_([ApplicantType.CITIZEN, ApplicantType.BOTH]),
               ProcedureVersion.payment_due_at_submission.is_(False),
               ProcedureVersion.inter_agency.is_(False), mandatory == 2)
        .order_by(Procedure.code).limit(args.procedures)).all()
    rows = db.session.execute(
        select(Dossier.code, Dossier.applicant_phone).where(
            Dossier.state != DossierState.DRAFT, Dossier.code.is_not(None),
            func.length(Dossier.applicant_phone) >= 4)
        .order_by(Dossier.id.desc()).limit(args.lookups)).all()
    lookups = [{"code": code, "digits": phone[-4:]} for code, phone in rows]
    catalog = db.session.scalars(
        select(Procedure.code).join(ProcedureVersion, ProcedureVersion.procedure_id == Procedure.id)
        .where(ProcedureVersion.status == VersionStatus.PUBLISHED)
        .order_by(Procedure.code).limit(400)).all()
    db.session.commit()
    return {"password": args.password, "agency_id": agency_id, "citizens": citizens,
            "officers": officers, "supervisors": supervisors, "skipped": skipped,
            "submit_procedures": procedures, "catalog_codes": catalog, "lookups": lookups}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--env-file", help="KEY=VALUE file with DATABASE_URL, STORAGE_URL…")
    parser.add_argument("--citizens", type=int, default=300)
    parser.add_argument("--officers", type=int, default=20)
    parser.add_argument("--supervisors", type=int, default=5)
    parser.add_argument("--procedures", type=int, default=10,
                        help="how many procedures the citizens submit to")
    parser.add_argument("--lookups", type=int, default=300,
                        help="how many dossier codes the anonymous lookups use")
    parser.add_argument("--password", default=DEMO_PASSWORD)
    parser.add_argument("--totp-seed", default="portal-load-test")
    parser.add_argument("--out", default="instance/load/accounts.json")
    args = parser.parse_args(argv)
    os.environ.update(read_env_file(args.env_file))

    from portal import create_app
    from portal.config import Config

    # The load accounts log in many times a minute: a fast hash would not be the production's;
    # the app's own hash method is used, whatever the environment says.
    app = create_app(Config.from_env())
    with app.app_context():
        data = prepare(args)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{len(data['citizens'])} citizens, {len(data['officers'])} officers, "
          f"{len(data['supervisors'])} supervisors, {len(data['submit_procedures'])} "
          f"procedures to submit to, {len(data['lookups'])} codes to look up → {out}"
          + (f"; not usable: {', '.join(data['skipped'])}" if data["skipped"] else ""))
    return 0 if data["submit_procedures"] and data["officers"] else 1


if __name__ == "__main__":
    sys.exit(main())
