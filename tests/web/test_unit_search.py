"""The unit picker's server-side search (orgs:unit_search): scoped to the reader's units, a few at a time with
their place (镇 › 村 › 组), as htmx options, JSON, or a page that works without JavaScript; and the findings
filter that uses it resolves what was typed on the server."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from cleangov.orgs.actions import do_create_unit
from cleangov.orgs.choices import UnitLevelChoices
from cleangov.orgs.filters import PICKER_LIMIT
from tests.support.finance import make_sample_finding

pytestmark = pytest.mark.django_db

URL = reverse("orgs:unit_search")


def _groups(county, n=PICKER_LIMIT + 5):
    """Many villager groups of the same name in village A, as in a real township."""
    village = county.villages["a"]
    for i in range(n):
        do_create_unit(acting_user=None, code=f"T1V1G{i + 2:02d}", name="第一村民小组", name_en=f"Group {i + 2}",
                       level=UnitLevelChoices.GROUP, parent=village, city="测试市")


def test_json_is_scoped_limited_and_names_the_place(county, login, django_assert_max_num_queries):
    _groups(county)
    client = login(county.persona("township_secretary"))
    client.cookies["django_language"] = "zh-hans"
    with django_assert_max_num_queries(8):
        data = json.loads(client.get(URL, {"q": "第一村民小组", "format": "json"}).content)
    assert len(data["results"]) == PICKER_LIMIT and data["more"] is True
    assert all(r["place"] == "第1镇 › 第1村 › 第一村民小组" for r in data["results"])
    # Only the reader's units: township B's village is not found by a township A secretary.
    assert json.loads(client.get(URL, {"q": "第2村", "format": "json"}).content)["results"] == []
    village_b = login(county.persona("village_secretary", "b"))
    village_b.cookies["django_language"] = "zh-hans"
    found = json.loads(village_b.get(URL, {"q": "村", "format": "json"}).content)["results"]
    assert {r["code"] for r in found} == {"T2V1", "T2V1G1"}


def test_a_typed_place_narrows_by_every_part(county, login):
    _groups(county, n=3)
    client = login(county.persona("county_commission"))
    client.cookies["django_language"] = "zh-hans"
    data = json.loads(client.get(URL, {"q": "1镇 › 第一村民", "format": "json"}).content)
    assert data["results"] and all(r["place"].startswith("第1镇 › ") for r in data["results"])
    assert json.loads(client.get(URL, {"q": "第2镇 › 第一村民小组", "format": "json"}).content)["results"] == []


def test_htmx_answers_datalist_options_under_the_fields_own_name(county, login):
    client = login(county.persona("township_discipline"))
    client.cookies["django_language"] = "zh-hans"
    html = client.get(URL, {"unit": "第1村"}, HTTP_HX_REQUEST="true").content.decode()
    assert '<option value="第1镇 › 第1村">T1V1</option>' in html
    assert "<html" not in html


def test_without_javascript_the_page_links_back_with_the_code(county, login):
    client = login(county.persona("township_discipline"))
    client.cookies["django_language"] = "zh-hans"
    page = client.get(URL, {"q": "第1村", "next": "/finance/findings/", "field": "unit"}).content.decode()
    assert 'href="/finance/findings/?unit=T1V1"' in page and "第1镇 › 第1村" in page
    # A link back only to a page of this site.
    page = client.get(URL, {"q": "第1村", "next": "https://evil.example/x"}).content.decode()
    assert 'href="https://evil.example' not in page
    assert reverse("orgs:unit_detail", args=[county.villages["a"].pk]) in page
    client.cookies["django_language"] = "en"
    assert "No unit in your scope matches" in client.get(URL, {"q": "不存在"}).content.decode()


def test_findings_filter_sends_no_unit_list_and_resolves_on_the_server(county, login):
    _groups(county, n=2)
    make_sample_finding(county.villages["a"])
    client = login(county.persona("township_discipline"))
    client.cookies["django_language"] = "zh-hans"
    page = client.get("/finance/findings/").content.decode()
    assert '<datalist id="finding-units"></datalist>' in page
    assert f'hx-get="{URL}"' in page and 'href="/orgs/units/search/?next=/finance/findings/' in page
    for typed in ("第1镇 › 第1村", "第1村", "T1V1"):
        page = client.get("/finance/findings/", {"unit": typed}).content.decode()
        assert 'class="field-error"' not in page and "/finance/findings/" in page, typed
    refused = client.get("/finance/findings/", {"unit": "第2村"}).content.decode()  # not the reader's
    assert 'class="field-error"' in refused


def test_anonymous_is_sent_to_log_in(client):
    assert client.get(URL, {"q": "村"}).status_code == 302
