"""The sample voucher files linked from the import page: the clean one imports without a single problem, the
bad one has a problem on every row but the control row, and the import page links both with the columns."""

from __future__ import annotations

import pytest

from cleangov.finance.imports.service import plan_file
from cleangov.finance.views import SAMPLE_FILES, SAMPLES_DIR
from cleangov.orgs.actions import do_create_unit
from cleangov.orgs.choices import UnitLevelChoices


@pytest.fixture
def sample_village(county):
    # The samples name the demo county's village QH-T01-V01; the fixture county gets one of that code.
    return do_create_unit(acting_user=None, code="QH-T01-V01", name="小坪村", level=UnitLevelChoices.VILLAGE,
                          parent=county.townships["a"], city="测试市")


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_clean_sample_has_no_problem_and_bad_sample_one_per_row(county, sample_village, suffix):
    clean = plan_file(SAMPLES_DIR / f"voucher-sample.{suffix}", file_name=f"voucher-sample.{suffix}",
                      scope_unit=county.townships["a"])
    assert clean.errors == []
    assert clean.parsed.rows_read == 12
    bad = plan_file(SAMPLES_DIR / f"voucher-sample-bad.{suffix}", file_name=f"voucher-sample-bad.{suffix}",
                    scope_unit=county.townships["a"])
    rows_with_errors = {e.row for e in bad.errors}
    # File rows: 1 is the header, 2 the control row, 3 to 17 one mistake each.
    assert rows_with_errors == set(range(3, 18)), sorted(bad.errors, key=lambda e: e.row or 0)
    reasons = {e.reason for e in bad.errors}
    assert {"required value missing", "not a number", "not a date", "unknown category", "unknown unit code"} <= reasons


def test_import_page_links_the_samples_and_documents_the_columns(county, login):
    client = login(county.persona("accountant"))
    page = client.get("/finance/import/").content.decode()
    for name in SAMPLE_FILES:
        assert f"/finance/import/samples/{name}" in page
    assert "<strong>凭证号</strong>" in page and "凭证编号" in page and "<strong>金额</strong>" in page
    response = client.get("/finance/import/samples/voucher-sample.xlsx")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert client.get("/finance/import/samples/..%2Fsettings.py").status_code == 404
    assert client.get("/finance/import/samples/make_voucher_samples.py").status_code == 404
    assert login(county.persona("village_secretary")).get("/finance/import/samples/voucher-sample.csv").status_code \
        == 404
