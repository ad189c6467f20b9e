"""The villages' decision records as reference rows for other apps (``AppDeclaration.reference_rows``):
the voucher audit checks each village major-matter payment against the resolution it cites
(cleangov/finance/resolutions.py documents the keys and the check). No import of finance: the rows
are plain dicts and the voucher categories are the engine's category codes."""

from __future__ import annotations

from django.urls import reverse

from cleangov.core.matters import MatterRef

from .choices import DecisionStatusChoices
from .choices import MajorMatterChoices as M
from .models import Decision

TABLE = "village_resolutions"

# Which major-matter payments (the engine's voucher categories) a decision on each matter can cover.
# 村民委员会组织法 Art. 24 names the matters; the voucher categories are how the village books them.
MATTER_CATEGORIES: dict[str, tuple[str, ...]] = {
    M.ALLOWANCES: ("subsidy_distribution",),
    M.COLLECTIVE_INCOME: ("project", "subsidy_distribution"),
    M.PUBLIC_WELFARE: ("project",),
    M.LAND_CONTRACTING: ("project",),
    M.COLLECTIVE_PROJECT: ("project",),
    M.HOMESTEAD: ("project", "land_compensation"),
    M.LAND_COMPENSATION: ("land_compensation", "subsidy_distribution"),
    M.ASSET_DISPOSAL: ("asset_disposal",),
    M.VILLAGE_RULES: (),
    M.OTHER: ("project", "asset_disposal", "land_compensation", "subsidy_distribution"),
}


def resolution_rows(unit_ids) -> list[dict]:
    """One row per decision record of the units (withdrawn ones included, marked)."""
    rows = []
    for d in Decision.objects.filter(unit_id__in=list(unit_ids)).order_by("unit_id", "pk"):
        rows.append({
            "unit_id": d.unit_id,
            "matter": str(MatterRef.of(d)),
            "title": d.title,
            "ref": d.resolution_ref,
            "categories": MATTER_CATEGORIES.get(d.matter_type, ()),
            "opened_on": d.proposed_on or d.created_at.date(),
            "decided_on": d.decided_on,
            "disclosed_on": d.resolution_disclosed_on,
            "amount": d.resolution_amount,
            "withdrawn": d.status == DecisionStatusChoices.WITHDRAWN,
            "url": reverse("democracy:decision_detail", args=[d.pk]),
        })
    return rows
