"""A framework file past the upload limits is one named problem (CLI exit 2, a form error), never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import translation

from cleangov.assessment.forms import FrameworkUploadForm
from cleangov.assessment.frameworks import FrameworkError, parse_framework

from .helpers import FRAMEWORK

ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8))


def test_an_alias_bomb_is_refused_by_its_expanded_size():
    with pytest.raises(FrameworkError) as exc, translation.override("en"):
        parse_framework(ALIAS_BOMB, "bomb.yaml")
    assert exc.value.errors == ["bomb.yaml: The YAML file expands to more than 200,000 nodes (aliases used over "
                                "and over); it is refused."]


def test_deep_nesting_is_refused_quickly():
    with pytest.raises(FrameworkError) as exc, translation.override("zh-hans"):
        parse_framework("[" * 500_000, "deep.yaml")
    assert exc.value.errors == ["deep.yaml：YAML 文件嵌套超过 50 层，拒绝读取。"]


def _check(path: Path) -> str:
    with pytest.raises(CommandError) as exc:
        call_command("assess", "--check", str(path))
    assert exc.value.returncode == 2
    return str(exc.value)


@override_settings(CLEANGOV_YAML_MAX_BYTES=10_000)
def test_cli_refuses_a_file_past_the_yaml_size_setting(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text(FRAMEWORK + "#" * 20_000 + "\n", encoding="utf-8")
    with translation.override("en"):
        message = _check(path)
    assert message.startswith("big.yaml: the file is ") and "at most 10,000 bytes are accepted" in message


def test_cli_explains_gbk_behind_a_utf8_bom(tmp_path):
    path = tmp_path / "gbk.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + FRAMEWORK.encode("gbk"))
    with translation.override("en"):
        message = _check(path)
    assert "The file says it is UTF-8" in message and "GBK" in message


def test_upload_form_shows_the_refusal_as_a_field_error():
    upload = SimpleUploadedFile("f.yaml", b"\xef\xbb\xbf" + FRAMEWORK.encode("gbk"))
    with translation.override("zh-hans"):
        form = FrameworkUploadForm(data={}, files={"file": upload})
        assert not form.is_valid()
        assert "内容实际是 GBK 编码" in form.errors["file"][0]
