from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone


@pytest.fixture
def finding(county, tmp_path):
    """An open IOU-receipt finding of village A (the engine's sample books)."""
    from cleangov.finance.models import Finding
    from tests.finance.helpers import audit, import_rows, sample_rows

    import_rows(county, tmp_path, sample_rows(county.villages["a"].code))
    audit(county.townships["a"])
    return Finding.objects.get(rule="iou_receipt")


@pytest.fixture
def confirm(county):
    """Confirm a finding as township A's discipline secretary, naming village A's secretary."""
    from cleangov.finance.actions import do_confirm_finding

    def _confirm(finding, *, days=30, person=None):
        return do_confirm_finding(finding, acting_user=county.persona("township_discipline"), reason="白条入账属实",
                                  responsible_person=person or county.persona("village_secretary").person,
                                  due_date=timezone.localdate() + timedelta(days=days))

    return _confirm


@pytest.fixture
def open_item(county):
    """An item opened by hand in village A (township A's discipline secretary), responsible: its secretary."""
    from cleangov.rectification.actions import do_open_item

    def _open(**kwargs):
        defaults = {"unit": county.villages["a"], "title": "白条抵库", "problem_type": "voucher_irregularity",
                    "responsible_person": county.persona("village_secretary").person,
                    "deadline": timezone.localdate() + timedelta(days=30),
                    "acting_user": county.persona("township_discipline")}
        defaults.update(kwargs)
        return do_open_item(**defaults)

    return _open
