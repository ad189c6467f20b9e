"""Token-authenticated JSON API for accounting software to push voucher batches.

    Authorization: Bearer <token>        (tokens: /finance/api-tokens/, stored as SHA-256 only)
    GET  /finance/api/v1/openapi.json     the OpenAPI 3.0 document below
    GET  /finance/api/v1/batches          batches the token's user may see
    POST /finance/api/v1/batches          push one batch (same checks as an upload; synchronous)
    GET  /finance/api/v1/batches/{id}     one batch

A pushed batch is immutable like an uploaded one, the same content pushed twice is refused (409),
and an audit run of its units is enqueued. A unit code outside the user's import scope answers 404,
like a missing one.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.db import transaction
from django.http import JsonResponse
from django.utils import timezone, translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from cleangov.core.access import has_role

from . import engine as E
from .access import IMPORT_ROLES, batches_for, import_units
from .choices import ImportBatchSourceChoices, ImportBatchStatusChoices
from .imports import ImportRefused, import_records
from .models import ApiToken, ImportBatch
from .tokens import hash_token

MAX_LINES = 20000

_COLUMN_SCHEMAS = {"text": {"type": "string"}, "enum": {"type": "string"}, "date": {"type": "string"},
                   "decimal": {"type": ["string", "number"]}, "int": {"type": ["integer", "string"]},
                   "bool": {"type": ["boolean", "string"]}}


def _line_schema() -> dict:
    props = {}
    for c in E.vschema.LINES.columns:
        s = dict(_COLUMN_SCHEMAS[c.kind])
        # OpenAPI 3.0 has no type arrays: use anyOf
        if isinstance(s["type"], list):
            s = {"anyOf": [{"type": t} for t in s["type"]]}
        s["description"] = c.doc or f"{c.kind}; Chinese header: {', '.join(c.aliases[:2])}"
        s["nullable"] = not c.required
        props[c.name] = s
    return {"type": "object", "required": list(E.REQUIRED_FIELDS), "properties": props,
            "additionalProperties": True}


ERROR = {"type": "object", "required": ["error"], "properties": {
    "error": {"type": "string"}, "code": {"type": "string"},
    "errors": {"type": "array", "items": {"type": "object", "properties": {
        "file": {"type": "string"}, "row": {"type": "integer", "nullable": True},
        "column": {"type": "string", "nullable": True}, "value": {"type": "string", "nullable": True},
        "reason": {"type": "string"}}}},
    "error_count": {"type": "integer"}}}
BATCH = {"type": "object", "required": ["id", "file_name", "sha256", "status", "unit", "period_start", "period_end",
                                        "rows_read", "rows_imported", "rows_skipped", "uploaded_at"],
         "properties": {
             "id": {"type": "integer"}, "file_name": {"type": "string"}, "sha256": {"type": "string"},
             "status": {"type": "string", "enum": list(ImportBatchStatusChoices.values)},
             "source": {"type": "string"},
             "unit": {"type": "string"}, "period_start": {"type": "string", "format": "date"},
             "period_end": {"type": "string", "format": "date"}, "rows_read": {"type": "integer"},
             "rows_imported": {"type": "integer"}, "rows_skipped": {"type": "integer"},
             "uploaded_at": {"type": "string", "format": "date-time"},
             "supersedes": {"type": "integer", "nullable": True},
             "audit_run": {"type": "integer", "nullable": True}}}


def _resp(desc: str, schema: dict) -> dict:
    return {"description": desc, "content": {"application/json": {"schema": schema}}}


OPENAPI: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "CleanGov voucher import API", "version": "1.0.0",
             "description": "Push voucher lines in the engine's canonical schema (docs/engine.md)."},
    "servers": [{"url": "/finance/api/v1"}],
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": {"Error": ERROR, "Batch": BATCH, "Line": _line_schema()},
    },
    "security": [{"bearer": []}],
    "paths": {
        "/batches": {
            "get": {"operationId": "listBatches", "summary": "Batches the user may see (newest first, 100)",
                    "responses": {"200": _resp("Batches", {"type": "object", "required": ["batches"], "properties": {
                        "batches": {"type": "array", "items": {"$ref": "#/components/schemas/Batch"}}}}),
                        "401": _resp("Missing or invalid token", {"$ref": "#/components/schemas/Error"})}},
            "post": {"operationId": "pushBatch", "summary": "Import one batch of voucher lines",
                     "requestBody": {"required": True, "content": {"application/json": {"schema": {
                         "type": "object", "required": ["unit", "lines"], "properties": {
                             "unit": {"type": "string", "description": "code of the unit whose books these are "
                                                                        "(a township covers its villages)"},
                             "file_name": {"type": "string"},
                             "skip_invalid": {"type": "boolean", "default": False},
                             "supersedes": {"type": "integer", "nullable": True},
                             "lines": {"type": "array", "description": f"at most {MAX_LINES} lines per push (413)",
                                       "items": {"$ref": "#/components/schemas/Line"}}}}}}},
                     "responses": {
                         "201": _resp("Imported", {"$ref": "#/components/schemas/Batch"}),
                         "400": _resp("Invalid request or rows (nothing imported)",
                                      {"$ref": "#/components/schemas/Error"}),
                         "401": _resp("Missing or invalid token", {"$ref": "#/components/schemas/Error"}),
                         "404": _resp("Unit or batch unknown or outside your scope",
                                      {"$ref": "#/components/schemas/Error"}),
                         "409": _resp("Already imported, or the period is covered by another batch",
                                      {"$ref": "#/components/schemas/Error"}),
                         "413": _resp("Too many lines in one push", {"$ref": "#/components/schemas/Error"})}},
        },
        "/batches/{batch_id}": {
            "get": {"operationId": "getBatch",
                    "parameters": [{"name": "batch_id", "in": "path", "required": True,
                                    "schema": {"type": "integer", "minimum": 1, "maximum": 2147483647}}],
                    "responses": {"200": _resp("The batch", {"$ref": "#/components/schemas/Batch"}),
                                  "401": _resp("Missing or invalid token", {"$ref": "#/components/schemas/Error"}),
                                  "404": _resp("Unknown or outside your scope",
                                               {"$ref": "#/components/schemas/Error"})}},
        },
    },
}


def _error(status: int, message: str, *, code: str = "", errors=(), total: int | None = None) -> JsonResponse:
    body: dict[str, Any] = {"error": str(message)}
    if code:
        body["code"] = code
    errs = [e.as_dict() for e in errors][:1000]
    if errs:
        for e in errs:
            e["file"] = str(e["file"] or "")
        body["errors"] = errs
        body["error_count"] = total if total is not None else len(errs)
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def _batch_json(b: ImportBatch) -> dict:
    run = b.audit_runs.order_by("-pk").first()
    return {"id": b.pk, "file_name": b.file_name, "sha256": b.sha256, "status": b.status, "source": b.source,
            "unit": b.scope_unit.code, "period_start": b.period_start.isoformat(),
            "period_end": b.period_end.isoformat(), "rows_read": b.rows_read, "rows_imported": b.rows_imported,
            "rows_skipped": b.rows_skipped, "uploaded_at": b.uploaded_at.isoformat(),
            "supersedes": b.supersedes_id, "audit_run": run.pk if run else None}


def _token_user(request):
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    raw = header[7:].strip()
    token = ApiToken.objects.filter(token_hash=hash_token(raw), revoked_at__isnull=True).select_related("user").first()
    if token is None or not token.user.is_active:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


def schema(request):
    return JsonResponse(OPENAPI, json_dumps_params={"ensure_ascii": False})


@csrf_exempt
@require_http_methods(["GET", "POST"])
def batches(request):
    user = _token_user(request)
    if user is None:
        return _error(401, "missing or invalid token", code="unauthorized")
    with translation.override("en"):
        if request.method == "GET":
            qs = batches_for(user).select_related("scope_unit")[:100]
            return JsonResponse({"batches": [_batch_json(b) for b in qs]}, json_dumps_params={"ensure_ascii": False})
        return _push(request, user)


def _push(request, user):
    from .tasks import start_batch_audit

    try:
        body = json.loads(request.body or b"null")
    except RequestDataTooBig:
        return _error(413, "the request body is too large", code="too_large")
    except (ValueError, UnicodeDecodeError):
        return _error(400, "the body is not JSON", code="invalid")
    if not isinstance(body, dict):
        return _error(400, "the body must be a JSON object", code="invalid")
    unit_code, lines = body.get("unit"), body.get("lines")
    if not isinstance(unit_code, str) or not isinstance(lines, list):
        return _error(400, "'unit' (string) and 'lines' (array) are required", code="invalid")
    if not all(isinstance(r, dict) for r in lines):
        return _error(400, "every line must be a JSON object", code="invalid")
    if len(lines) > MAX_LINES:
        return _error(413, f"at most {MAX_LINES} lines per push", code="too_large")
    skip_invalid = body.get("skip_invalid", False)
    supersedes_id = body.get("supersedes")
    file_name = body.get("file_name") or "api"
    if not isinstance(skip_invalid, bool) or not isinstance(file_name, str) or (
            supersedes_id is not None and (not isinstance(supersedes_id, int) or isinstance(supersedes_id, bool))):
        return _error(400, "'skip_invalid' is a boolean, 'file_name' a string, 'supersedes' an integer",
                      code="invalid")
    if not has_role(user, IMPORT_ROLES):
        return _error(404, "unknown unit", code="not_found")
    allowed = import_units(user)
    unit = allowed.filter(code=unit_code).first()
    if unit is None:
        return _error(404, "unknown unit", code="not_found")
    supersedes = None
    if supersedes_id is not None:
        supersedes = (ImportBatch.objects.filter(pk=supersedes_id, scope_unit__in=allowed).first()
                      if 0 < supersedes_id < 2**31 else None)
        if supersedes is None:
            return _error(404, "unknown batch", code="not_found")
    try:
        with transaction.atomic():
            batch = import_records(lines, file_name=file_name, scope_unit=unit, acting_user=user,
                                   source=ImportBatchSourceChoices.API, allowed_units=allowed,
                                   skip_invalid=skip_invalid, supersedes=supersedes)
            start_batch_audit(batch, acting_user=user)
    except ImportRefused as exc:
        status = 409 if exc.code in ("duplicate_file", "period_overlap") else 400
        if exc.code == "missing_columns":
            return _error(400, str(exc.message), code="missing_columns")
        return _error(status, str(exc.message), code=exc.code, errors=exc.errors, total=exc.total)
    batch = ImportBatch.objects.select_related("scope_unit").get(pk=batch.pk)
    return JsonResponse(_batch_json(batch), status=201, json_dumps_params={"ensure_ascii": False})


@require_http_methods(["GET"])
def batch(request, batch_id):
    user = _token_user(request)
    if user is None:
        return _error(401, "missing or invalid token", code="unauthorized")
    try:
        pk = int(batch_id)
    except ValueError:
        return _error(404, "unknown batch", code="not_found")
    b = batches_for(user).select_related("scope_unit").filter(pk=pk).first() if 0 < pk < 2**31 else None
    if b is None:
        return _error(404, "unknown batch", code="not_found")
    return JsonResponse(_batch_json(b), json_dumps_params={"ensure_ascii": False})




# --- Read-only interface for the democracy app ------------------------------------------------------
# The village's financial management group reviews each month's imported vouchers (民主理财, 村民委员会
# 组织法 Art. 32), and a decision page lists the payments citing its resolution and the findings that
# considered it. Only active batches count; nothing here writes. Declared in .importlinter's
# ignore_imports (democracy -> finance.api).
_LINE_FIELDS = ("org_code", "line_id", "voucher_no", "voucher_date", "category", "amount", "summary", "payee",
                "resolution_ref")


def _active_lines(unit_id: int):
    from .models import VoucherLine

    return VoucherLine.objects.filter(unit_id=unit_id, batch__status=ImportBatchStatusChoices.ACTIVE)


def month_lines(unit_id: int, month_start, month_end) -> list[dict]:
    """The unit's active voucher lines dated within [month_start, month_end], as plain dicts with
    ``key`` ("org_code|line_id") and the fields of _LINE_FIELDS."""
    rows = (_active_lines(unit_id).filter(voucher_date__gte=month_start, voucher_date__lte=month_end)
            .order_by("voucher_date", "voucher_no", "line_id").values(*_LINE_FIELDS))
    return [{**row, "key": f"{row['org_code']}|{row['line_id']}"} for row in rows]


def months_with_lines(unit_id: int, start, end) -> list:
    """The first day of every month in [start, end] in which the unit has active voucher lines."""
    dates = (_active_lines(unit_id).filter(voucher_date__gte=start, voucher_date__lte=end)
             .values_list("voucher_date", flat=True).distinct())
    return sorted({d.replace(day=1) for d in dates})


def units_with_lines(start, end) -> dict[int, list]:
    """unit id -> first days of the months in [start, end] with active voucher lines, for every unit."""
    from .models import VoucherLine

    rows = (VoucherLine.objects.filter(batch__status=ImportBatchStatusChoices.ACTIVE, voucher_date__gte=start,
                                       voucher_date__lte=end).values_list("unit_id", "voucher_date").distinct())
    out: dict[int, set] = {}
    for unit_id, day in rows:
        out.setdefault(unit_id, set()).add(day.replace(day=1))
    return {unit_id: sorted(months) for unit_id, months in out.items()}


def lines_citing_resolution(unit_id: int, resolution_ref: str) -> list[dict]:
    """The unit's active voucher lines whose resolution reference is ``resolution_ref``."""
    if not resolution_ref:
        return []
    rows = _active_lines(unit_id).filter(resolution_ref=resolution_ref).order_by("voucher_date").values(*_LINE_FIELDS)
    return [{**row, "key": f"{row['org_code']}|{row['line_id']}"} for row in rows]


def findings_linked_to(user, matter: str) -> list[dict]:
    """The voucher findings that considered the record ``matter`` ("democracy.decision:12") and found
    it does not cover their payment, as far as ``user`` may see them (scope and conflict of interest
    as on the findings list), newest first."""
    from django.urls import reverse
    from django.utils.translation import get_language

    from .access import findings_for

    rows = (findings_for(user).filter(record_links__matter=matter).distinct()
            .order_by("-created_at", "-pk")[:100])
    return [{"id": f.pk, "url": reverse("finance:finding_detail", args=[f.pk]), "message": f.message(get_language()),
             "status": f.get_status_display(), "current": f.current, "amount": f.amount_at_stake} for f in rows]


def demo_import_village_payments(unit_id: int, payments: list[dict]) -> int:
    """For another app's demo only (``cleangov demo``): import a village's payments and audit the village
    (cleangov/finance/demo_data.py ``import_village_payments``)."""
    from .demo_data import import_village_payments

    return import_village_payments(unit_id, payments)
