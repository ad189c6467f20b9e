"""The township overview of a year nobody recorded anything in says so instead of scoring every unit 0 %."""

from __future__ import annotations


def test_a_year_without_records_says_no_records_instead_of_zero_percent(county, login):
    client = login(county.persona("township_discipline"))
    client.cookies.load({"django_language": "en"})
    page = client.get(f"/ledgers/townships/{county.townships['a'].pk}/", {"year": 2024}).content.decode()
    assert "No records for 2024" in page
    assert "0%" not in page and "0 %" not in page
