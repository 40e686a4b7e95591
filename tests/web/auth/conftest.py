"""Fixtures of the account tests."""

import factories
import pytest

from portal.extensions import db


@pytest.fixture
def citizen(app) -> str:
    """A citizen account (password ``factories.PASSWORD``); its e-mail."""
    with app.app_context():
        factories.citizen(email="an@example.vn")
        db.session.commit()
    return "an@example.vn"
