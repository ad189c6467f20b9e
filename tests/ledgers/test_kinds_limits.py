"""A kinds catalog past the upload limits is one named problem (CLI exit 2, a form error), never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import translation

from cleangov.ledgers.forms import KindCatalogUploadForm
from cleangov.ledgers.kinds import CatalogError, parse_catalog
from cleangov.ledgers.setup_data import DEFAULT_CATALOG

CATALOG = Path(DEFAULT_CATALOG).read_text(encoding="utf-8")
ALIAS_BOMB = "kinds: []\na: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8))


def test_an_alias_bomb_is_refused_by_its_expanded_size():
    with pytest.raises(CatalogError) as exc, translation.override("en"):
        parse_catalog(ALIAS_BOMB, "kinds.yaml")
    assert exc.value.errors == ["kinds.yaml: The YAML file expands to more than 200,000 nodes (aliases used over "
                                "and over); it is refused."]


@override_settings(CLEANGOV_YAML_MAX_BYTES=10_000)
def test_cli_refuses_a_catalog_past_the_size_setting(tmp_path):
    path = tmp_path / "kinds.yaml"
    path.write_text(CATALOG, encoding="utf-8")
    with pytest.raises(CommandError) as exc, translation.override("en"):
        call_command("ledger_kinds", "check", str(path))
    assert exc.value.returncode == 2
    assert str(exc.value) == (f"kinds.yaml: the file is {len(CATALOG.encode()):,} bytes; at most 10,000 bytes are "
                              "accepted (limit max_file_bytes)")


@override_settings(CLEANGOV_YAML_MAX_BYTES=10_000)
def test_upload_form_refuses_a_large_catalog_as_a_field_error():
    form = KindCatalogUploadForm(data={}, files={"file": SimpleUploadedFile("kinds.yaml", CATALOG.encode())})
    with translation.override("zh-hans"):
        assert not form.is_valid()
        assert "超过上限 10,000 字节（限制 max_file_bytes）" in form.errors["file"][0]


def test_upload_form_still_reads_the_shipped_catalog():
    form = KindCatalogUploadForm(data={}, files={"file": SimpleUploadedFile("kinds.yaml", CATALOG.encode())})
    assert form.is_valid(), form.errors
    assert len(form.specs) == len(parse_catalog(CATALOG))
