"""The benchmark's baseline: nine reference rules (the "eight" of the issue, post-hoc approval and cross-year invoice
counted apart) as an expert would vectorise them in pandas, with the engine's semantics.

Only the columns the rules read are loaded; amounts are integer cents (exact, like DECIMAL(18,2)); the lodging
caps come from the same standards tables the engine joins; blank text counts as missing, as after the engine's
normalisation. :func:`flagged` returns each rule's flagged line ids; ``benchmarks.run`` asserts they equal the
engine's before anything is timed.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

RULES = ["lodging_over_cap", "duplicate_invoice", "invoice_outside_trip", "missing_signature", "iou_receipt",
         "post_hoc_approval", "cross_year_invoice", "reception_companions_excess", "split_payment"]
COLUMNS = ["line_id", "org_code", "category", "amount", "destination", "nights", "person_rank", "trip_start",
           "trip_end", "invoice_code", "invoice_no", "invoice_date", "handler", "witness", "approver", "invoice_type",
           "approval_date", "event_date", "voucher_date", "guests", "hosts", "payee"]
TEXT = ["destination", "invoice_code", "invoice_no", "handler", "witness", "approver", "payee"]
TRAVEL = ["travel_lodging", "travel_meal", "travel_local_transport", "travel_intercity"]
AS_OF = dt.date(2026, 1, 1)


def _standards():
    from voucher_audit import standards
    from voucher_audit.runner import lookup_tables

    std = standards.load("central", AS_OF)
    lodging = lookup_tables(std, None, None)["lodging_lookup"].to_pandas()
    lodging["cap_cents"] = (lodging["cap"].astype("float64") * 100).round().astype("int64")
    lodging["eff_from"] = pd.to_datetime(lodging["eff_from"])
    lodging["eff_to"] = pd.to_datetime(lodging["eff_to"].where(lodging["eff_to"] < dt.date(2262, 1, 1),
                                                               dt.date(2262, 1, 1)))
    params = {k: int(std.get(k)) for k in ("reception.small_group_max_guests", "reception.max_companions_small_group",
                                           "reception.large_group_ratio", "split.window_days")}
    params["threshold_cents"] = round(float(std.get("approval.threshold")) * 100)
    return lodging, params


def load(path: str) -> pd.DataFrame:
    present = set(pq.read_schema(path).names)
    t = pq.read_table(path, columns=[c for c in COLUMNS if c in present])
    # exact money as integer cents (what DECIMAL(18,2) holds), not floats
    cents = pc.cast(pc.multiply(t.column("amount"), pa.scalar(100, pa.int64())), pa.int64())
    t = t.set_column(t.column_names.index("amount"), "amount", cents)
    df = t.to_pandas(date_as_object=False)
    for c in TEXT:
        if c in df:
            s = df[c].str.strip()
            df[c] = s.where(s != "")
    return df


def _invoice_key(no: pd.Series) -> pd.Series:
    """An all-digit invoice number without its leading zeros (all zeros is "0"); any other as written."""
    digits = no.str.fullmatch(r"[0-9]+", na=False)
    stripped = no.str.lstrip("0")
    return no.where(~digits, stripped.where(stripped != "", "0"))


def flagged(df: pd.DataFrame, lodging: pd.DataFrame, p: dict) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    ids = df["line_id"]
    cat = df["category"]
    travel = cat.isin(TRAVEL)

    lod = df.loc[(cat == "travel_lodging") & (df["nights"] > 0) & df["trip_start"].notna()
                 & df["destination"].notna() & df["person_rank"].notna(),
                 ["line_id", "destination", "person_rank", "trip_start", "nights", "amount"]]
    lod = lod.assign(month=lod["trip_start"].dt.month).merge(
        lodging[["dest", "rank", "month", "cap_cents", "eff_from", "eff_to"]],
        left_on=["destination", "person_rank", "month"], right_on=["dest", "rank", "month"])
    lod = lod[(lod["trip_start"] >= lod["eff_from"]) & (lod["trip_start"] <= lod["eff_to"])]
    out["lodging_over_cap"] = lod.loc[lod["amount"] > lod["cap_cents"] * lod["nights"], "line_id"].to_numpy()

    inv = df.loc[df["invoice_no"].notna(), ["line_id", "invoice_code", "invoice_no"]]
    key = inv["invoice_code"].fillna("") + "|" + _invoice_key(inv["invoice_no"])
    out["duplicate_invoice"] = inv.loc[key.duplicated(keep=False), "line_id"].to_numpy()

    inv_d, ts, te = df["invoice_date"], df["trip_start"], df["trip_end"]
    outside = travel & inv_d.notna() & ts.notna() & te.notna() & (
        ((ts - inv_d).dt.days > 1) | ((inv_d - te).dt.days > 1))
    out["invoice_outside_trip"] = ids[outside].to_numpy()

    out["missing_signature"] = ids[df["handler"].isna() | df["witness"].isna() | df["approver"].isna()].to_numpy()
    out["iou_receipt"] = ids[df["invoice_type"] == "iou"].to_numpy()

    event = cat.isin(["reception", "meeting", "training"])
    ref = ts.where(travel, df["event_date"].where(event, inv_d))
    ap = df["approval_date"]
    out["post_hoc_approval"] = ids[ap.notna() & ref.notna() & (ap > ref)].to_numpy()
    out["cross_year_invoice"] = ids[inv_d.notna() & (inv_d.dt.year < df["voucher_date"].dt.year)].to_numpy()

    g, h = df["guests"], df["hosts"]
    small, few, ratio = (p["reception.small_group_max_guests"], p["reception.max_companions_small_group"],
                         p["reception.large_group_ratio"])
    comp = (cat == "reception") & g.notna() & h.notna() & (((g <= small) & (h > few)) | ((g > small) & (ratio * h > g)))
    out["reception_companions_excess"] = ids[comp].to_numpy()

    out["split_payment"] = _split(df, p)
    return out


def _split(df: pd.DataFrame, p: dict) -> np.ndarray:
    """Lines below the threshold of one unit and payee inside some window [d, d + 6 days], d a line's date,
    holding >= 2 such lines adding up to >= the threshold. Days first (several lines share a day), then a
    forward window per day, then each day marked if a qualifying window covers it."""
    t, w = p["threshold_cents"], p["split.window_days"]
    s = df.loc[(df["amount"] < t) & df["payee"].notna(), ["line_id", "org_code", "payee", "amount"]]
    day = df.loc[s.index, "invoice_date"].fillna(df.loc[s.index, "voucher_date"])
    s = s.assign(dn=(day.to_numpy().astype("datetime64[D]").astype("int64")))
    s["grp"] = s.groupby(["org_code", "payee"], sort=False).ngroup()
    days = s.groupby(["grp", "dn"], sort=True).agg(total=("amount", "sum"), n=("amount", "size")).reset_index()
    grp, dn = days["grp"].to_numpy(), days["dn"].to_numpy()
    ctot = np.concatenate([[0], np.cumsum(days["total"].to_numpy())])
    cnt = np.concatenate([[0], np.cumsum(days["n"].to_numpy())])
    # (group, day) pairs are sorted: the window [dn, dn + w - 1] of a group ends before the first pair past it
    key = grp.astype(np.int64) * (1 << 32) + dn
    end = np.searchsorted(key, grp.astype(np.int64) * (1 << 32) + dn + w - 1, side="right")
    idx = np.arange(len(days))
    qualifies = ((cnt[end] - cnt[idx]) >= 2) & ((ctot[end] - ctot[idx]) >= t)
    # a day is flagged when a qualifying window starts at most w - 1 days before it (in its group)
    qkey = key[qualifies]
    first_start = np.searchsorted(qkey, grp.astype(np.int64) * (1 << 32) + dn - (w - 1), side="left")
    covered = first_start < len(qkey)
    covered[covered] = qkey[first_start[covered]] <= key[covered]
    flagged_days = days.loc[covered, ["grp", "dn"]]
    return s.merge(flagged_days, on=["grp", "dn"])["line_id"].to_numpy()


def run(path: str) -> int:
    """The timed baseline: load the needed columns, evaluate the rules; the number of flagged lines (per rule,
    added up: the engine's coverage ``flagged`` summed over the same rules)."""
    lodging, params = _standards()
    return sum(len(v) for v in flagged(load(path), lodging, params).values())


def flagged_sets(path: str) -> dict[str, set[str]]:
    lodging, params = _standards()
    return {r: set(v.tolist()) for r, v in flagged(load(path), lodging, params).items()}
