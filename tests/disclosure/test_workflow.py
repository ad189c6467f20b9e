"""Financial tables generated from the books to the cent, the sign-off workflow, versioning with a
public diff, exemptions and publication holds."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from cleangov.core.models import AuditEvent
from cleangov.disclosure import actions
from cleangov.disclosure.choices import DisclosureStatusChoices as S
from cleangov.disclosure.models import DisclosureVersion

from .helpers import published, reviewed, scheduled, voucher_batch

pytestmark = pytest.mark.django_db

MAY = [
    ("L1", date(2025, 5, 3), "office", "120.35", "打印纸"),
    ("L2", date(2025, 5, 9), "office", "79.65", "墨盒"),
    ("L3", date(2025, 5, 12), "project", "18500.00", "村道硬化进度款"),
    ("L4", date(2025, 5, 20), "reception", "340.10", "县局检查工作餐"),
    ("L5", date(2025, 5, 21), "vehicle_fuel", "200.01", "加油"),
    ("L6", date(2025, 5, 28), "loan_repay", "3000.00", "归还借款"),
    ("L7", date(2025, 5, 31), "office", "-20.00", "退货"),
    ("L8", date(2025, 6, 1), "office", "999.99", "六月不计入"),
    ("L0", date(2025, 4, 30), "office", "10.00", "四月"),
]


def test_financial_table_equals_the_voucher_totals_to_the_cent(county):
    village = county.villages["a"]
    voucher_batch(village, MAY)
    reviewed(village, date(2025, 5, 1))
    d = scheduled(village, "finance.monthly", date(2025, 5, 1))
    actions.do_submit_disclosure(d, explanation="五月收支", acting_user=county.persona("village_secretary"))
    version = actions.do_sign_disclosure(d, acting_user=county.persona("supervision_member"))
    c = version.content
    # Written out from the lines above, not from the code: May only, the refund netted in its category.
    assert c["totals"] == {"income": "3000.00", "expenses": "19220.11", "net": "-16220.11", "lines": 7}
    assert {r["key"]: r["amount"] for r in c["expenses"]} == {
        "office": "180.00", "project": "18500.00", "reception": "340.10", "vehicle_fuel": "200.01"}
    assert c["three_public"] == {"reception": "340.10", "vehicles": "200.01", "abroad": "0.00"}
    assert [r["key"] for r in c["itemised"]] == ["L3", "L6"]  # 2000.00 yuan and more
    assert c["year_to_date"]["expenses"] == "19230.11"  # April's 10.00 too
    assert version.explanation == "五月收支" and version.source_batches


def test_a_corrected_voucher_batch_makes_the_table_stale(county, client):
    village = county.villages["a"]
    first = voucher_batch(village, MAY, tag="v1")
    reviewed(village, date(2025, 5, 1))
    d = scheduled(village, "finance.monthly", date(2025, 5, 1))
    actions.do_submit_disclosure(d, acting_user=None)
    # The books are corrected before signing: the draft was read from a replaced batch.
    voucher_batch(village, [(*MAY[0][:3], "150.35", "打印纸"), *MAY[1:]], supersedes=first, tag="v2")
    with pytest.raises(ValidationError):
        actions.do_sign_disclosure(d, acting_user=None)
    d.status = S.DUE
    d.save()
    actions.do_submit_disclosure(d, acting_user=None)
    version = actions.do_sign_disclosure(d, acting_user=None)
    assert version.content["totals"]["expenses"] == "19250.11"
    # A later correction of the books makes the published table stale, and the public page says so.
    second = version.source_batches[0]
    from cleangov.finance.models import ImportBatch

    voucher_batch(village, MAY, supersedes=ImportBatch.objects.get(pk=second), tag="v3")
    page = client.get(f"/public/{village.code}/item/{d.pk}/").content.decode()
    assert "no longer matches the books" in page or "不再与账簿一致" in page


def test_sign_off_workflow_by_role_and_versions_never_overwritten(county):
    village = county.villages["a"]
    secretary, supervisor = county.persona("village_secretary"), county.persona("supervision_member")
    d = scheduled(village)
    with pytest.raises(ValidationError):  # the supervision committee does not prepare
        actions.do_submit_disclosure(d, values={"decisions": "x"}, acting_user=supervisor)
    with pytest.raises(ValidationError):  # a village of the other township
        actions.do_submit_disclosure(d, values={"decisions": "x"}, acting_user=county.persona("village_secretary", "b"))
    with pytest.raises(ValidationError) as err:
        actions.do_submit_disclosure(d, values={"relief_amount": "12 yuan"}, acting_user=secretary)
    assert "relief_amount" in err.value.message_dict
    actions.do_submit_disclosure(d, values={"decisions": "修村道", "relief_amount": "6000"}, acting_user=secretary)
    with pytest.raises(ValidationError):  # the preparer cannot sign
        actions.do_sign_disclosure(d, acting_user=secretary)
    with pytest.raises(ValidationError):  # returning needs comments
        actions.do_return_disclosure(d, comment=" ", acting_user=supervisor)
    d = actions.do_return_disclosure(d, comment="救济户名单不全", acting_user=supervisor)
    assert d.status == S.RETURNED and d.latest_version == 0
    actions.do_submit_disclosure(d, values={"decisions": "修村道", "relief_amount": "6000"}, acting_user=secretary)
    v1 = actions.do_sign_disclosure(d, acting_user=supervisor)
    assert (v1.number, v1.diff) == (1, [])
    d.refresh_from_db()
    with pytest.raises(ValidationError):  # a correction needs a reason
        actions.do_submit_disclosure(d, values={"decisions": "修村道"}, acting_user=secretary)
    actions.do_submit_disclosure(d, values={"decisions": "修村道", "relief_amount": "7500"},
                                 reason="漏列一户", acting_user=secretary)
    v2 = actions.do_sign_disclosure(d, acting_user=supervisor)
    assert v2.number == 2 and v2.reason == "漏列一户"
    assert v2.diff == [{"path": "fields.relief_amount", "old": "6000.00", "new": "7500.00"}]
    v1.refresh_from_db()
    assert v1.content["fields"]["relief_amount"] == "6000.00" and v1.content_hash != v2.content_hash
    assert DisclosureVersion.objects.filter(disclosure=d).count() == 2
    codes = list(AuditEvent.objects.filter(subject_type="disclosure.disclosure", subject_id=str(d.pk))
                 .order_by("seq").values_list("event_code", flat=True))
    assert codes == ["disclosure.submitted", "disclosure.returned", "disclosure.submitted", "disclosure.published",
                     "disclosure.submitted", "disclosure.published"]


def test_exemption_needs_the_township_and_is_public(county, client):
    village = county.villages["a"]
    d = scheduled(village, "party.quarterly", date(2025, 1, 1))
    actions.do_request_exemption(d, reason="支部换届", acting_user=county.persona("committee_director"))
    with pytest.raises(ValidationError):  # the village cannot grant itself
        actions.do_decide_exemption(d, grant=True, reason="同意", acting_user=county.persona("village_secretary"))
    actions.do_decide_exemption(d, grant=True, reason="同意，二季度一并公开",
                                acting_user=county.persona("township_secretary"))
    d.refresh_from_db()
    assert d.status == S.EXEMPT
    page = client.get(f"/public/{village.code}/").content.decode()
    assert "支部换届" in page and "二季度一并公开" in page


def test_a_declared_publication_hold_stops_a_financial_disclosure(county, monkeypatch):
    village = county.villages["a"]
    voucher_batch(village, MAY)
    d = scheduled(village, "finance.monthly", date(2025, 5, 1))
    actions.do_submit_disclosure(d, acting_user=None)
    asked = []

    def holds(unit_id, code, start, end):
        asked.append((unit_id, code, start, end))
        return ["五月凭证未经民主理财小组审核"]

    monkeypatch.setattr("cleangov.core.declarations.publication_holds", holds)
    with pytest.raises(ValidationError, match="民主理财"):
        actions.do_sign_disclosure(d, acting_user=None)
    assert asked == [(village.pk, "finance.monthly", date(2025, 5, 1), date(2025, 5, 31))]


def test_published_form_keeps_money_to_two_places(county):
    d = published(county.villages["a"], {"relief_amount": "1,234.5"})
    assert d.versions.get().content["fields"]["relief_amount"] == str(Decimal("1234.50"))
