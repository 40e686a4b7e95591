"""A check on every response of the test suite: could a real server send its headers?

The Flask test client hands header strings back untouched, so a header that gunicorn or
werkzeug's server cannot write passed every test while the portal answered a bare 500 (issue
10, item 1: a Vietnamese file name in Content-Disposition). The `app` fixture connects
``check_response`` to ``request_finished``: a header that is not Latin-1 (what PEP 3333 lets
a WSGI server put on the wire) or that holds a line break fails the request under test at
once, and, because Flask swallows errors raised while finishing an error page, is also kept
in ``PROBLEMS`` for the autouse fixture to fail the test at teardown."""

from __future__ import annotations

PROBLEMS: list[str] = []


def header_problems(headers) -> list[str]:
    """What a WSGI server could not send, one line per bad header."""
    problems = []
    for name, value in headers.items():
        for part, text in (("name", name), ("value", value)):
            try:
                text.encode("latin-1")
            except UnicodeEncodeError:
                problems.append(f"header {name!r}: {part} is not Latin-1: {text!r}")
        if "\r" in value or "\n" in value:
            problems.append(f"header {name!r}: value holds a line break: {value!r}")
    return problems


def check_response(sender, response, **_extra) -> None:
    from flask import request

    problems = [f"{request.method} {request.full_path.rstrip('?')}: {problem}"
                for problem in header_problems(response.headers)]
    if problems:
        PROBLEMS.extend(problems)
        raise AssertionError("a real server could not send this response: "
                             + "; ".join(problems))


def install(app) -> None:
    from flask import request_finished

    request_finished.connect(check_response, app)
