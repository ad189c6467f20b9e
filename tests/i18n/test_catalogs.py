"""The zh-Hans and English catalogs are complete, not fuzzy, compiled, and hold every marked string."""

import importlib.util
from pathlib import Path

import pytest
from django.test import Client
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]


def _checker():
    spec = importlib.util.spec_from_file_location("check_catalogs", ROOT / "scripts" / "check_catalogs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("lang", ["zh_Hans", "en"])
def test_catalog_has_no_untranslated_or_fuzzy_entry(lang):
    assert _checker().problems_in(lang) == []


def test_catalog_holds_exactly_the_marked_strings():
    checker = _checker()
    import polib

    committed = {checker.entry_key(e) for e in polib.pofile(str(checker.po_path("zh_Hans"))) if not e.obsolete}
    fresh = checker.extracted_msgids()
    assert sorted(k[1] for k in fresh - committed) == []
    assert sorted(k[1] for k in committed - fresh) == []


def test_chinese_is_active_at_runtime():
    with translation.override("zh-hans"):
        assert translation.gettext("Village") == "村"
    with translation.override("en"):
        assert translation.gettext("Village") == "Village"


@pytest.mark.django_db
def test_login_page_in_both_languages():
    client = Client()
    zh = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert zh.status_code == 200 and "登录" in zh.content.decode()
    en = Client().get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Log in" in en.content.decode()
