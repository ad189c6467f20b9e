import pytest


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: builds the full-size demo county (about half a minute)")


@pytest.fixture
def fast_demo(settings, tmp_path):
    """Demo builds for tests: the login file in a fresh data directory, and a cheap password hasher
    (Argon2 for 15 logins costs seconds per build and proves nothing here)."""
    settings.DATA_DIR = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return tmp_path
