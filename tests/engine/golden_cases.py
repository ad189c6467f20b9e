"""Source of the golden fixtures in tests/engine/golden/<rule>/ (regenerate: python -m tests.engine.golden_cases).

Line ids encode the expected outcome for the fixture's rule: F… flagged, P… passed, N… not evaluable,
X… not applicable. ``expected`` lists the findings (line ids and amount at stake) the rule must produce.

Two kinds of expectation live in each ``expected.json``, and its ``provenance`` key says which is which:

* the **specification**: which lines are flagged and the amount at stake. It is written here by hand
  from the rule's regulation and never taken from the engine's output; regeneration refuses to write a
  fixture whose rule does not produce exactly these findings.
* a **snapshot**: the finding's Chinese and English message, copied from the engine's output when the
  fixtures are regenerated, so a change of wording shows up as a reviewed diff of expected.json.
"""

from __future__ import annotations

import csv
import json
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent / "golden"
COLUMNS = ["line_id", "org_code", "voucher_no", "voucher_date", "category", "amount", "summary", "payee",
           "invoice_code", "invoice_no", "invoice_date", "invoice_type", "person_code", "person_rank", "destination",
           "trip_start", "trip_end", "nights", "travel_mode", "travel_class", "handler", "witness", "approver",
           "approval_date", "event_date", "guests", "hosts", "guest_origin_city", "official_letter", "vehicle_plate",
           "emergency", "attendees", "days", "meeting_class", "training_class", "recipients", "payment_method",
           "resolution_ref"]


def L(line_id, category="office", amount="100.00", org="U1", vdate="2025-03-10", **kw):
    row = {"line_id": line_id, "org_code": org, "voucher_date": vdate, "category": category, "amount": amount,
           "summary": "办公用品", "payee": f"供应商{line_id}", "invoice_code": "1100",
           "invoice_no": f"9{zlib.crc32(line_id.encode()) % 10**7:07d}",
           "invoice_date": vdate, "invoice_type": "vat_normal", "handler": "张三", "witness": "李四", "approver": "王五",
           "approval_date": vdate, "payment_method": "bank", "person_code": "P001", "person_rank": "other"}
    row.update(kw)
    return row


def trip(line_id, category, amount, dest="北京", start="2025-03-03", end="2025-03-05", nights=None, **kw):
    return L(line_id, category, amount, destination=dest, trip_start=start, trip_end=end, nights=nights,
             invoice_date=kw.pop("invoice_date", end), approval_date=kw.pop("approval_date", start), **kw)


def E(*line_ids, stake=None):
    return {"line_ids": sorted(line_ids), "amount_at_stake": stake}


CASES: dict[str, dict] = {}


def case(rule, lines, expected, units=None, fleet=None):
    CASES[rule] = {"lines": lines, "expected": expected, "units": units, "fleet": fleet}


case("lodging_over_cap", [
    trip("F1", "travel_lodging", "1000.02", nights=2),                   # 500.01/night in 北京: one cent over
    trip("P1", "travel_lodging", "1000.00", nights=2),                   # exactly at the cap
    trip("F2", "travel_lodging", "531.00", dest="西宁市", start="2025-07-01", end="2025-07-02", nights=1),  # peak 530
    trip("P2", "travel_lodging", "530.00", dest="西宁", start="2025-07-01", end="2025-07-02", nights=1),
    trip("F3", "travel_lodging", "351.00", dest="西宁", start="2025-05-01", end="2025-05-02", nights=1),  # normal 350
    trip("P3", "travel_lodging", "720.00", dest="三亚", start="2025-12-01", end="2025-12-02", nights=1,
         person_rank="bureau"),                                          # peak (10–4月) bureau cap 720
    trip("N1", "travel_lodging", "300.00", dest="火星", nights=1),
    trip("N2", "travel_lodging", "300.00", dest="桂林", start="2025-05-01", end="2025-05-02", nights=1),  # no normal row
    trip("N3", "travel_lodging", "300.00", nights=None),
    L("X1", "office"),
], [E("F1", stake="0.02"), E("F2", stake="1.00"), E("F3", stake="1.00")])

case("nights_exceed_trip", [
    trip("F1", "travel_lodging", "900.00", nights=3),   # 03-03..03-05 allows 2 nights
    trip("P1", "travel_lodging", "900.00", nights=2),
    trip("N1", "travel_lodging", "900.00", nights=2, end=""),
], [E("F1")])

case("meal_allowance_over_standard", [
    trip("P1", "travel_meal", "300.00"),                      # 100 × 3 calendar days
    trip("F1", "travel_meal", "300.01"),
    trip("P2", "travel_meal", "360.00", dest="拉萨市"),        # 120 × 3 in 西藏
    trip("F2", "travel_meal", "360.01", dest="乌鲁木齐"),
    trip("N1", "travel_meal", "100.00", dest=""),
], [E("F1", stake="0.01"), E("F2", stake="0.01")])

case("local_transport_over_standard", [
    trip("P1", "travel_local_transport", "240.00"),
    trip("F1", "travel_local_transport", "240.01"),
    trip("N1", "travel_local_transport", "80.00", start="2025-03-05", end="2025-03-03"),
], [E("F1", stake="0.01")])

case("invoice_outside_trip", [
    trip("P1", "travel_lodging", "100.00", nights=1, invoice_date="2025-03-02"),   # one day before the trip
    trip("F1", "travel_meal", "100.00", invoice_date="2025-03-01"),
    trip("P2", "travel_intercity", "100.00", invoice_date="2025-03-06"),
    trip("F2", "travel_local_transport", "100.00", invoice_date="2025-03-07"),
    trip("N1", "travel_meal", "100.00", invoice_date=""),
    L("X1", "office", invoice_date="2024-01-01"),
], [E("F1"), E("F2")])

case("travel_class_above_rank", [
    trip("P1", "travel_intercity", "500.00", travel_mode="high_speed_rail", travel_class="second"),
    trip("F1", "travel_intercity", "500.00", travel_mode="high_speed_rail", travel_class="first"),
    trip("P2", "travel_intercity", "500.00", travel_mode="高铁", travel_class="一等座", person_rank="bureau"),
    trip("F2", "travel_intercity", "500.00", travel_mode="plane", travel_class="business_cabin", person_rank="bureau"),
    trip("P3", "travel_intercity", "500.00", travel_mode="plane", travel_class="first_cabin", person_rank="provincial"),
    trip("F3", "travel_intercity", "500.00", travel_mode="train", travel_class="soft_sleeper"),
    trip("P4", "travel_intercity", "500.00", travel_mode="bus", travel_class=""),
    trip("N1", "travel_intercity", "500.00", travel_mode="train", travel_class="economy"),
], [E("F1"), E("F2"), E("F3")])

case("reception_without_letter", [
    L("F1", "reception", "300.00", official_letter=""),
    L("P1", "reception", "300.00", official_letter="某县函〔2025〕1号"),
], [E("F1", stake="300.00")])

case("reception_companions_excess", [
    L("P1", "reception", official_letter="函1", guests=10, hosts=3),
    L("F1", "reception", official_letter="函1", guests=10, hosts=4),
    L("P2", "reception", official_letter="函1", guests=11, hosts=3),
    L("F2", "reception", official_letter="函1", guests=11, hosts=4),
    L("P3", "reception", official_letter="函1", guests=12, hosts=4),
    L("N1", "reception", official_letter="函1", guests="", hosts=4),
], [E("F1"), E("F2")])

case("reception_per_capita_over_cap", [
    L("P1", "reception", "600.00", guests=4, hosts=1),
    L("F1", "reception", "600.01", guests=4, hosts=1),
    L("N1", "reception", "600.00", guests=4, hosts=""),
], [E("F1", stake="0.01")])

UNITS = [
    {"org_code": "U1", "name": "甲村", "level": "village", "province": "山西", "city": "临汾市", "reception_budget": "0"},
    {"org_code": "U2", "name": "乙镇", "level": "乡镇", "province": "山西", "city": "临汾", "reception_budget": "1000"},
    {"org_code": "U4", "name": "丁局", "level": "department", "province": "山西", "city": "", "reception_budget": ""},
]

case("reception_same_city", [
    L("F1", "reception", org="U2", guest_origin_city="临汾市"),
    L("P1", "reception", org="U2", guest_origin_city="太原市"),
    L("N1", "reception", org="U2", guest_origin_city=""),
    L("N2", "reception", org="U3", guest_origin_city="临汾"),
    L("N3", "reception", org="U4", guest_origin_city="临汾"),
], [E("F1")], units=UNITS)

case("reception_annual_budget_exceeded", [
    L("P1", "reception", "400.00", org="U2", vdate="2025-03-01"),
    L("P2", "reception", "500.00", org="U2", vdate="2025-03-02"),
    L("F1", "reception", "200.00", org="U2", vdate="2025-03-03"),   # running 1100 crosses 1000
    L("F2", "reception", "300.00", org="U2", vdate="2025-03-04"),
    L("P3", "reception", "300.00", org="U2", vdate="2026-01-05"),   # a new year starts from zero
    L("N1", "reception", "300.00", org="U4"),
    L("N2", "reception", "300.00", org="U9"),
], [E("F1", stake="100.00"), E("F2", stake="300.00")], units=UNITS)

case("village_reception", [
    L("F1", "reception", "80.00", org="U1"),
    L("P1", "reception", "80.00", org="U2"),
    L("N1", "reception", "80.00", org="U9"),
], [E("F1", stake="80.00")], units=UNITS)

case("vehicle_use_on_rest_day", [
    L("F1", "vehicle_fuel", event_date="2025-03-08"),                   # Saturday
    L("P1", "vehicle_fuel", event_date="2025-02-08"),                   # Saturday, make-up working day
    L("F2", "vehicle_toll", event_date="2025-10-08"),                   # Wednesday, a National Day holiday
    L("P2", "vehicle_parking", event_date="2025-03-10"),                # Monday
    L("P3", "vehicle_fuel", event_date="2025-03-08", emergency="是"),   # emergency
    L("F3", "vehicle_repair", event_date="", invoice_date="2025-03-09"),  # Sunday via invoice_date
    L("N1", "vehicle_fuel", event_date="2023-06-01"),                   # no calendar for 2023
    L("N2", "vehicle_fuel", event_date="", invoice_date=""),
], [E("F1"), E("F2"), E("F3")])

case("vehicle_not_in_fleet", [
    L("P1", "vehicle_fuel", vehicle_plate="晋A12345"),
    L("F1", "vehicle_fuel", "250.00", vehicle_plate="晋A99999"),
    L("F2", "vehicle_repair", "90.00", org="U2", vehicle_plate="晋A12345"),
    L("N1", "vehicle_fuel", vehicle_plate=""),
], [E("F1", stake="250.00"), E("F2", stake="90.00")], fleet=[{"org_code": "U1", "plate": "晋A·12345"}])

case("missing_signature", [
    L("P1"), L("F1", handler=""), L("F2", witness=" "), L("F3", approver=""),
], [E("F1"), E("F2"), E("F3")])

case("iou_receipt", [
    L("F1", amount="50.00", invoice_type="白条"), L("P1"), L("N1", invoice_type=""),
], [E("F1", stake="50.00")])

case("post_hoc_approval", [
    trip("P1", "travel_meal", "100.00", approval_date="2025-03-03"),
    trip("F1", "travel_meal", "100.00", approval_date="2025-03-04"),
    L("F2", "reception", event_date="2025-03-05", approval_date="2025-03-06"),
    L("P2", "office", invoice_date="2025-03-05", approval_date="2025-03-05"),
    L("F3", "office", invoice_date="2025-03-05", approval_date="2025-03-06"),
    L("N1", "office", approval_date=""),
    L("N2", "meeting", event_date="", approval_date="2025-03-01"),
], [E("F1"), E("F2"), E("F3")])

case("cross_year_invoice", [
    L("F1", vdate="2025-01-05", invoice_date="2024-12-31"),
    L("P1", vdate="2025-01-05", invoice_date="2025-01-01"),
    L("N1", invoice_date=""),
], [E("F1")])

case("self_approval", [
    L("F1", handler=" 张三 ", approver="张三"),
    L("F2", handler="Li Ming", approver="li ming"),
    L("P1"),
    L("N1", approver=""),
], [E("F1"), E("F2")])

case("late_booking", [
    L("P1", vdate="2025-04-01", invoice_date="2025-01-01"),   # exactly 90 days
    L("F1", vdate="2025-04-01", invoice_date="2024-12-31"),   # 91 days
    L("N1", invoice_date=""),
], [E("F1")])

case("duplicate_invoice", [
    L("F1", "office", "100.00", org="U1", invoice_code="3300", invoice_no="00012345", vdate="2025-03-10"),
    L("F2", "office", "120.00", org="U2", invoice_code="3300", invoice_no="00012345", vdate="2024-11-10"),
    L("F3", "office", "80.00", invoice_code="", invoice_no="25110000000000000001"),
    L("F4", "office", "80.00", invoice_code=" ", invoice_no="25110000000000000001"),
    L("P1", "office", invoice_code="3301", invoice_no="00012345"),
    L("N1", "office", invoice_no=""),
    # one number with and without its leading zeros (a spreadsheet dropped them): the same invoice
    L("F5", "office", "60.00", invoice_code="3302", invoice_no="00123456", vdate="2025-03-10"),
    L("F6", "office", "70.00", invoice_code="3302", invoice_no="123456", vdate="2025-03-11"),
    # zeros inside a number that is not all digits are kept: two invoices
    L("P2", "office", invoice_code="3302", invoice_no="A-00777"),
    L("P3", "office", invoice_code="3302", invoice_no="A-777"),
    # all zeros is the number 0, whatever the count
    L("F7", "office", "10.00", invoice_code="3303", invoice_no="000", vdate="2025-03-10"),
    L("F8", "office", "20.00", invoice_code="3303", invoice_no="0", vdate="2025-03-12"),
], [E("F1", "F2", stake="100.00"), E("F3", "F4", stake="80.00"), E("F5", "F6", stake="70.00"),
    E("F7", "F8", stake="20.00")])

case("split_payment", [
    L("F1", amount="2000.00", payee="甲公司", invoice_date="2025-03-03"),
    L("F2", amount="3000.00", payee="甲公司", invoice_date="2025-03-09"),   # 6 days later: same 7-day window
    L("P1", amount="2000.00", payee="乙公司", invoice_date="2025-03-03"),
    L("P2", amount="3000.00", payee="乙公司", invoice_date="2025-03-10"),   # 7 days later: outside
    L("P3", amount="4999.99", payee="丙公司", invoice_date="2025-03-03"),
    L("P4", amount="5000.00", payee="丙公司", invoice_date="2025-03-04"),   # not below the threshold
    L("P5", amount="2500.00", payee="丁公司", invoice_date="2025-03-03", org="U1"),
    L("P6", amount="2500.00", payee="丁公司", invoice_date="2025-03-03", org="U2"),  # another unit
    L("N1", amount="2500.00", payee=""),
], [E("F1", "F2", stake="5000.00")])

case("consecutive_invoice_numbers", [
    L("F1", payee="印刷厂", invoice_code="4400", invoice_no="1001", voucher_no="记-2025-0001"),
    L("F2", payee="印刷厂", invoice_code="4400", invoice_no="1002", voucher_no="记-2025-0001"),
    L("F3", payee="印刷厂", invoice_code="4400", invoice_no="1003", voucher_no="记-2025-0002"),
    L("P1", payee="饭店", invoice_code="4400", invoice_no="2001", voucher_no="记-2025-0003"),
    L("P2", payee="饭店", invoice_code="4400", invoice_no="2002", voucher_no="记-2025-0003"),
    L("P3", payee="饭店", invoice_code="4400", invoice_no="2003", voucher_no="记-2025-0003"),  # one voucher only
    L("P4", payee="商店", invoice_code="4400", invoice_no="3001", voucher_no="记-2025-0004"),
    L("P5", payee="商店", invoice_code="4400", invoice_no="3002", voucher_no="记-2025-0005"),
    L("P6", payee="商店", invoice_code="4400", invoice_no="3004", voucher_no="记-2025-0006"),  # run of 2 only
    L("N1", payee="商店", invoice_no="A-77"),
    # leading zeros do not make another number (as for duplicate_invoice): 4004, 4005, 4006 in a run
    L("F4", payee="文具店", invoice_code="4400", invoice_no="00004004", voucher_no="记-2025-0007"),
    L("F5", payee="文具店", invoice_code="4400", invoice_no="4005", voucher_no="记-2025-0008"),
    L("F6", payee="文具店", invoice_code="4400", invoice_no="0004006", voucher_no="记-2025-0008"),
], [E("F1", "F2", "F3"), E("F4", "F5", "F6")])

case("ticket_serial_date_inconsistent", [
    L("P1", "travel_intercity", payee="铁路局", invoice_type="train_ticket", invoice_no="100", invoice_date="2025-03-05"),
    L("F1", "travel_intercity", payee="铁路局", invoice_type="train_ticket", invoice_no="101", invoice_date="2025-03-04"),
    L("P2", "travel_intercity", payee="铁路局", invoice_type="train_ticket", invoice_no="102", invoice_date="2025-03-06"),
    L("P3", "travel_intercity", payee="汽车站", invoice_type="bus_ticket", invoice_no="5", invoice_date="2025-03-01"),
    L("N1", "travel_intercity", payee="汽车站", invoice_type="bus_ticket", invoice_no="5", invoice_date=""),
    L("X1", "office", payee="铁路局", invoice_no="99", invoice_date="2025-03-09"),
], [E("F1")])

case("condolence_over_standard", [
    L("P1", "condolence", "1000.00", recipients=2),
    L("F1", "condolence", "1000.01", recipients=2),
    L("N1", "condolence", "1000.00", recipients=""),
], [E("F1", stake="0.01")])

case("festival_benefit", [
    L("F1", "welfare", "800.00", summary="中秋节月饼", event_date="2025-09-16"),    # 15 days before 10-01
    L("P1", "welfare", "800.00", summary="中秋节月饼", event_date="2025-09-15"),    # 16 days before
    L("F2", "allowance", "600.00", summary="端午粽子", event_date="2025-06-15"),    # 15 days after 05-31
    L("P2", "bonus", "600.00", summary="年度考核奖", event_date="2025-10-02"),      # no keyword
    L("X1", "office", "600.00", summary="月饼", event_date="2025-10-02"),
    L("N1", "other", "600.00", summary="", event_date="2025-10-02"),
], [E("F1", stake="800.00"), E("F2", stake="600.00")])

case("meeting_over_cap", [
    L("P1", "meeting", "11000.00", meeting_class=3, attendees=10, days=2, event_date="2025-03-10"),
    L("F1", "meeting", "11000.01", meeting_class=3, attendees=10, days=2, event_date="2025-03-10"),
    L("N1", "meeting", "11000.01", meeting_class="", attendees=10, days=2, event_date="2025-03-10"),
], [E("F1", stake="0.01")])

case("meeting_too_long", [
    L("P1", "meeting", meeting_class=2, days=2), L("F1", "meeting", meeting_class=2, days=3),
    L("P2", "meeting", meeting_class=1, days=3), L("N1", "meeting", meeting_class=4, days=""),
], [E("F1")])

case("training_over_cap", [
    L("P1", "training", "33770.00", training_class=3, attendees=2, days=31),   # 550 × 2 × (30 + 0.7)
    L("F1", "training", "33770.01", training_class=3, attendees=2, days=31),
    L("N1", "training", "100.00", training_class=3, attendees="", days=2),
], [E("F1", stake="0.01")])

case("cash_over_limit", [
    L("P1", amount="1000.00", payment_method="cash"), L("F1", amount="1000.01", payment_method="现金"),
    L("P2", amount="3000.00", payment_method="card"), L("N1", payment_method=""),
], [E("F1", stake="0.01")])

case("major_matter_without_resolution", [
    L("F1", "project", "20000.00", org="U1", resolution_ref=""),
    L("P1", "project", "20000.00", org="U1", resolution_ref="村民代表会议决议〔2025〕3号"),
    L("X1", "project", "20000.00", org="U2", resolution_ref=""),
    L("N1", "land_compensation", "20000.00", org="U9", resolution_ref=""),
], [E("F1", stake="20000.00")], units=UNITS)

case("loan_not_repaid", [
    L("P1", "loan_out", "1000.00", person_code="A"), L("X1", "loan_repay", "1000.00", person_code="A"),
    L("F1", "loan_out", "1000.00", person_code="B"), L("X2", "loan_repay", "500.00", person_code="B"),
    L("F2", "loan_out", "700.00", person_code="C", vdate="2024-12-20"),
    L("X3", "loan_repay", "700.00", person_code="C", vdate="2025-01-05"),
    L("N1", "loan_out", "100.00", person_code=""),
], [E("F1", stake="500.00"), E("F2", stake="700.00")])

case("benford_nonconformity",
     [L(f"F{i:03d}", amount=f"{900 + i}.00") for i in range(300)]   # every first digit is 9 or 1
     + [L(f"N{i:03d}", org="U2", amount=f"{100 + i}.00") for i in range(20)]
     + [L("X1", org="U2", amount="9.99")],
     [E(), E()])   # U1 2025 and the county as a whole; benford findings name no lines

case("voucher_number_gap", [
    L("P0", voucher_no="记-2025-0001"), L("F2", voucher_no="记-2025-0002"), L("F3", voucher_no="记-2025-0005"),
    L("P1", org="U2", voucher_no="记-2025-0001"), L("P2", org="U2", voucher_no="记-2025-0002"),
    L("N1", org="U3", voucher_no="记-无号"),
], [E("F2", "F3")])

case("bookkeeping_gap", [
    L("P1", vdate="2025-01-01"), L("P2", vdate="2025-03-02"),                      # 60 days
    L("F1", org="U2", vdate="2025-01-01"), L("F2", org="U2", vdate="2025-03-03"),  # 61 days
], [E("F1", "F2")])

case("near_threshold_amounts", [
    L("F1", amount="4750.00"), L("F2", amount="4999.99"), L("F3", amount="4800.00"), L("P1", amount="4749.99"),
    L("P2", amount="5000.00"),
    L("P3", org="U2", amount="4900.00"), L("P4", org="U2", amount="4900.00"),
], [E("F1", "F2", "F3")])

case("round_amounts",
     [L(f"F{i:02d}", amount=f"{(i + 1) * 1000}.00") for i in range(11)]
     + [L(f"P{i:02d}", amount=f"{1000 + i}.50") for i in range(39)]                # 11 of 50 ≥ 1000: 22 %
     + [L(f"Q{i:02d}", org="U2", amount=f"{(i + 1) * 1000}.00") for i in range(10)]
     + [L(f"R{i:02d}", org="U2", amount=f"{1000 + i}.50") for i in range(40)]      # 10 of 50: exactly 20 %
     + [L(f"N{i:02d}", org="U3", amount="5000.00") for i in range(5)],
     [E(*[f"F{i:02d}" for i in range(11)])])


def _voucher_numbers(rows):
    # consecutive voucher numbers per unit-year unless a case sets them, so voucher_number_gap stays quiet
    seq: dict[tuple, int] = {}
    for r in rows:
        if r.get("voucher_no"):
            continue
        key = (r["org_code"], r["voucher_date"][:4])
        seq[key] = seq.get(key, 0) + 1
        r["voucher_no"] = f"记-{key[1]}-{seq[key]:04d}"


def write_all(root: Path = HERE) -> None:
    for rule, spec in CASES.items():
        d = root / rule
        d.mkdir(parents=True, exist_ok=True)
        rows = [dict(r) for r in spec["lines"]]
        _voucher_numbers(rows)
        with (d / "lines.csv").open("w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, fieldnames=COLUMNS)
            w.writeheader()
            for r in rows:
                w.writerow({k: ("" if r.get(k) is None else r.get(k)) for k in COLUMNS})
        for name in ("units", "fleet"):
            if spec[name]:
                with (d / f"{name}.csv").open("w", encoding="utf-8", newline="") as f:
                    w = csv.DictWriter(f, fieldnames=list(spec[name][0]))
                    w.writeheader()
                    w.writerows(spec[name])
        findings = _with_message_snapshots(rule, d, spec["expected"])
        (d / "expected.json").write_text(json.dumps({"rule": rule, "provenance": PROVENANCE, "findings": findings},
                                                    ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


PROVENANCE = {
    "line_ids": "specification (tests/engine/golden_cases.py)",
    "amount_at_stake": "specification (tests/engine/golden_cases.py)",
    "message": "snapshot of the engine's output, taken by python -m tests.engine.golden_cases",
}


class SpecificationMismatch(Exception):
    """The rule's output differs from the hand-written specification: fix the rule or the case, never the file."""


def _with_message_snapshots(rule: str, d: Path, expected: list[dict]) -> list[dict]:
    """The specified findings, each with the message the engine gives it (checked to be the same findings)."""
    from tests.engine.conftest import audit_dir  # the engine's own test path: loads the fixture as the CLI does

    result = audit_dir(d, rules=[rule])
    produced = {}
    for f in result.findings:
        if f.rule != rule:
            continue
        stake = None if f.amount_at_stake is None else f"{f.amount_at_stake:.2f}"
        produced.setdefault((tuple(sorted(f.line_ids)), stake), []).append({"zh": f.zh, "en": f.en})
    wanted = sorted((tuple(e["line_ids"]), e["amount_at_stake"]) for e in expected)
    got = sorted(key for key, messages in produced.items() for _ in messages)
    if got != wanted:
        raise SpecificationMismatch(f"{rule}: the rule produces {got}, the specification says {wanted}")
    out = []
    for e in expected:
        message = produced[(tuple(e["line_ids"]), e["amount_at_stake"])].pop(0)
        out.append({"line_ids": e["line_ids"], "amount_at_stake": e["amount_at_stake"], "message": message})
    return out


if __name__ == "__main__":
    write_all()
