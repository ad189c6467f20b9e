"""Small builders for the disclosure tests: voucher batches written straight into finance's tables
(the import pipeline has its own tests), and a published item."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal

from django.utils import timezone

from cleangov.disclosure import actions
from cleangov.disclosure.models import Disclosure
from cleangov.finance.choices import ImportBatchSourceChoices, ImportBatchStatusChoices
from cleangov.finance.models import ImportBatch, VoucherLine


def voucher_batch(unit, lines, *, supersedes=None, tag="a"):
    """lines: (line_id, date, category, amount as text, summary)."""
    batch = ImportBatch.objects.create(
        sha256=hashlib.sha256(f"{unit.code}-{tag}".encode()).hexdigest(), file_name=f"{tag}.xlsx",
        source=ImportBatchSourceChoices.DEMO, scope_unit=unit, uploaded_at=timezone.now(),
        period_start=min(d for _i, d, *_r in lines), period_end=max(d for _i, d, *_r in lines),
        rows_read=len(lines), rows_imported=len(lines), supersedes=supersedes)
    if supersedes is not None:
        supersedes.status = ImportBatchStatusChoices.SUPERSEDED
        supersedes.save(update_fields=["status"])
    VoucherLine.objects.bulk_create([
        VoucherLine(batch=batch, unit=unit, row_no=i + 1, line_id=line_id, org_code=unit.code,
                    voucher_no=f"记-{i + 1:03d}", voucher_date=day, category=category, amount=Decimal(amount),
                    summary=summary)
        for i, (line_id, day, category, amount, summary) in enumerate(lines)])
    return batch


def scheduled(unit, code="village.quarterly", start=date(2025, 4, 1)) -> Disclosure:
    actions.do_schedule_disclosures(unit, through=date(2026, 1, 31), acting_user=None)
    return Disclosure.objects.get(unit=unit, catalog_code=code, period_start=start, event_title="")


def published(unit, values=None, code="village.quarterly", start=date(2025, 4, 1)) -> Disclosure:
    d = scheduled(unit, code, start)
    actions.do_submit_disclosure(d, values=values or {"decisions": "修村道", "relief_amount": "6000"},
                                 acting_user=None)
    actions.do_sign_disclosure(d, acting_user=None)
    d.refresh_from_db()
    return d


def reviewed(unit, month: date) -> None:
    """The financial management group passes every line of ``month`` (民主理财): until then the democracy
    app holds that month's financial disclosure (tests/democracy covers the hold itself)."""
    from cleangov.democracy import actions as democracy
    from cleangov.democracy.choices import ReviewVerdictChoices

    review = democracy.do_open_monthly_review(acting_user=None, unit=unit, month=month)
    for line in review.lines.all():
        democracy.do_review_voucher_line(line, acting_user=None, verdict=ReviewVerdictChoices.PASSED)
    democracy.do_complete_monthly_review(review, acting_user=None)
