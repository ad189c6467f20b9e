"""A village major-matter payment and the decision records (四议两公开): covered when it cites a
resolution of its village taken and disclosed before the payment and within the amount approved;
otherwise flagged by the audit rule, the explanation naming the records considered and why none
covers it; the finding links to the decision and the decision lists the finding."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from cleangov.core.matters import MatterRef
from cleangov.democracy.actions import do_create_decision, do_record_decision_meeting, do_take_decision_step
from cleangov.democracy.models import Decision
from cleangov.finance.access import import_units
from cleangov.finance.choices import ImportBatchSourceChoices
from cleangov.finance.imports import import_file
from cleangov.finance.models import Finding
from tests.finance.helpers import audit, write_csv
from tests.support.finance import HEADER_ZH

from .helpers import add_party_members

pytestmark = pytest.mark.django_db
RULE = "major_matter_without_resolution"
HEADER = [*HEADER_ZH, "决议编号"]


def _decision(county, title, matter, *, ref="", decided=None, disclosed=None, amount=None, side="a"):
    d = do_create_decision(acting_user=county.persona("village_secretary"), unit=county.villages[side],
                           matter_type=matter, title=title)
    Decision.objects.filter(pk=d.pk).update(proposed_on=date(2026, 1, 5), resolution_ref=ref, decided_on=decided,
                                            resolution_disclosed_on=disclosed, resolution_amount=amount,
                                            status="resolution_disclosed" if disclosed else
                                            ("decided" if decided else "proposed"))
    return Decision.objects.get(pk=d.pk)


def _row(n, org, day, category, amount, ref):
    return [f"M{n}", org, f"记-2026-{n:04d}", day, category, amount, "村道硬化工程款", "清河建筑公司", "045002300111",
            f"{50000 + n}", day, "增值税普通发票", "", "张会计", "王证明", "李审批", day, "转账", ref]


def _import(county, tmp_path, rows, name, side="a"):
    path = write_csv(tmp_path, name, rows, header=HEADER)
    user = county.persona("accountant", side)
    import_file(path, file_name=name, scope_unit=county.townships[side], acting_user=user,
                source=ImportBatchSourceChoices.WEB, allowed_units=import_units(user))


def _findings(village):
    return {f.line_links.get().line.line_id: f for f in
            Finding.objects.filter(unit=village, rule=RULE, current=True).prefetch_related("line_links__line")}


@pytest.fixture
def books(county, tmp_path):
    village = county.villages["a"]
    org = village.code
    road = _decision(county, "村道硬化", "public_welfare", ref="决议〔2026〕1号", decided=date(2026, 3, 2),
                     disclosed=date(2026, 3, 4), amount=Decimal("50000.00"))
    late = _decision(county, "文化广场", "collective_project", ref="决议〔2026〕2号", decided=date(2026, 5, 3),
                     disclosed=date(2026, 5, 5))
    hidden = _decision(county, "征地补偿分配", "land_compensation", ref="决议〔2026〕3号", decided=date(2026, 3, 1))
    rows = [
        _row(1, org, "2026-03-20", "项目支出", "30000.00", "决议〔2026〕1号"),      # covered
        _row(2, org, "2026-04-02", "项目支出", "15000.00", " 决议〔2026〕1号"),     # covered: 45000 of 50000
        _row(3, org, "2026-04-10", "项目支出", "8000.00", "决议〔2026〕1号"),       # 53000: 3000 above the amount
        _row(4, org, "2026-04-20", "项目支出", "12000.00", "决议〔2026〕2号"),      # resolved after the payment
        _row(5, org, "2026-04-21", "土地补偿", "9000.00", "决议〔2026〕3号"),       # resolution not disclosed
        _row(6, org, "2026-04-22", "项目支出", "7000.00", "决议〔2026〕9号"),       # no such number
        _row(7, org, "2026-04-23", "项目支出", "6000.00", ""),                     # none cited (the engine's)
        _row(8, org, "2026-04-24", "资产处置", "5000.00", "决议〔2026〕1号"),       # another kind of matter
        _row(9, org, "2025-12-20", "项目支出", "4000.00", "村民代表会议决议〔2025〕8号"),  # before the records
    ]
    _import(county, tmp_path, rows, "major.csv")
    audit(county.townships["a"])
    return village, road, late, hidden


def test_payments_are_checked_against_the_decision_records(county, books):
    village, road, late, hidden = books
    found = _findings(village)
    assert set(found) == {"M3", "M4", "M5", "M6", "M7", "M8"}
    assert found["M3"].amount_at_stake == Decimal("3000.00")  # only the part above the approved amount
    assert "53000.00" in found["M3"].message_en and "50000.00" in found["M3"].message_en
    assert "was resolved on 2026-05-03, after the payment of 2026-04-20" in found["M4"].message_en
    assert "于 2026-05-03 形成决议，晚于 2026-04-20 的支付" in found["M4"].message_zh
    assert "has not been disclosed" in found["M5"].message_en
    assert "which no decision record of the village carries" in found["M6"].message_en
    assert "决议〔2026〕1号" in found["M6"].message_en  # the village's resolutions on such matters are named
    assert "cites no resolution number" in found["M7"].message_en and "决议〔2026〕1号" in found["M7"].message_en
    assert "does not cover a payment of this kind (Asset disposal)" in found["M8"].message_en
    assert "此类支出（资产处置）" in found["M8"].message_zh
    # Categories are named in words, never as the engine's codes.
    assert not any("_" in f.message_en + f.message_zh for f in found.values())
    # Each finding keeps the records it considered, as matter references.
    assert list(found["M4"].record_links.values_list("matter", flat=True)) == [str(MatterRef.of(late))]
    assert list(found["M5"].record_links.values_list("matter", flat=True)) == [str(MatterRef.of(hidden))]
    assert str(MatterRef.of(road)) in found["M7"].record_links.values_list("matter", flat=True)


def test_a_disclosed_resolution_clears_the_payment_on_the_next_run(county, books):
    village, _road, _late, hidden = books
    Decision.objects.filter(pk=hidden.pk).update(resolution_disclosed_on=date(2026, 4, 1))
    audit(county.townships["a"])
    assert "M5" not in _findings(village)
    assert not Finding.objects.get(rule=RULE, line_links__line__line_id="M5").current


def test_the_finding_page_links_the_decision_and_the_decision_page_lists_the_finding(county, books, login):
    village, _road, late, _hidden = books
    finding = _findings(village)["M4"]
    commission = login(county.persona("county_commission"))
    page = commission.get(reverse("finance:finding_detail", args=[finding.pk])).content.decode()
    assert reverse("democracy:decision_detail", args=[late.pk]) in page and "文化广场" in page
    decision_page = commission.get(reverse("democracy:decision_detail", args=[late.pk])).content.decode()
    assert reverse("finance:finding_detail", args=[finding.pk]) in decision_page
    # A village's representative sees the decision but not the finance findings: none listed.
    rep_page = login(county.persona("villager_representative")).get(
        reverse("democracy:decision_detail", args=[late.pk]))
    assert rep_page.status_code == 200
    assert reverse("finance:finding_detail", args=[finding.pk]) not in rep_page.content.decode()


def test_the_resolution_amount_is_recorded_with_the_decisive_meeting(county):
    sec = county.persona("village_secretary")
    d = do_create_decision(acting_user=sec, unit=county.villages["a"], matter_type="public_welfare", title="修桥")
    do_take_decision_step(d, acting_user=sec, name="propose")
    do_record_decision_meeting(d, acting_user=sec, body="two_committees", held_on=date(2026, 11, 2), present=2,
                               votes_for=2)
    add_party_members(county, 3)
    do_record_decision_meeting(d, acting_user=sec, body="party_members", held_on=date(2026, 11, 5), present=2,
                               votes_for=2)
    do_record_decision_meeting(d, acting_user=sec, body="assembly_adults", held_on=date(2026, 11, 9), expected=400,
                               present=201, votes_for=150, resolution_text="同意", resolution_amount=Decimal("80000"))
    assert Decision.objects.get(pk=d.pk).resolution_amount == Decimal("80000.00")


def test_without_decision_records_the_engine_alone_decides(county, tmp_path):
    org = county.villages["b"].code
    _import(county, tmp_path, [_row(1, org, "2026-04-20", "项目支出", "12000.00", "决议〔2026〕2号"),
                               _row(2, org, "2026-04-21", "项目支出", "12000.00", "")], "b.csv", side="b")
    audit(county.townships["b"])
    found = _findings(county.villages["b"])
    assert set(found) == {"M2"} and "cites no resolution" not in found["M2"].message_en
    assert not found["M2"].record_links.exists()


# Golden cases of the cover check at its boundaries (payment on 2026-04-20 of 1000.00, category project).
ROW = {"unit_id": 1, "matter": "democracy.decision:1", "title": "村道", "ref": "决议〔2026〕1号",
       "categories": ("project",), "opened_on": date(2026, 1, 1), "decided_on": date(2026, 4, 20),
       "disclosed_on": date(2026, 4, 20), "amount": Decimal("5000.00"), "withdrawn": False, "url": ""}
LINE = {"voucher_date": date(2026, 4, 20), "category": "project", "amount": Decimal("1000.00")}


@pytest.mark.parametrize(("change", "paid", "expected"), [
    ({}, "5000.00", None),                                        # resolved and disclosed that day, amount reached
    ({}, "5000.01", "reach 5000.01 yuan, above the 5000.00"),     # one fen above the amount
    ({"amount": None}, "999999.00", None),                        # no amount named
    ({"decided_on": date(2026, 4, 21)}, "1000.00", "resolved on 2026-04-21, after the payment of 2026-04-20"),
    ({"disclosed_on": date(2026, 4, 21)}, "1000.00", "disclosed on 2026-04-21, after the payment of 2026-04-20"),
    ({"disclosed_on": None}, "1000.00", "has not been disclosed"),
    ({"decided_on": None, "ref": ""}, "1000.00", "has no resolution yet"),
    ({"categories": ("asset_disposal",)}, "1000.00", "does not cover a payment of this kind (Project expenditure)"),
    ({"withdrawn": True}, "1000.00", "was withdrawn"),
])
def test_cover_check_golden_cases(change, paid, expected):
    from cleangov.finance.resolutions import why_not

    why = why_not({**ROW, **change}, LINE, Decimal(paid))
    if expected is None:
        assert why is None
    else:
        assert why is not None and expected in why[1] and why[0]
