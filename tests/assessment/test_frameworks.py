"""Framework files: the shipped ones load, errors name line/indicator/field, versions are kept."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cleangov.assessment.frameworks import FrameworkError, parse_framework
from cleangov.assessment.models import Framework, FrameworkVersion
from cleangov.assessment.setup_data import default_files, run
from cleangov.core.models import AuditEvent

from .helpers import FRAMEWORK, load_test_framework


def test_shipped_frameworks_parse_with_stable_ids_and_sources():
    files = {p.stem: parse_framework(p.read_text(encoding="utf-8")) for p in default_files()}
    assert set(files) == {"midyear", "year_end"}
    year_end = files["year_end"]
    assert year_end.kind == "year_end" and files["midyear"].kind == "midyear"
    ids = [i.id for i in year_end.indicators]
    assert len(ids) == len(set(ids)) and "YE-LEDGER-01" in ids
    assert all(i.source and i.name and i.name_en for i in year_end.indicators)
    # Every metric the issue names is referenced: the modules publish them (or will).
    assert {"duties.completion_on_time", "ledgers.completeness", "ledgers.timeliness", "ledgers.burst_count",
            "finance.findings_confirmed", "rectification.rectified_on_time", "disclosure.on_time",
            "whistleblowing.handled_on_time", "democracy.appraisal_score"} <= set(year_end.metric_ids())


def test_errors_name_the_line_the_indicator_and_the_field():
    bad = FRAMEWORK.replace('weight: 10', 'weight: -3').replace('"100 * future.metric"', '"eval(1)"')
    bad = bad.replace("unit_levels: [township]", "unit_levels: [township, moon]")
    with pytest.raises(FrameworkError) as exc:
        parse_framework(bad)
    errors = exc.value.errors
    assert any("indicator #2 (T-BURST), field 'weight'" in e and e.startswith("line ") for e in errors)
    assert any("(T-FUTURE), field 'formula'" in e and "eval" in e for e in errors)
    assert any("(T-TOWNSHIP), field 'unit_levels'" in e for e in errors)
    assert len(errors) == 3


def test_duplicate_ids_unknown_keys_and_missing_fields():
    text = FRAMEWORK.replace("T-BURST", "T-LEDGER").replace("    name: 仅乡镇\n", "    colour: red\n")
    with pytest.raises(FrameworkError) as exc:
        parse_framework(text)
    joined = "\n".join(exc.value.errors)
    assert "field 'id': appears twice" in joined
    assert "field 'colour': unknown key" in joined
    assert "(T-TOWNSHIP), field 'name': is required" in joined
    with pytest.raises(FrameworkError, match="field 'kind'"):
        parse_framework(FRAMEWORK.replace("kind: year_end", "kind: weekly"))


@pytest.mark.django_db
def test_loading_is_idempotent_and_a_change_makes_a_new_version():
    v1 = load_test_framework()
    assert load_test_framework().pk == v1.pk  # same content: nothing new
    v2 = load_test_framework(FRAMEWORK.replace("weight: 30", "weight: 35"))
    assert (v1.number, v2.number) == (1, 2)
    framework = Framework.objects.get(code="test_year_end")
    assert framework.current_version == v2
    assert FrameworkVersion.objects.get(pk=v1.pk).parsed.indicators[0].weight == "30"  # the old one is kept
    assert AuditEvent.objects.filter(event_code="assessment.framework_loaded").count() == 2


@pytest.mark.django_db
def test_a_new_version_cannot_change_the_kind():
    from django.core.exceptions import ValidationError

    load_test_framework()
    with pytest.raises(ValidationError):
        load_test_framework(FRAMEWORK.replace("kind: year_end", "kind: midyear"))


@pytest.mark.django_db
def test_setup_loads_the_shipped_frameworks():
    lines = []

    class Out:
        def write(self, text):
            lines.append(text)

    run(Out())
    assert set(Framework.objects.values_list("code", flat=True)) == {"midyear", "year_end"}
    # every metric the shipped frameworks use is published by an installed app (an unbuilt one would be named)
    assert not any("not published yet" in line for line in lines), lines
    run(Out())
    assert FrameworkVersion.objects.count() == 2


def test_cli_check_reports_problems_with_exit_code_2(tmp_path: Path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(FRAMEWORK.replace('"100 * ledgers.completeness"', '"open(1)"', 1), encoding="utf-8")
    env_python = Path(sys.executable).parent / "cleangov"
    result = subprocess.run([str(env_python), "assess", "--check", str(bad)], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 2
    assert "(T-LEDGER), field 'formula'" in result.stderr
    good = tmp_path / "good.yaml"
    good.write_text(FRAMEWORK, encoding="utf-8")
    result = subprocess.run([str(env_python), "assess", "--check", str(good)], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0 and "4 indicators, valid" in result.stdout
