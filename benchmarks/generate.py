"""Synthetic voucher lines with planted anomalies, generated inside DuckDB (10 M lines in seconds).

    python -m benchmarks.generate N OUT.parquet [--units units.csv] [--fleet fleet.csv]

Deterministic: the same N gives the same file. About 1–3 % of lines carry an anomaly for some rule
(over-cap lodging, missing signatures, IOUs, duplicate invoices, split payments, weekend car use, …).
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import duckdb

N_UNITS = 200
CATS = ["travel_lodging", "travel_meal", "travel_local_transport", "travel_intercity", "reception", "vehicle_fuel",
        "vehicle_repair", "vehicle_toll", "vehicle_parking", "condolence", "allowance", "bonus", "welfare", "meeting",
        "training", "office", "office", "office", "project", "subsidy_distribution", "loan_out", "loan_repay", "other",
        "office"]


def _u(k: int) -> str:
    """A uniform pseudo-random number in [0, 1) from the row number and a salt."""
    return f"((hash(i, {k}) % 1000003) / 1000003.0)"


def lines_sql(n: int) -> str:
    cats = "[" + ", ".join(f"'{c}'" for c in CATS) + "]"
    return f"""
WITH b AS (
  SELECT i, 'U' || lpad(CAST(i % {N_UNITS} AS VARCHAR), 4, '0') AS org_code,
         {cats}[1 + CAST(floor({_u(1)} * {len(CATS)}) AS INTEGER)] AS category,
         DATE '2025-01-01' + CAST(floor({_u(2)} * 360) AS INTEGER) AS vd,
         {_u(3)} AS r3, {_u(4)} AS r4, {_u(5)} AS r5, {_u(6)} AS r6, {_u(7)} AS r7
  FROM range({n}) AS t(i)
)
SELECT 'L' || CAST(i AS VARCHAR) AS line_id, org_code,
       '记-2025-' || lpad(CAST(i // {N_UNITS} + 1 AS VARCHAR), 6, '0') AS voucher_no, vd AS voucher_date, category,
       CAST(CASE WHEN category = 'travel_lodging' THEN (CASE WHEN r3 < 0.03 THEN 620 ELSE 300 + floor(r3 * 190) END) * 2
                 WHEN category = 'travel_meal' THEN CASE WHEN r3 < 0.02 THEN 350 ELSE 300 END
                 WHEN category = 'travel_local_transport' THEN CASE WHEN r3 < 0.02 THEN 260 ELSE 240 END
                 WHEN category = 'reception' THEN 100 + floor(r3 * 600)
                 WHEN category IN ('meeting', 'training') THEN 1000 + floor(r3 * 8000)
                 WHEN category = 'condolence' THEN CASE WHEN r3 < 0.05 THEN 1200 ELSE 500 END
                 WHEN r6 < 0.01 THEN 4800 + floor(r3 * 150)
                 ELSE round(pow(10, 1 + 3.7 * r3), 2) END AS DECIMAL(18,2)) AS amount,
       CASE WHEN category IN ('welfare', 'allowance') AND r4 < 0.3 THEN '中秋节月饼' ELSE '日常支出' END AS summary,
       CASE WHEN r6 < 0.01 THEN '拆分供应商' || CAST(i % 7 AS VARCHAR)
            ELSE '供应商' || CAST(i % 5000 AS VARCHAR) END AS payee,
       '1100' || CAST(i % 3 AS VARCHAR) AS invoice_code,
       CASE WHEN r5 < 0.002 THEN CAST(i % 997 AS VARCHAR) ELSE CAST(10000000 + i * 7 AS VARCHAR) END AS invoice_no,
       CASE WHEN category LIKE 'travel_%' THEN DATE '2025-01-01' + CAST(floor({_u(2)} * 360) AS INTEGER) - 3
                                                 + CASE WHEN r7 < 0.02 THEN -5 ELSE 1 END
            WHEN r7 < 0.01 THEN vd - 120 ELSE vd - 2 END AS invoice_date,
       CASE WHEN r4 < 0.005 THEN 'iou' WHEN category = 'travel_intercity' THEN 'train_ticket' ELSE 'vat_normal' END
         AS invoice_type,
       'P' || CAST(i % 3000 AS VARCHAR) AS person_code,
       CASE WHEN r5 < 0.05 THEN 'bureau' ELSE 'other' END AS person_rank,
       CASE WHEN category LIKE 'travel_%' THEN (CASE WHEN r4 < 0.5 THEN '北京' WHEN r4 < 0.8 THEN '西宁'
                                                     ELSE '南宁' END) END AS destination,
       CASE WHEN category LIKE 'travel_%' THEN vd - 3 END AS trip_start,
       CASE WHEN category LIKE 'travel_%' THEN vd - 1 END AS trip_end,
       CASE WHEN category = 'travel_lodging' THEN CASE WHEN r7 < 0.02 THEN 3 ELSE 2 END END AS nights,
       CASE WHEN category = 'travel_intercity' THEN 'high_speed_rail' END AS travel_mode,
       CASE WHEN category = 'travel_intercity' THEN (CASE WHEN r6 < 0.05 THEN 'first' ELSE 'second' END) END
         AS travel_class,
       CASE WHEN r6 < 0.003 THEN NULL ELSE '经办' || CAST(i % 97 AS VARCHAR) END AS handler,
       CASE WHEN r7 < 0.004 THEN NULL ELSE '证明' || CAST(i % 89 AS VARCHAR) END AS witness,
       CASE WHEN r5 > 0.997 THEN '经办' || CAST(i % 97 AS VARCHAR) ELSE '审批' || CAST(i % 13 AS VARCHAR) END
         AS approver,
       CASE WHEN r4 > 0.99 THEN vd + 3 ELSE vd - 4 END AS approval_date,
       CASE WHEN category IN ('reception', 'meeting', 'training') OR category LIKE 'vehicle_%'
              OR category IN ('welfare', 'allowance') THEN vd - 1 END AS event_date,
       CASE WHEN category = 'reception' THEN 1 + CAST(floor(r4 * 14) AS INTEGER) END AS guests,
       CASE WHEN category = 'reception' THEN 1 + CAST(floor(r5 * 4) AS INTEGER) END AS hosts,
       CASE WHEN category = 'reception' THEN (CASE WHEN r6 < 0.1 THEN '临汾市' ELSE '太原市' END) END
         AS guest_origin_city,
       CASE WHEN category = 'reception' AND r7 > 0.05 THEN '函' || CAST(i AS VARCHAR) END AS official_letter,
       CASE WHEN category LIKE 'vehicle_%' THEN (CASE WHEN r7 < 0.03 THEN '晋X' ELSE '晋A' END)
            || lpad(CAST(i % {N_UNITS} AS VARCHAR), 5, '0') END AS vehicle_plate,
       CASE WHEN category LIKE 'vehicle_%' THEN r6 < 0.02 END AS emergency,
       CASE WHEN category IN ('meeting', 'training') THEN 5 + CAST(floor(r4 * 30) AS INTEGER) END AS attendees,
       CASE WHEN category IN ('meeting', 'training') THEN 1 + CAST(floor(r5 * 3) AS INTEGER) END AS days,
       CASE WHEN category = 'meeting' THEN 2 + CAST(floor(r6 * 3) AS INTEGER) END AS meeting_class,
       CASE WHEN category = 'training' THEN 3 END AS training_class,
       CASE WHEN category IN ('condolence', 'allowance', 'bonus') THEN 1 END AS recipients,
       CASE WHEN r7 < 0.05 THEN 'cash' WHEN r7 < 0.5 THEN 'card' ELSE 'bank' END AS payment_method,
       CASE WHEN category IN ('project', 'subsidy_distribution') AND r4 > 0.1 THEN '决议' || CAST(i AS VARCHAR) END
         AS resolution_ref
FROM b
"""


def generate(n: int, out: Path, units: Path | None = None, fleet: Path | None = None) -> None:
    con = duckdb.connect()
    con.execute(f"COPY ({lines_sql(n)}) TO '{out}' (FORMAT parquet, ROW_GROUP_SIZE 1000000)")
    if units:
        with units.open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["org_code", "name", "level", "province", "city", "reception_budget"])
            for k in range(N_UNITS):
                level = "village" if k % 4 == 0 else "township"
                budget = "" if k % 50 == 1 else 20000 * (1 + k % 5)
                w.writerow([f"U{k:04d}", f"单位{k}", level, "山西", "临汾市", budget])
    if fleet:
        with fleet.open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["org_code", "plate"])
            for k in range(N_UNITS):
                w.writerow([f"U{k:04d}", f"晋A{k:05d}"])


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("n", type=int)
    p.add_argument("out", type=Path)
    p.add_argument("--units", type=Path)
    p.add_argument("--fleet", type=Path)
    a = p.parse_args()
    generate(a.n, a.out, a.units, a.fleet)


if __name__ == "__main__":
    main()
