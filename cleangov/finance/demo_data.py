"""Demo vouchers: two years (2024–2025) of books for every unit of the demo county, with a few percent
of planted anomalies of every rule, then one county-wide audit run so findings exist after ``make demo``.

Lines are generated already typed (no file parsing) and written through the same import action as an
upload (``plan_import`` + ``do_import_batch``: one batch per township agency centre and per department),
so batches, periods and the audit trail look like real imports. Amounts are Decimal, payees are hotels,
restaurants, fuel stations and shops, and handlers, witnesses, approvers and claimants are the demo
people holding posts in each unit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import time
from collections import defaultdict
from decimal import Decimal

import pyarrow as pa

from cleangov.orgs.models import Post, Unit

from . import engine as E
from .actions import do_create_audit_run, do_import_batch, do_set_finance_profile, execute_audit_run
from .choices import AuditRunTriggerChoices, ImportBatchSourceChoices
from .imports import plan_import
from .models import FinanceProfile, Finding

YEARS = (2024, 2025)
# lines per unit and year (normal size ≈ 184 units × 2 years × 545 ≈ 200,000 lines)
LINES_PER_UNIT_YEAR = {"tiny": 40, "normal": 545, "large": 545}
ANOMALY_RATE = 0.035
HOTELS = ["南宁明园新都酒店", "南宁沃顿国际大酒店", "广西沙井国际大酒店", "南宁邕州饭店", "锦江之星南宁民族大道店",
          "如家酒店南宁朝阳广场店", "汉庭酒店南宁火车站店", "南宁荔园山庄"]
RESTAURANTS = ["清河县老友粉店", "清河县农家乐饭庄", "清河县迎宾楼酒家", "清河县壮乡风味餐厅", "清河县机关食堂"]
FUEL = ["中国石化清河城关加油站", "中国石油清河龙泉加油站", "中国石化南宁江南加油站"]
REPAIR = ["清河县通达汽车维修厂", "清河县顺风汽修中心"]
SHOPS = ["清河县文具办公用品店", "清河县百货商场", "清河县华联超市", "广西新华书店清河分店", "清河县电脑耗材经营部",
         "清河县建材五金店", "清河县印刷厂"]
CONTRACTORS = ["清河县第一建筑工程公司", "清河县路桥工程有限公司", "广西清河水利建设有限公司", "清河县绿化工程队"]
MEETING_VENUES = ["清河县宾馆会议中心", "清河县党校"]
RAIL = "中国铁路南宁局集团有限公司"
BUS = "清河县汽车客运站"
CITY_OTHER = ["柳州市", "桂林市", "玉林市", "百色市"]
LEVEL_WEIGHTS = {
    "village": {"office": 26, "project": 12, "subsidy_distribution": 6, "land_compensation": 2, "asset_disposal": 2,
                "condolence": 7, "allowance": 10, "welfare": 3, "travel": 6, "other": 12, "loan": 2, "training": 2},
    "township": {"office": 20, "travel": 18, "vehicle": 14, "reception": 6, "meeting": 5, "training": 4,
                 "condolence": 3, "allowance": 7, "bonus": 2, "welfare": 2, "other": 10, "project": 7, "loan": 2},
}
LEVEL_WEIGHTS["department"] = LEVEL_WEIGHTS["township"]
RULE_CATEGORY = {
    "lodging_over_cap": "travel_lodging", "nights_exceed_trip": "travel_lodging", "meal_allowance_over_standard":
    "travel_meal", "local_transport_over_standard": "travel_local_transport", "invoice_outside_trip": "travel_lodging",
    "travel_class_above_rank": "travel_intercity", "reception_without_letter": "reception",
    "reception_companions_excess": "reception", "reception_per_capita_over_cap": "reception",
    "reception_same_city": "reception", "village_reception": "reception", "vehicle_use_on_rest_day": "vehicle_fuel",
    "vehicle_not_in_fleet": "vehicle_fuel", "missing_signature": "office", "iou_receipt": "office",
    "post_hoc_approval": "meeting", "cross_year_invoice": "office", "self_approval": "office", "late_booking": "office",
    "duplicate_invoice": "office", "split_payment": "office", "consecutive_invoice_numbers": "office",
    "ticket_serial_date_inconsistent": "travel_intercity", "condolence_over_standard": "condolence",
    "festival_benefit": "welfare", "meeting_over_cap": "meeting", "meeting_too_long": "meeting",
    "training_over_cap": "training", "cash_over_limit": "office", "major_matter_without_resolution": "project",
    "loan_not_repaid": "loan_out", "near_threshold_amounts": "office",
}
VILLAGE_ONLY = {"major_matter_without_resolution", "village_reception"}
NOT_AT_VILLAGES = {"reception_without_letter", "reception_companions_excess", "reception_per_capita_over_cap",
                   "reception_same_city", "vehicle_use_on_rest_day", "vehicle_not_in_fleet", "meeting_over_cap",
                   "meeting_too_long", "post_hoc_approval"}
CENT = Decimal("0.01")


def money(x: float) -> Decimal:
    return Decimal(str(round(x, 2))).quantize(CENT)


class UnitBooks:
    """Generates one unit's lines: clean by construction, then a share replaced by planted anomalies."""

    def __init__(self, unit, people, plates, rest_days, rng, counter):
        self.unit, self.people, self.plates, self.rest, self.rng = unit, people, plates, rest_days, rng
        self.counter = counter  # shared: invoice numbers are unique county-wide
        self.rows: list[dict] = []
        self.level = unit.level if unit.level in LEVEL_WEIGHTS else "township"
        weights = LEVEL_WEIGHTS[self.level]
        if not plates:
            weights = {k: v for k, v in weights.items() if k != "vehicle"}
        self.cats, self.weights = list(weights), list(weights.values())

    # -- helpers
    def invoice_no(self) -> str:
        self.counter[0] += 1
        return f"{(self.counter[0] * 7919 + 13) % 100_000_000:08d}"

    def workday_near(self, d: dt.date) -> dt.date:
        while d in self.rest:
            d -= dt.timedelta(days=1)
        return d

    def signatures(self) -> tuple[str, str, str]:
        names = self.people["names"]
        if len(names) >= 3:
            handler, witness = self.rng.sample(names[1:], 2) if len(names) > 3 else (names[1], names[2])
            return handler, witness, names[0]
        return "韦会计", "覃出纳", "蒙主任"

    def base(self, d: dt.date, category: str, amount: Decimal, payee: str, summary: str) -> dict:
        handler, witness, approver = self.signatures()
        inv_date = max(d - dt.timedelta(days=self.rng.randint(0, 12)), dt.date(d.year, 1, 1))
        return {"category": category, "amount": amount, "payee": payee, "summary": summary, "voucher_date": d,
                "invoice_code": f"0450{self.rng.randint(10000000, 99999999)}", "invoice_no": self.invoice_no(),
                "invoice_date": inv_date, "invoice_type": self.rng.choice(["e_invoice", "vat_normal"]),
                "person_code": self.rng.choice(self.people["codes"]) if self.people["codes"] else None,
                "person_rank": "other", "handler": handler, "witness": witness, "approver": approver,
                "approval_date": inv_date, "payment_method": self.rng.choice(["bank", "card"])}

    def clean(self, d: dt.date, kind: str) -> dict:
        r = self.rng
        if kind == "travel":
            kind = r.choice(["travel_lodging", "travel_meal", "travel_local_transport", "travel_intercity"])
        if kind == "vehicle":
            kind = r.choice(["vehicle_fuel", "vehicle_fuel", "vehicle_toll", "vehicle_repair", "vehicle_parking"])
        if kind == "loan":
            kind = "loan_out"
        if kind.startswith("travel_"):
            nights = r.randint(1, 3)
            start = d - dt.timedelta(days=r.randint(3, 20))
            start = max(start, dt.date(d.year, 1, 2))
            end = start + dt.timedelta(days=nights)
            days = nights + 1
            amount, payee, summary = {
                "travel_lodging": (money(nights * r.uniform(180, 345)), r.choice(HOTELS), "赴南宁参加培训住宿费"),
                "travel_meal": (money(days * 100), "", "出差伙食补助"),
                "travel_local_transport": (money(days * 80), "", "出差市内交通费"),
                "travel_intercity": (money(r.uniform(45, 160)), RAIL, "往返南宁高铁票"),
            }[kind]
            row = self.base(d, kind, amount, payee, summary)
            row.update(destination="南宁市", trip_start=start, trip_end=end, approval_date=start - dt.timedelta(days=2),
                       invoice_date=end)
            if kind == "travel_lodging":
                row["nights"] = nights
            if kind == "travel_intercity":
                row.update(travel_mode="high_speed_rail", travel_class="second")
            if kind in ("travel_meal", "travel_local_transport"):
                row.update(invoice_type="none", invoice_code=None, invoice_no=None, invoice_date=None)
            return row
        if kind.startswith("vehicle_"):
            event = self.workday_near(d - dt.timedelta(days=r.randint(0, 5)))
            event = max(event, dt.date(d.year, 1, 4))
            payee = r.choice(REPAIR if kind == "vehicle_repair" else FUEL)
            amount = money(r.uniform(150, 600) if kind != "vehicle_repair" else r.uniform(300, 2800))
            summary = {"vehicle_fuel": "公务用车加油", "vehicle_toll": "公务用车通行费",
                       "vehicle_repair": "公务用车维修",
                       "vehicle_parking": "停车费"}[kind]
            row = self.base(d, kind, amount, payee, summary)
            row.update(vehicle_plate=r.choice(self.plates), event_date=event, invoice_date=event, approval_date=event)
            return row
        if kind == "reception":
            guests, hosts = r.randint(2, 8), r.randint(1, 3)
            event = d - dt.timedelta(days=r.randint(0, 5))
            event = max(event, dt.date(d.year, 1, 1))
            row = self.base(d, kind, money((guests + hosts) * r.uniform(60, 115)), r.choice(RESTAURANTS),
                            "接待市农业农村局调研组工作餐")
            row.update(guests=guests, hosts=hosts, guest_origin_city=r.choice(CITY_OTHER), event_date=event,
                       official_letter=f"农函〔{d.year}〕{r.randint(1, 99)}号", invoice_date=event,
                       approval_date=event - dt.timedelta(days=1))
            return row
        if kind in ("meeting", "training"):
            attendees, days = r.randint(15, 60), r.randint(1, 2)
            event = max(d - dt.timedelta(days=r.randint(0, 5)), dt.date(d.year, 1, 2))
            row = self.base(d, kind, money(attendees * days * r.uniform(120, 500)), r.choice(MEETING_VENUES),
                            "党风廉政建设工作会议" if kind == "meeting" else "村干部业务培训")
            row.update(attendees=attendees, days=days, event_date=event, invoice_date=event,
                       approval_date=event - dt.timedelta(days=3))
            row["meeting_class" if kind == "meeting" else "training_class"] = 3
            return row
        if kind == "condolence":
            n = r.randint(1, 6)
            return {**self.base(d, kind, money(n * r.uniform(200, 500)), "困难群众", "走访慰问困难群众"),
                    "recipients": n, "invoice_type": "receipt_other"}
        if kind in ("allowance", "bonus", "welfare"):
            summary = {"allowance": "村干部误工补贴", "bonus": "年度考核奖励", "welfare": "职工体检费"}[kind]
            n = r.randint(1, 8)
            return {**self.base(d, kind, money(n * r.uniform(80, 350)), r.choice(self.people["names"] or ["职工"]),
                                summary), "recipients": n, "invoice_type": "receipt_other"}
        if kind in ("project", "subsidy_distribution", "land_compensation", "asset_disposal"):
            summary = {"project": "村道硬化工程进度款", "subsidy_distribution": "发放种粮补贴",
                       "land_compensation": "征地青苗补偿", "asset_disposal": "处置旧办公设备"}[kind]
            row = self.base(d, kind, money(math.exp(r.uniform(math.log(5200), math.log(90000)))),
                            r.choice(CONTRACTORS), summary)
            row["resolution_ref"] = f"村民代表会议决议〔{d.year}〕{r.randint(1, 20)}号"
            return row
        if kind == "loan_out":
            row = self.base(d, kind, money(r.uniform(500, 3000)), "", "个人借支差旅费")
            return {**row, "invoice_type": "receipt_other"}
        # office and other: log-uniform amounts, as real small purchases are (close to Benford's law)
        amount = money(math.exp(r.uniform(math.log(30), math.log(1500))))
        return self.base(d, "office" if kind == "office" else "other", amount, r.choice(SHOPS),
                         "购买办公用品" if kind == "office" else "其他零星支出")

    def add(self, row: dict) -> None:
        self.rows.append(row)

    def plant(self, rule: str, d: dt.date) -> None:
        """Replace one clean line by an anomaly of ``rule`` (some rules need two or three lines)."""
        r = self.rng
        row = self.clean(d, RULE_CATEGORY[rule])
        if rule == "lodging_over_cap":
            row["amount"] = money(row["nights"] * r.uniform(420, 680))
        elif rule == "nights_exceed_trip":
            row["nights"] += 2
        elif rule == "meal_allowance_over_standard":
            row["amount"] += money(r.choice([50, 100, 150]))
        elif rule == "local_transport_over_standard":
            row["amount"] += money(r.choice([40, 80, 120]))
        elif rule == "invoice_outside_trip":
            row["invoice_date"] = row["trip_end"] + dt.timedelta(days=r.randint(5, 20))
        elif rule == "travel_class_above_rank":
            row.update(travel_class=r.choice(["first", "business"]), amount=money(r.uniform(200, 500)))
        elif rule == "reception_without_letter":
            row["official_letter"] = None
        elif rule == "reception_companions_excess":
            row["hosts"] = row["guests"] // 2 + 4
        elif rule == "reception_per_capita_over_cap":
            row["amount"] = money((row["guests"] + row["hosts"]) * r.uniform(160, 300))
        elif rule == "reception_same_city":
            row["guest_origin_city"] = self.unit.city
        elif rule in ("vehicle_use_on_rest_day",):
            sat = row["event_date"] + dt.timedelta(days=(5 - row["event_date"].weekday()) % 7)
            sat = sat if sat.year == d.year and sat <= d else row["event_date"] - dt.timedelta(
                days=row["event_date"].weekday() + 1)
            row.update(event_date=sat, invoice_date=sat, approval_date=sat)
        elif rule == "vehicle_not_in_fleet":
            row["vehicle_plate"] = f"桂A{r.randint(10000, 99999)}"
        elif rule == "missing_signature":
            row[r.choice(["handler", "witness", "approver"])] = None
        elif rule == "iou_receipt":
            row.update(invoice_type="iou", invoice_code=None, invoice_no=None, summary="借条：购买办公用品")
        elif rule == "post_hoc_approval":
            row["approval_date"] = row["event_date"] + dt.timedelta(days=r.randint(2, 10))
        elif rule == "cross_year_invoice":
            row["voucher_date"] = dt.date(d.year, 1, r.randint(3, 25)) if d.year > YEARS[0] else d
            row["invoice_date"] = dt.date(row["voucher_date"].year - 1, 12, r.randint(5, 28))
            row["approval_date"] = row["invoice_date"]
        elif rule == "self_approval":
            row["approver"] = row["handler"]
        elif rule == "late_booking":
            row["invoice_date"] = d - dt.timedelta(days=r.randint(100, 200))
            row["approval_date"] = row["invoice_date"]
        elif rule == "duplicate_invoice" and self.rows:
            prev = r.choice(self.rows[-50:])
            if prev.get("invoice_no"):
                row.update(invoice_code=prev["invoice_code"], invoice_no=prev["invoice_no"])
        elif rule == "split_payment":
            payee = r.choice(SHOPS)
            for k in range(3):
                part = self.clean(d - dt.timedelta(days=k * 2), "office")
                part.update(payee=payee, amount=money(r.uniform(1800, 4900)), summary="采购办公设备（分次支付）")
                self.add(part)
            return
        elif rule == "consecutive_invoice_numbers":
            payee, code, start = r.choice(SHOPS), f"0450{r.randint(10000000, 99999999)}", r.randint(10**6, 10**7)
            for k in range(3):
                part = self.clean(d - dt.timedelta(days=k * 3), "office")
                part.update(payee=payee, invoice_code=code, invoice_no=str(start + k))
                self.add(part)
            return
        elif rule == "ticket_serial_date_inconsistent":
            code = f"R{r.randint(100000, 999999)}"
            a, b = self.clean(d, "travel_intercity"), self.clean(d, "travel_intercity")
            a.update(invoice_type="train_ticket", invoice_code=code, invoice_no=str(500), payee=RAIL)
            b.update(invoice_type="train_ticket", invoice_code=code, invoice_no=str(400), payee=RAIL)
            b["invoice_date"] = a["invoice_date"] + dt.timedelta(days=10)
            b["trip_end"] = b["invoice_date"]
            b["voucher_date"] = max(b["voucher_date"], b["invoice_date"])
            self.add(a)
            self.add(b)
            return
        elif rule == "condolence_over_standard":
            row["amount"] = money(row["recipients"] * r.uniform(700, 1200))
        elif rule == "festival_benefit":
            first = dt.date(2024, 9, 15) if d.year == 2024 else dt.date(2025, 10, 1)
            day = first - dt.timedelta(days=r.randint(1, 10))
            row.update(summary=r.choice(["中秋节发放月饼", "发放过节费", "购买购物卡节日慰问"]), voucher_date=day,
                       invoice_date=day, approval_date=day)
        elif rule == "meeting_over_cap":
            row["amount"] = money(row["attendees"] * row["days"] * r.uniform(600, 900))
        elif rule == "meeting_too_long":
            row["days"] = r.randint(3, 5)
        elif rule == "training_over_cap":
            row["amount"] = money(row["attendees"] * row["days"] * r.uniform(600, 900))
        elif rule == "cash_over_limit":
            row.update(payment_method="cash", amount=money(r.uniform(1100, 3000)))
        elif rule == "major_matter_without_resolution":
            row["resolution_ref"] = None
        elif rule == "loan_not_repaid":
            pass  # a loan_out line with no repayment that year
        elif rule == "near_threshold_amounts":
            for _k in range(3):
                part = self.clean(d, "office")
                part.update(amount=money(r.uniform(4760, 4995)), payee=r.choice(CONTRACTORS),
                            summary="零星维修工程款")
                self.add(part)
            return
        elif rule == "village_reception":
            row["official_letter"] = row.get("official_letter") or "乡函〔2025〕1号"
        self.add(row)

    def generate(self, per_year: int, rules: list[str]) -> list[dict]:
        r = self.rng
        for year in YEARS:
            start = dt.date(year, 1, 2)
            span = (dt.date(year, 12, 28) - start).days
            days = sorted(start + dt.timedelta(days=r.randint(0, span)) for _ in range(per_year))
            loans = []
            for d in days:
                if r.random() < ANOMALY_RATE:
                    self.plant(r.choice(rules), d)
                    continue
                row = self.clean(d, r.choices(self.cats, self.weights)[0])
                self.add(row)
                if row["category"] == "loan_out":
                    loans.append(row)
            for loan in loans:  # clean loans are repaid within the year
                repay_day = min(loan["voucher_date"] + dt.timedelta(days=r.randint(5, 40)), dt.date(year, 12, 30))
                repay = self.base(repay_day, "loan_repay", loan["amount"], "", "归还借支")
                repay.update(person_code=loan["person_code"], invoice_type="receipt_other")
                self.add(repay)
        # one line per voucher, numbered per unit and year in date order
        self.rows.sort(key=lambda x: x["voucher_date"])
        seq: dict[int, int] = defaultdict(int)
        for i, row in enumerate(self.rows, start=1):
            y = row["voucher_date"].year
            seq[y] += 1
            row["voucher_no"] = f"记-{y}-{seq[y]:04d}"
            row["line_id"] = f"{self.unit.code}-{i:06d}"
            row["org_code"] = self.unit.code
        return self.rows


def _people(units) -> dict[int, dict]:
    out: dict[int, dict] = {u.pk: {"names": [], "codes": []} for u in units}
    for unit_id, name, code in (Post.objects.filter(unit__in=units, end_date__isnull=True)
                                .order_by("unit_id", "post_type", "pk").values_list("unit_id", "person__name",
                                                                                    "person__code")):
        if name not in out[unit_id]["names"]:
            out[unit_id]["names"].append(name)
            out[unit_id]["codes"].append(code)
    return out


def _table(rows: list[dict]) -> pa.Table:
    cols = {c: pa.array([row.get(c) for row in rows], E.LINE_SCHEMA.field(c).type) for c in E.LINE_FIELDS}
    cols["_row"] = pa.array(range(2, len(rows) + 2), pa.int64())
    return pa.table(cols)


def build(context) -> None:
    started = time.monotonic()
    rng = context.rng
    county = context.county
    std = E.load_standards("central", dt.date(2025, 12, 31))
    from voucher_audit.standards import calendar_days

    rest = {d for d, is_rest, _name in calendar_days(std) if is_rest}
    units = list(Unit.objects.filter(path__startswith=county.path).exclude(level__in=["county", "group"])
                 .order_by("path"))
    if FinanceProfile.objects.filter(unit__in=units).exists():
        return
    people = _people(units)
    plates: dict[int, list[str]] = {}
    for i, u in enumerate(units):
        if u.level == "village":
            budget, fleet = Decimal("0.00"), []
        else:
            fleet = [f"桂A{rng.choice('DFGHJKL')}{rng.randint(1000, 9999)}" for _ in range(rng.randint(1, 3))]
            # a few units get a budget the year's receptions exceed (reception_annual_budget_exceeded)
            budget = Decimal("4000.00") if i % 9 == 4 else Decimal("60000.00")
        plates[u.pk] = fleet
        do_set_finance_profile(u, acting_user=None, reception_budget=budget, fleet_plates=fleet)
    per_year = LINES_PER_UNIT_YEAR.get(context.size, LINES_PER_UNIT_YEAR["normal"])
    counter = [0]
    by_scope: dict[int, list[dict]] = defaultdict(list)
    scope_of: dict[int, Unit] = {}
    for u in units:
        rules = [r for r in RULE_CATEGORY
                 if (u.level == "village" or r not in VILLAGE_ONLY) and (u.level != "village" or r not in
                                                                       NOT_AT_VILLAGES)
                 and (plates[u.pk] or not r.startswith("vehicle"))]
        books = UnitBooks(u, people[u.pk], plates[u.pk], rest, rng, counter)
        rows = books.generate(per_year, rules)
        # a few villages leave a hole in their numbering or in their bookkeeping (set rules)
        if u.level == "village" and u.pk % 17 == 3:
            rows = [row for k, row in enumerate(rows) if k % 97 != 50]
        if u.pk % 19 == 7:  # round thousands (round_amounts): a sign of made-up amounts
            for row in rows:
                if row["amount"] >= 1000 and rng.random() < 0.5:
                    row["amount"] = (row["amount"] / 1000).quantize(Decimal(1)) * 1000
        if u.level == "village" and u.pk % 23 == 5:
            rows = [row for row in rows if not (dt.date(2025, 4, 1) <= row["voucher_date"] <= dt.date(2025, 6, 15))]
        scope = u if u.level == "department" else (u if u.level == "township" else Unit.objects.get(pk=u.parent_id))
        scope_of[scope.pk] = scope
        by_scope[scope.pk].extend(rows)
    total = 0
    accountant = context.users.get("accountant")
    for scope_id, rows in by_scope.items():
        scope = scope_of[scope_id]
        table = _table(rows)
        parsed = E.Parsed(f"demo-{scope.code}-2024-2025.xlsx", list(E.LINE_FIELDS), len(rows), table=table)
        sha = hashlib.sha256(f"demo:{scope.code}:{len(rows)}:{rows[0]['line_id']}".encode()).hexdigest()
        plan = plan_import(parsed, scope_unit=scope, sha256=sha)
        user = accountant if accountant is not None and _assigned(accountant, scope) else None
        do_import_batch(plan, acting_user=user, sha256=sha, source=ImportBatchSourceChoices.DEMO)
        total += len(rows)
    context.log(f"finance: {total} voucher lines in {len(by_scope)} batches ({time.monotonic() - started:.1f} s)")
    step = time.monotonic()
    run = do_create_audit_run(acting_user=None, scope_unit=county, trigger=AuditRunTriggerChoices.DEMO)
    run = execute_audit_run(run, acting_user=None)
    context.log(f"finance: audit run #{run.pk}: {run.findings_total} findings in {run.lines} lines "
                f"({time.monotonic() - step:.1f} s)")
    _confirm_some(context)


# Findings the demo confirms, one per village of the first townships, these rules first (money and
# paperwork), so rectification has items with and without money to recover.
DEMO_CONFIRM_RULES = ("iou_receipt", "festival_benefit", "missing_signature", "meeting_over_cap",
                      "post_hoc_approval", "condolence_over_standard")
DEMO_CONFIRMED = {"tiny": 4, "small": 8}


def _confirm_some(context) -> None:
    """Confirm a few findings the way a township discipline secretary does, naming the village's party
    secretary responsible (confirmation hands the problem to rectification). A reviewer who is related
    to the village secretary (a planted conflict) is refused by the conflict check; the county
    commission then confirms instead."""
    from cleangov.orgs.choices import PostTypeChoices
    from cleangov.orgs.conflicts import ConflictOfInterest

    from .actions import FindingActionError, do_confirm_finding

    wanted = DEMO_CONFIRMED.get(context.size, 12)
    villages = list(Unit.objects.filter(path__startswith=context.county.path, level="village").order_by("path"))
    confirmed = 0
    for k, village in enumerate(villages):
        if confirmed >= wanted:
            break
        post = (Post.objects.filter(unit=village, post_type=PostTypeChoices.VILLAGE_PARTY_SECRETARY,
                                    end_date__isnull=True).select_related("person").first())
        if post is None:
            continue
        candidates = (Finding.objects.filter(unit=village, status="open", current=True)
                      .exclude(subject_links__person=post.person).order_by("pk"))
        finding = candidates.filter(rule__in=DEMO_CONFIRM_RULES).first() or candidates.first()
        if finding is None:
            continue
        due = context.today + dt.timedelta(days=20 + 5 * k)
        for reviewer in (context.users.get("township_discipline"), context.users.get("county_commission")):
            if reviewer is None or not _assigned(reviewer, village):
                continue
            try:
                do_confirm_finding(finding, acting_user=reviewer, reason="经核实，问题属实，请限期整改。",
                                   responsible_person=post.person, due_date=due)
            except (ConflictOfInterest, FindingActionError):
                continue
            confirmed += 1
            break
    context.log(f"finance: {confirmed} findings confirmed for rectification")


def _assigned(user, unit) -> bool:
    return any(unit.path.startswith(a.unit.path) for a in user.role_assignments.select_related("unit"))


def import_village_payments(unit_id: int, payments: list[dict]) -> int:
    """Demo only: import a village's payments (dicts with voucher_date, category, amount, payee, summary and
    resolution_ref) as one demo batch of its township's agency centre, then audit the village, so that
    another app's demo can show its records against the books (the democracy demo's decisions). The
    lines are otherwise clean (signed, invoiced, paid by bank). Returns the audit run's findings."""
    unit = Unit.objects.get(pk=unit_id)
    scope = Unit.objects.get(pk=unit.parent_id) if unit.parent_id else unit
    rows = []
    for i, p in enumerate(payments, start=1):
        day = p["voucher_date"]
        rows.append({"line_id": f"DM-{unit.code}-{i:03d}", "org_code": unit.code,
                     "voucher_no": f"记-{day.year}-D{i:03d}", "voucher_date": day, "category": p["category"],
                     "amount": p["amount"], "payee": p["payee"], "summary": p["summary"],
                     "invoice_code": f"04500{1900 + i}111", "invoice_no": f"{7130000 + i * 7919}",
                     "invoice_date": day, "invoice_type": "vat_normal", "person_rank": "other",
                     "handler": "韦会计", "witness": "覃出纳", "approver": "蒙主任", "approval_date": day,
                     "payment_method": "bank", "resolution_ref": p.get("resolution_ref") or None})
    parsed = E.Parsed(f"demo-{unit.code}-major-matters.xlsx", list(E.LINE_FIELDS), len(rows), table=_table(rows))
    sha = hashlib.sha256(f"demo-major:{unit.code}:{len(rows)}".encode()).hexdigest()
    plan = plan_import(parsed, scope_unit=scope, sha256=sha)
    do_import_batch(plan, acting_user=None, sha256=sha, source=ImportBatchSourceChoices.DEMO)
    run = do_create_audit_run(acting_user=None, scope_unit=scope, trigger=AuditRunTriggerChoices.DEMO,
                              unit_ids=[unit.pk])
    return execute_audit_run(run, acting_user=None).findings_total
