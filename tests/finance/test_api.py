"""The token-authenticated import API: contract tests, and schemathesis against its OpenAPI document."""

from __future__ import annotations

import json

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from cleangov.finance.actions import do_create_api_token
from cleangov.finance.models import AuditRun, ImportBatch
from tests.support.finance import HEADER_ZH, sample_rows

pytestmark = pytest.mark.django_db
API = "/finance/api/v1"


def _lines(code, **kw):
    keys = ["line_id", "org_code", "voucher_no", "voucher_date", "category", "amount", "summary", "payee",
            "invoice_code", "invoice_no", "invoice_date", "invoice_type", "person_code", "handler", "witness",
            "approver", "approval_date", "payment_method"]
    assert len(keys) == len(HEADER_ZH)
    return [dict(zip(keys, row, strict=True)) for row in sample_rows(code, **kw)]


@pytest.fixture
def token(county):
    return do_create_api_token(acting_user=None, user=county.persona("accountant"), name="用友")[1]


def _post(client, token, body):
    return client.post(f"{API}/batches", data=json.dumps(body, ensure_ascii=False), content_type="application/json",
                       headers={"Authorization": f"Bearer {token}"})


def test_schema_is_served_and_valid(client):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200 and response.json()["openapi"].startswith("3.0")
    served = schemathesis.openapi.from_dict(response.json())
    ops = sorted(op.ok().label for op in served.get_all_operations())
    assert ops == ["GET /batches", "GET /batches/{batch_id}", "POST /batches"]


def test_push_a_batch(client, county, token):
    response = _post(client, token, {"unit": "T1", "file_name": "yonyou-2025-03", "lines": _lines("T1V1")})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["rows_imported"] == 6 and body["unit"] == "T1" and body["source"] == "api"
    batch = ImportBatch.objects.get(pk=body["id"])
    assert AuditRun.objects.filter(batch=batch).exists() and body["audit_run"]
    assert client.get(f"{API}/batches/{batch.pk}", headers={"Authorization": f"Bearer {token}"}).json()["id"] == \
        batch.pk
    # the same content again: 409, nothing added
    again = _post(client, token, {"unit": "T1", "lines": _lines("T1V1")})
    assert again.status_code == 409 and again.json()["code"] == "duplicate_file"
    # other dates, same unit and period → overlap
    overlap = _post(client, token, {"unit": "T1", "lines": _lines("T1V1", start_no=40)})
    assert overlap.status_code == 409 and overlap.json()["code"] == "period_overlap"
    assert ImportBatch.objects.count() == 1


def test_bad_requests(client, county, token):
    assert client.get(f"{API}/batches").status_code == 401
    assert client.get(f"{API}/batches", headers={"Authorization": "Bearer nope"}).status_code == 401
    assert _post(client, token, {"unit": "T2", "lines": _lines("T2V1")}).status_code == 404  # other township
    assert _post(client, token, {"unit": "NOPE", "lines": []}).status_code == 404
    bad = _lines("T1V1")
    bad[1]["category"] = "旅游费"
    response = _post(client, token, {"unit": "T1", "lines": bad})
    assert response.status_code == 400 and response.json()["errors"][0]["reason"] == "unknown category"
    wrong_unit = _lines("T1V1")
    wrong_unit[0]["org_code"] = "T2V1"
    assert _post(client, token, {"unit": "T1", "lines": wrong_unit}).json()["errors"][0]["reason"] == \
        "unit outside the units you import for"
    assert _post(client, token, ["not", "an", "object"]).status_code == 400
    assert not ImportBatch.objects.exists()


schema = schemathesis.openapi.from_wsgi(f"{API}/openapi.json", get_wsgi_application())


@pytest.fixture
def api_app(county, token):
    # As Django's test client does: keep the test's transaction open across WSGI requests.
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield get_wsgi_application(), token
    finally:
        for signal in (signals.request_started, signals.request_finished):
            signal.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_conforms_to_its_schema(case, api_app):
    _app, tok = api_app
    case.call_and_validate(headers={"Authorization": f"Bearer {tok}"})
