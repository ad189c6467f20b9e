"""Synthetic voucher lines with planted anomalies, generated inside DuckDB (10 M lines in seconds).

    python -m benchmarks.generate N OUT.parquet [--units units.csv] [--fleet fleet.csv]

Deterministic: the same N gives the same file. Clean lines are built to pass every rule (amounts are a cap
times 10^-u, which keeps them under the cap and makes first digits follow Benford's law; vouchers are dated on
working days; ticket serials follow their dates); then each rule gets a few per cent of planted anomalies among
the lines it applies to (about 1–3 %; unit-level rules: a few units). `python -m benchmarks.generate N OUT
--rates` prints the flagged share per rule.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
from pathlib import Path

import duckdb

N_UNITS = 200
YEAR = 2025
CATS = ["travel_lodging", "travel_meal", "travel_local_transport", "travel_intercity", "reception", "vehicle_fuel",
        "vehicle_repair", "vehicle_toll", "vehicle_parking", "condolence", "allowance", "bonus", "welfare", "meeting",
        "training", "office", "office", "office", "project", "subsidy_distribution", "loan_out", "loan_repay", "other",
        "office"]
LODGING = (("北京", 500), ("西宁", 350), ("南宁", 350))  # the central pack's normal caps for 'other' staff
MEETING_CAP = {2: 650, 3: 550, 4: 550}
VILLAGE_EVERY = 20
PAYMENTS_PER_SUPPLIER = 17  # a year, to one regular supplier of one unit  # every 20th unit is a village (5 %; villages keep zero reception)


def _u(k: int) -> str:
    """A uniform pseudo-random number in [0, 1) from the row number and a salt."""
    return f"((hash(i, {k}) % 1000003) / 1000003.0)"


def _working_days() -> list[dt.date]:
    from voucher_audit import standards

    std = standards.load("central", dt.date(YEAR, 6, 1))
    return [d for d, rest, _ in standards.calendar_days(std) if d.year == YEAR and not rest]


def lines_sql(n: int) -> str:
    cats = "[" + ", ".join(f"'{c}'" for c in CATS) + "]"
    wd = _working_days()
    days = "[" + ", ".join(f"DATE '{d.isoformat()}'" for d in wd) + "]"
    # lines i, i+200, i+400 of one unit are consecutive vouchers: planted clusters use blocks of three of them
    blk = f"(i // {N_UNITS}) // 3"
    suppliers = max(300, n // (N_UNITS * PAYMENTS_PER_SUPPLIER))
    return f"""
WITH b0 AS (
  SELECT i, CAST(i % {N_UNITS} AS INTEGER) AS k, CAST(i // {N_UNITS} AS BIGINT) AS seq,
         {cats}[1 + CAST(floor({_u(1)} * {len(CATS)}) AS INTEGER)] AS category,
         {days}[1 + CAST(floor({_u(2)} * {len(wd)}) AS INTEGER)] AS vd0,
         {days}[1 + CAST(floor((hash({blk}, k, 20) % 1000003) / 1000003.0 * {len(wd) - 3}) AS INTEGER)] AS bd,
         hash({blk}, CAST(i % {N_UNITS} AS INTEGER), 21) % 1000 AS bsel,
         {_u(3)} AS r3, {_u(4)} AS r4, {_u(5)} AS r5, {_u(6)} AS r6, {_u(7)} AS r7, {_u(8)} AS r8
  FROM range({n}) AS t(i)
), b1 AS (
  SELECT *,
         -- 0.6 % of lines: a split-payment cluster (three vouchers to one payee within a week, each under 5000)
         bsel < 2 AND category NOT LIKE 'travel_%' AND category NOT LIKE 'loan_%' AS split,
         -- 0.6 %: a run of consecutive invoice numbers from one seller over three vouchers
         bsel >= 2 AND bsel < 4 AND NOT split AS consec,
         -- 0.4 %: an invoice claimed twice (pairs of lines)
         hash(i // 2, 22) % 500 = 0 AND category NOT LIKE 'travel_%' AS dup
  FROM b0
), b AS (
  SELECT *,
         CASE WHEN split THEN bd + CAST(seq % 3 AS INTEGER)
              -- two units stop booking for 11 weeks in the summer (bookkeeping gap)
              WHEN k IN (13, 113) AND vd0 BETWEEN DATE '{YEAR}-06-01' AND DATE '{YEAR}-08-15' THEN vd0 + 77
              ELSE vd0 END AS vd,
         CASE WHEN category IN ('meeting', 'training') THEN 5 + CAST(floor(r4 * 30) AS INTEGER) END AS att,
         CASE WHEN category = 'meeting' THEN (CASE WHEN r5 < 0.02 THEN 3 ELSE 1 + CAST(floor(r5 * 2) AS INTEGER) END)
              WHEN category = 'training' THEN 1 + CAST(floor(r5 * 5) AS INTEGER) END AS ndays,
         CASE WHEN category = 'meeting' THEN 2 + CAST(floor(r6 * 3) AS INTEGER) END AS mclass,
         CASE WHEN category = 'reception' THEN 1 + CAST(floor(r4 * 14) AS INTEGER) END AS g,
         CASE WHEN category = 'reception' THEN
              (CASE WHEN r5 < 0.02 THEN 4 ELSE 1 + CAST(floor(r5 * 3) AS INTEGER) END) END AS h,
         CASE WHEN category LIKE 'travel_%' THEN (CASE WHEN r4 < 0.5 THEN 1 WHEN r4 < 0.8 THEN 2 ELSE 3 END) END AS dest
  FROM b1
), a AS (
  SELECT *,
         -- the line's limit under the central pack (lines with no limit: 10^(1..5))
         CASE WHEN category = 'travel_lodging' THEN 2 * [{', '.join(str(c) for _, c in LODGING)}][dest]
              WHEN category = 'travel_meal' THEN 300 WHEN category = 'travel_local_transport' THEN 240
              WHEN category = 'reception' THEN 120 * (g + h)
              WHEN category = 'meeting' THEN (CASE mclass WHEN 2 THEN {MEETING_CAP[2]} ELSE {MEETING_CAP[3]} END)
                                             * att * ndays
              WHEN category = 'training' THEN 550 * att * ndays
              WHEN category = 'condolence' THEN 500 END AS lim,
         CASE WHEN category IN ('travel_lodging', 'travel_meal', 'travel_local_transport', 'reception', 'meeting',
                                'training', 'condolence') THEN r3 < 0.02 ELSE FALSE END AS over
  FROM b
), m AS (
  SELECT *,
         CASE WHEN split THEN 1700 + floor(r3 * 3200)
              WHEN over THEN lim * (1.05 + r8 * 0.5)
              WHEN lim IS NOT NULL THEN lim * pow(10, -r3)
              -- loans: a person's repayments cover their loans, except persons planted as not repaying
              WHEN category = 'loan_out' THEN 1000 * pow(10, -r3)
              WHEN category = 'loan_repay' THEN (CASE WHEN (i % 3000) % 50 = 0 THEN 1 ELSE 6000.5 END)
              WHEN k % 40 = 3 AND r8 < 0.5 THEN 1000 * (1 + floor(r3 * 9))   -- five units round their amounts
              ELSE pow(10, 1 + 4 * r3) END AS amt0
  FROM a
)
SELECT 'L' || CAST(i AS VARCHAR) AS line_id, 'U' || lpad(CAST(k AS VARCHAR), 4, '0') AS org_code,
       '记-{YEAR}-' || lpad(CAST(seq + 1 + CASE WHEN k % 50 = 7 AND seq >= 10 THEN 1 ELSE 0 END AS VARCHAR), 6, '0')
         AS voucher_no,
       vd AS voucher_date, category,
       -- amounts in [95 %, 100 %) of the approval threshold only where planted (near_threshold_amounts)
       CAST(round(CASE WHEN NOT split AND amt0 >= 4750 AND amt0 < 5000 AND NOT (k % 40 = 9) THEN amt0 * 0.9
                       ELSE amt0 END, 2) AS DECIMAL(18,2)) AS amount,
       CASE WHEN category IN ('welfare', 'allowance', 'bonus', 'other', 'condolence') AND r4 < 0.02 THEN '中秋节月饼'
            ELSE '日常支出' END AS summary,
       CASE WHEN split THEN '拆分供应商' || CAST(k AS VARCHAR) || '-' || CAST({blk} AS VARCHAR)
            WHEN consec THEN '连号供应商' || CAST(k AS VARCHAR) || '-' || CAST({blk} AS VARCHAR)
            WHEN category = 'travel_intercity' THEN '铁路客运站' || CAST(i % 20 AS VARCHAR)
            -- each unit pays regular suppliers about 17 times a year each (300 suppliers a unit at 1 M lines):
            -- a fixed 300 would pay each one every other working day at 10 M lines, and then ordinary
            -- payments of 10-5,000 yuan would add up to 5,000 within a week: 18 % of clean lines would be
            -- split payments
            ELSE '供应商' || CAST(k AS VARCHAR) || '-' || CAST(hash(i, 23) % {suppliers} AS VARCHAR) END AS payee,
       CASE WHEN dup THEN '11008' WHEN consec THEN '11009' ELSE '1100' || CAST(i % 3 AS VARCHAR) END AS invoice_code,
       CASE WHEN dup THEN CAST(90000000 + i // 2 AS VARCHAR)
            WHEN consec THEN CAST(60000000 + seq AS VARCHAR)
            -- tickets: 20-digit numbers whose serial follows the date; 1 % carry a later date's serial
            WHEN category = 'travel_intercity' THEN '2' || strftime(vd - 3 + CASE WHEN r5 < 0.01 THEN 30 ELSE 0 END,
                                                                 '%Y%m%d') || lpad(CAST(i AS VARCHAR), 11, '0')
            ELSE CAST(10000000 + i * 7 AS VARCHAR) END AS invoice_no,
       CASE WHEN category LIKE 'travel_%' THEN vd - 3 + CASE WHEN r7 < 0.02 THEN -5 ELSE 1 END
            WHEN r7 < 0.01 THEN vd - 120 ELSE vd - 2 END AS invoice_date,
       CASE WHEN r4 > 0.995 THEN 'iou' WHEN category = 'travel_intercity' THEN 'train_ticket' ELSE 'vat_normal' END
         AS invoice_type,
       'P' || CAST(i % 3000 AS VARCHAR) AS person_code,
       CASE WHEN category = 'travel_intercity' AND r6 < 0.02 THEN 'other' WHEN category = 'travel_intercity' THEN
            (CASE WHEN r5 < 0.05 THEN 'bureau' ELSE 'other' END) ELSE 'other' END AS person_rank,
       CASE WHEN category LIKE 'travel_%' THEN [{', '.join(repr(d) for d, _ in LODGING)}][dest] END AS destination,
       CASE WHEN category LIKE 'travel_%' THEN vd - 3 END AS trip_start,
       CASE WHEN category LIKE 'travel_%' THEN vd - 1 END AS trip_end,
       CASE WHEN category = 'travel_lodging' THEN CASE WHEN r7 < 0.02 THEN 3 ELSE 2 END END AS nights,
       CASE WHEN category = 'travel_intercity' THEN 'high_speed_rail' END AS travel_mode,
       CASE WHEN category = 'travel_intercity' THEN (CASE WHEN r6 < 0.02 THEN 'first' ELSE 'second' END) END
         AS travel_class,
       CASE WHEN r6 < 0.003 THEN NULL ELSE '经办' || CAST(i % 97 AS VARCHAR) END AS handler,
       CASE WHEN r7 < 0.004 THEN NULL ELSE '证明' || CAST(i % 89 AS VARCHAR) END AS witness,
       CASE WHEN r5 > 0.997 THEN '经办' || CAST(i % 97 AS VARCHAR) ELSE '审批' || CAST(i % 13 AS VARCHAR) END
         AS approver,
       CASE WHEN r4 > 0.99 THEN vd + 3 ELSE vd - 4 END AS approval_date,
       CASE WHEN category LIKE 'vehicle_%' AND r7 < 0.025 THEN vd + (6 - CAST(isodow(vd) AS INTEGER))
            WHEN category LIKE 'vehicle_%' THEN vd
            WHEN category IN ('reception', 'meeting', 'training', 'welfare', 'allowance') THEN vd - 1 END
         AS event_date,
       g AS guests, h AS hosts,
       CASE WHEN category = 'reception' THEN (CASE WHEN r6 < 0.02 THEN '临汾市' ELSE '太原市' END) END
         AS guest_origin_city,
       CASE WHEN category = 'reception' AND r7 > 0.02 THEN '函' || CAST(i AS VARCHAR) END AS official_letter,
       CASE WHEN category LIKE 'vehicle_%' THEN (CASE WHEN r8 < 0.02 THEN '晋X' ELSE '晋A' END)
            || lpad(CAST(k AS VARCHAR), 5, '0') END AS vehicle_plate,
       CASE WHEN category LIKE 'vehicle_%' THEN r6 < 0.005 END AS emergency,
       att AS attendees, ndays AS days, mclass AS meeting_class,
       CASE WHEN category = 'training' THEN 3 END AS training_class,
       CASE WHEN category IN ('condolence', 'allowance', 'bonus') THEN 1 END AS recipients,
       CASE WHEN r7 > 0.98 AND amt0 > 1000 THEN 'cash' WHEN r7 > 0.9 AND amt0 <= 1000 THEN 'cash'
            WHEN r7 < 0.5 THEN 'card' ELSE 'bank' END AS payment_method,
       CASE WHEN category IN ('project', 'subsidy_distribution') AND r4 > 0.03 THEN '决议' || CAST(i AS VARCHAR) END
         AS resolution_ref
FROM m
"""


def generate(n: int, out: Path, units: Path | None = None, fleet: Path | None = None) -> None:
    con = duckdb.connect()
    con.execute(f"COPY ({lines_sql(n)}) TO '{out}' (FORMAT parquet, ROW_GROUP_SIZE 1000000)")
    if units:
        # reception budgets: about 1.3 × a unit's expected reception spending; every 25th unit gets 0.7 ×
        expected = n / N_UNITS / len(CATS) * 9.5 * 120 * 0.39  # receptions × people × cap × E[10^-u]
        with units.open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["org_code", "name", "level", "province", "city", "reception_budget"])
            for k in range(N_UNITS):
                level = "village" if k % VILLAGE_EVERY == 0 else "township"
                budget = "" if k % 50 == 1 else f"{expected * (0.7 if k % 25 == 2 else 1.3):.2f}"
                w.writerow([f"U{k:04d}", f"单位{k}", level, "山西", "临汾市", budget])
    if fleet:
        with fleet.open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["org_code", "plate"])
            for k in range(N_UNITS):
                w.writerow([f"U{k:04d}", f"晋A{k:05d}"])


def rates(path: Path, units: Path, fleet: Path) -> None:
    """Print each rule's flagged share of its applicable lines (and findings), to check the planted rates."""
    from voucher_audit import io, schema, standards
    from voucher_audit.engines import make_engine
    from voucher_audit.runner import run_audit

    con = duckdb.connect()
    res = run_audit(io.load_tables(con, [path], schema.LINES).table, standards.load("central", dt.date(YEAR, 12, 31)),
                    make_engine("duckdb"), units=io.load_tables(con, [units], schema.UNITS).table,
                    fleet=io.load_tables(con, [fleet], schema.FLEET).table)
    counts: dict[str, int] = {}
    for f in res.findings:
        counts[f.rule] = counts.get(f.rule, 0) + 1
    for c in res.coverage:
        share = c["flagged"] / c["applicable"] if c["applicable"] else 0
        print(f"{c['rule']:36} {c['applicable']:>10} {c['flagged']:>8} {share:7.2%} {counts.get(c['rule'], 0):>7}")
    print(f"{len(res.findings)} findings on {res.lines} lines")


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("n", type=int)
    p.add_argument("out", type=Path)
    p.add_argument("--units", type=Path)
    p.add_argument("--fleet", type=Path)
    p.add_argument("--rates", action="store_true", help="run the suite and print the flagged share per rule")
    a = p.parse_args()
    generate(a.n, a.out, a.units, a.fleet)
    if a.rates:
        rates(a.out, a.units, a.fleet)


if __name__ == "__main__":
    main()
