import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Public pages are cached by unit code, and every test's county reuses the same codes."""
    cache.clear()
    yield
    cache.clear()
