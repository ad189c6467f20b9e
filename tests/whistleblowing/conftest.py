import pytest
from django.core.cache import cache
from django.utils import translation

from tests.support.county import PASSWORD

from .helpers import set_up_keys


@pytest.fixture(autouse=True)
def english(settings):
    """Pages and messages in English, whatever the default language (the zh-Hans catalog is complete;
    tests/i18n checks it)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def cheap_kdf(settings):
    """Argon2id at libsodium's minimum: the protocol is the same, the tests do not wait on it
    (the timing test sets the real cost back)."""
    settings.CLEANGOV_WB_KDF_OPSLIMIT = 1
    settings.CLEANGOV_WB_KDF_MEMLIMIT = 8192
    cache.clear()


@pytest.fixture
def wb(county):
    """The fixture county with handler keys: the county commission's and both townships' discipline staff."""
    set_up_keys(county)
    return county


@pytest.fixture
def handler_password():
    return PASSWORD
