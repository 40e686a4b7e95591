"""Marking UI strings that are defined outside templates.

`N_` marks a Vietnamese msgid for extraction (pybabel -k N_) without translating it where it
is defined: domain enums keep their Vietnamese label, templates show `_(item.label)`.

`lazy_text` (imported as `_l`, extracted with -k _l) is for the domain's refusals: raised
where no request is known, translated when shown in the request's language, and the
Vietnamese msgid itself outside a request (CLI, replay, tests)."""

from flask_babel import gettext
from flask_babel.speaklater import LazyString


def N_(message: str) -> str:  # noqa: N802 (gettext convention)
    return message


class LazyText(LazyString):
    """flask_babel's LazyString tells Jinja it is already markup (``__html__`` returns the
    text unescaped); a refusal quotes file names and names people typed, so it is plain text
    that Jinja escapes like any string. Without ``__html__`` it is also not JSON: flash() and
    the session take ``str(message)``."""

    @property
    def __html__(self) -> None:
        raise AttributeError("__html__")


def lazy_text(message: str, **variables: object) -> LazyText:
    """`message` % `variables`, translated each time it is turned into a string."""
    return LazyText(gettext, message, **variables)


def lazy_join(parts: list[str | LazyText], separator: str = " ") -> LazyText:
    """Several refusals as one message, each translated when the whole is shown."""
    return LazyText(lambda: separator.join(str(part) for part in parts))
