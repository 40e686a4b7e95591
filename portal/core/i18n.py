"""Marking UI strings that are defined outside templates.

`N_` marks a Vietnamese msgid for extraction (pybabel -k N_) without translating it where it
is defined: domain enums keep their Vietnamese label, templates show `_(item.label)`."""


def N_(message: str) -> str:  # noqa: N802 (gettext convention)
    return message
