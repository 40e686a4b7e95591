"""Message templates (issue 13): the administrator's texts for each event and language, in a
sandbox. A template sees only the plain values documented for its event (strings and
true/false, never an application object) and renders in jinja2's ``SandboxedEnvironment``
with undefined names as errors; a template that does not compile, names an undocumented
variable, or fails on the sample values is refused at save time with a Vietnamese message.
When a saved text still fails on real values, the shipped default is sent instead."""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from jinja2 import StrictUndefined, TemplateError, meta
from jinja2.sandbox import SandboxedEnvironment
from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.i18n import lazy_text as _l
from portal.core.models import UTCDateTime, utcnow
from portal.core.refusal import Refusal
from portal.core.text import strip_accents
from portal.extensions import db
from portal.notifications import defaults
from portal.notifications.defaults import EVENTS, LANGUAGES

log = logging.getLogger(__name__)

FIELDS = ("subject", "email_body", "sms_text")
LIMITS = {"subject": 300, "email_body": 5000, "sms_text": 1000}


class MessageTemplate(db.Model):
    """An administrator's version of one event's message in one language."""

    __tablename__ = "message_template"
    __table_args__ = (UniqueConstraint("key", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(5))
    subject: Mapped[str] = mapped_column(String(300))
    email_body: Mapped[str] = mapped_column(Text)
    sms_text: Mapped[str] = mapped_column(Text)
    zalo_template_id: Mapped[str] = mapped_column(String(64), default="")
    zalo_params: Mapped[str] = mapped_column(Text, default="{}")  # JSON: ZNS name → variable
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))


class TemplateRefused(Refusal):
    """A template that cannot be saved (``field``: the form field)."""


def _ascii(value: object) -> str:
    """The value without diacritics (and the đồng sign spelt out): GSM-7 for an SMS."""
    return strip_accents(str(value)).replace("₫", "dong")


def _environment() -> SandboxedEnvironment:
    env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False,
                               keep_trailing_newline=False)
    env.filters["ascii"] = _ascii  # an SMS without diacritics stays GSM-7 (segments.py)
    return env


ENV = _environment()


@dataclass(frozen=True)
class Source:
    """The texts of one event in one language, saved or shipped."""

    key: str
    language: str
    subject: str
    email_body: str
    sms_text: str
    zalo_template_id: str
    zalo_params: dict[str, str]
    edited: bool = False


@dataclass(frozen=True)
class Rendered:
    subject: str
    email_body: str
    sms_text: str
    zalo_template_id: str
    zalo_data: dict[str, str]


def default_source(key: str, language: str) -> Source:
    text = EVENTS[key].texts[language]
    return Source(key, language, text.subject, text.email_body, text.sms_text,
                  text.zalo_template_id, dict(text.zalo_params))


# A message without a saved text (the usual case) is remembered as such for a short while, so
# a workflow action does not ask the database for it on every message (issue 13: writing the
# messages must not slow the officer). An edit made in this process is seen at once; one made
# in another process within ABSENT_FOR seconds. Only absence is remembered: a saved text is
# always read afresh, and a rolled-back edit leaves nothing behind.
ABSENT_FOR = 30.0
_absent: dict[tuple[str, str], float] = {}


def _row(key: str, language: str) -> MessageTemplate | None:
    return db.session.scalar(select(MessageTemplate).where(MessageTemplate.key == key,
                                                           MessageTemplate.language == language))


def saved(key: str, language: str) -> MessageTemplate | None:
    until = _absent.get((key, language))
    if until is not None and until > time.monotonic():
        return None
    row = _row(key, language)
    if row is None:
        _absent[(key, language)] = time.monotonic() + ABSENT_FOR
    return row


def source(key: str, language: str) -> Source:
    row = saved(key, language)
    if row is None:
        return default_source(key, language)
    try:
        params = json.loads(row.zalo_params or "{}")
    except ValueError:
        params = {}
    return Source(key, language, row.subject, row.email_body, row.sms_text,
                  row.zalo_template_id, params, edited=True)


@lru_cache(maxsize=512)
def _compiled(text: str):
    """A template's compiled form, kept by its text: compiling costs far more than rendering,
    and every workflow action renders one (an edited text is a new key)."""
    return ENV.from_string(text)


def _render_text(text: str, values: dict[str, object]) -> str:
    return _compiled(text).render(**values).strip()


def render_source(src: Source, values: dict[str, object]) -> Rendered:
    """May raise: use ``render`` to send."""
    return Rendered(
        subject=" ".join(_render_text(src.subject, values).split())[:300],
        email_body=_render_text(src.email_body, values),
        sms_text=" ".join(_render_text(src.sms_text, values).split()),
        zalo_template_id=src.zalo_template_id,
        zalo_data={name: str(values[var])[:200] for name, var in src.zalo_params.items()})


def render_sms_sample(text: str, values: dict[str, object]) -> str:
    """An SMS text as it would go out with ``values`` (may raise: the caller says why)."""
    return " ".join(_render_text(text, values).split())


def render(key: str, language: str, values: dict[str, object]) -> Rendered:
    """The message of ``key`` in ``language`` with ``values`` (plain values only): the
    administrator's text, or the shipped one if that fails on these values."""
    language = language if language in LANGUAGES else "vi"
    src = source(key, language)
    try:
        return render_source(src, values)
    except Exception:  # a saved template failing on real values must not stop the officer
        log.exception("message template %s/%s failed; the default is sent", key, language)
        return render_source(default_source(key, language), values)


# --- checking and saving (administration) ---------------------------------------------------

def _check_text(key: str, name: str, text: str) -> None:
    allowed = EVENTS[key].all_variables
    if len(text) > LIMITS[name]:
        raise TemplateRefused(_l("Nội dung quá dài (tối đa %(n)s ký tự).", n=LIMITS[name]), name)
    if name != "email_body" and not text.strip():
        raise TemplateRefused(_l("Vui lòng nhập nội dung."), name)
    try:
        parsed = ENV.parse(text)
        ENV.from_string(text)  # compiling also finds unknown filters and tests
    except TemplateError as error:
        raise TemplateRefused(_l("Mẫu có lỗi cú pháp (dòng %(line)s): %(error)s",
                                 line=getattr(error, "lineno", "?"), error=error.message or ""),
                              name) from None
    unknown = sorted(meta.find_undeclared_variables(parsed) - set(allowed))
    if unknown:
        raise TemplateRefused(_l("Mẫu dùng biến không có trong danh sách biến của tin nhắn này: "
                                 "%(names)s.", names=", ".join(unknown)), name)
    try:
        ENV.from_string(text).render(**EVENTS[key].samples())
    except Exception as error:  # the sandbox's SecurityError, a type error, a division…
        raise TemplateRefused(_l("Mẫu không hiển thị được với dữ liệu mẫu: %(error)s",
                                 error=str(error)[:200]), name) from None


def parse_zalo_params(key: str, text: str) -> dict[str, str]:
    """``name = variable`` lines (the ZNS template's parameter ← our variable)."""
    allowed = EVENTS[key].all_variables
    params: dict[str, str] = {}
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        name, sep, variable = (part.strip() for part in line.partition("="))
        if not sep or not name or not variable:
            raise TemplateRefused(_l("Dòng %(n)s: ghi theo dạng “tên_tham_số = tên_biến”.",
                                     n=number), "zalo_params")
        if variable not in allowed:
            raise TemplateRefused(_l("Dòng %(n)s: biến “%(name)s” không có trong danh sách biến "
                                     "của tin nhắn này.", n=number, name=variable[:50]),
                                  "zalo_params")
        params[name[:50]] = variable
    return params


def format_zalo_params(params: dict[str, str]) -> str:
    return "\n".join(f"{name} = {variable}" for name, variable in params.items())


def save(key: str, language: str, subject: str, email_body: str, sms_text: str,
         zalo_template_id: str, zalo_params: str, user_id: int | None) -> MessageTemplate:
    """Check every text, then keep it as this event's message in ``language``. Flushes."""
    if key not in EVENTS or language not in LANGUAGES:
        raise TemplateRefused(_l("Không có mẫu tin nhắn này."))
    values = {"subject": subject or "", "email_body": email_body or "", "sms_text": sms_text or ""}
    for name, text in values.items():
        _check_text(key, name, text)
    params = parse_zalo_params(key, zalo_params)
    _absent.pop((key, language), None)
    row = _row(key, language)
    if row is None:
        row = MessageTemplate(key=key, language=language)
        db.session.add(row)
    row.subject, row.email_body, row.sms_text = (values[n].strip() for n in FIELDS)
    row.zalo_template_id = (zalo_template_id or "").strip()[:64]
    row.zalo_params = json.dumps(params, ensure_ascii=False)
    row.updated_by_id = user_id
    db.session.flush()
    return row


def reset(key: str, language: str) -> None:
    """Back to the shipped text."""
    _absent.pop((key, language), None)
    row = _row(key, language)
    if row is not None:
        db.session.delete(row)
        db.session.flush()


__all__ = ["MessageTemplate", "TemplateRefused", "defaults", "render", "save", "source"]
