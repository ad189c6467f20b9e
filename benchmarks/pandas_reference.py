"""What an analyst would write today: eight reference rules vectorised in pandas (the benchmark's baseline)."""

from __future__ import annotations

import pandas as pd

LODGING_CAP_OTHER = {"北京": 500.0, "西宁": 350.0, "南宁": 350.0}


def run(path: str) -> int:
    df = pd.read_parquet(path)
    n = 0
    amt = df["amount"].astype("float64")
    lod = df["category"].eq("travel_lodging")
    cap = df["destination"].map(LODGING_CAP_OTHER)
    n += int((lod & (amt > cap * df["nights"])).sum())                                   # lodging cap
    key = df["invoice_code"].fillna("") + "|" + df["invoice_no"].fillna("")
    n += int(key.duplicated(keep=False).sum())                                            # duplicate invoice
    travel = df["category"].str.startswith("travel_")
    inv, ts, te = (pd.to_datetime(df[c]) for c in ("invoice_date", "trip_start", "trip_end"))
    n += int((travel & (((ts - inv).dt.days > 1) | ((inv - te).dt.days > 1))).sum())    # invoice outside trip
    n += int(df[["handler", "witness", "approver"]].isna().any(axis=1).sum())            # missing signature
    n += int(df["invoice_type"].eq("iou").sum())                                         # IOU
    ap, vd = pd.to_datetime(df["approval_date"]), pd.to_datetime(df["voucher_date"])
    ref = ts.where(travel, pd.to_datetime(df["event_date"]).fillna(inv))
    n += int((ap > ref).sum()) + int((inv.dt.year < vd.dt.year).sum())                  # post-hoc, cross-year
    rec = df["category"].eq("reception")
    g, h = df["guests"], df["hosts"]
    n += int((rec & (((g <= 10) & (h > 3)) | ((g > 10) & (3 * h > g)))).sum())          # companions
    s = df.loc[amt < 5000, ["org_code", "payee", "invoice_date", "amount"]].copy()       # split payment
    s["d"] = pd.to_datetime(s["invoice_date"])
    s["a"] = s["amount"].astype("float64")
    s = s.sort_values(["org_code", "payee", "d"])
    roll = s.set_index("d").groupby(["org_code", "payee"])["a"].rolling("7D").agg(["sum", "count"])
    n += int(((roll["sum"] >= 5000) & (roll["count"] >= 2)).sum())
    return n
