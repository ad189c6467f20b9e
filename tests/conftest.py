import pytest
from django.test import Client

from tests.support.county import PASSWORD, build_fixture_county


@pytest.fixture
def county(db):
    """The two-township fixture county with one persona per role per side."""
    return build_fixture_county()


@pytest.fixture
def persona(county):
    return county.persona


@pytest.fixture
def login(client):
    """Log a persona in (password through the real login form's backend chain)."""

    def _login(user) -> Client:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return _login


@pytest.fixture
def password():
    return PASSWORD
