"""Spending standards as versioned data: packs layered central → province → county.

A pack is a directory with ``pack.yaml`` (scalar parameters, each a list of versions with
``effective_from`` / ``effective_to`` / ``source`` / optional ``local_example``) and optional CSV tables.
A lower pack names its ``parent``; it overrides single parameter values and table rows with the same key.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
PACKS_DIR = HERE / "packs"
CALENDAR_DIR = HERE / "calendars"
CHINA_TZ = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")


class StandardsError(ValueError):
    pass


@dataclass(frozen=True)
class Value:
    key: str
    value: Any
    source: str
    jurisdiction: str
    pack: str
    effective_from: dt.date | None
    effective_to: dt.date | None
    local_example: bool


@dataclass
class Standards:
    """The effective parameters for one date and one chain of packs."""

    chain: list[str]
    as_of: dt.date
    values: dict[str, Value]
    lodging_caps: list[dict[str, Any]] = field(default_factory=list)
    class_matrix: list[dict[str, Any]] = field(default_factory=list)
    calendar: list[dict[str, Any]] = field(default_factory=list)

    def get(self, key: str) -> Any:
        try:
            return self.values[key].value
        except KeyError:
            chain = "→".join(self.chain)
            raise StandardsError(f"standard '{key}' is not defined for {self.as_of} in {chain}") from None

    def dec(self, key: str) -> Decimal:
        return Decimal(str(self.get(key)))

    def source(self, key: str) -> str:
        v = self.values[key]
        return v.source + (" [local example]" if v.local_example else "")

    @property
    def calendar_years(self) -> list[int]:
        return sorted({int(r["date"][:4]) for r in self.calendar})


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _read_csv(path: Path) -> list[dict[str, str]]:
    text = path.read_text(encoding="utf-8-sig")
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    return [dict(r) for r in csv.DictReader(io.StringIO("\n".join(lines)))]


def _pack_dir(name: str) -> Path:
    p = Path(name)
    if p.is_dir() and (p / "pack.yaml").exists():
        return p
    d = PACKS_DIR / name
    if (d / "pack.yaml").exists():
        return d
    raise StandardsError(f"unknown standards pack '{name}' (built in: {', '.join(available_packs())})")


def available_packs() -> list[str]:
    return sorted(p.name for p in PACKS_DIR.iterdir() if (p / "pack.yaml").exists())


def _chain(name: str) -> list[Path]:
    out: list[Path] = []
    seen: set[str] = set()
    cur: str | None = name
    while cur:
        d = _pack_dir(cur)
        if str(d) in seen:
            raise StandardsError(f"pack parent loop at '{cur}'")
        seen.add(str(d))
        out.append(d)
        meta = yaml.safe_load((d / "pack.yaml").read_text(encoding="utf-8")) or {}
        cur = meta.get("parent")
        if cur and not Path(cur).is_absolute() and (d.parent / cur / "pack.yaml").exists():
            cur = str(d.parent / cur)
    return list(reversed(out))  # central first


def _in_force(version: dict[str, Any], day: dt.date) -> bool:
    start, end = _date(version.get("effective_from")), _date(version.get("effective_to"))
    return (start is None or start <= day) and (end is None or day <= end)


def load(names: str | list[str] = "central", as_of: dt.date | None = None,
         calendar: list[dict[str, str]] | None = None) -> Standards:
    """Load a pack chain. ``names`` is one pack (its parents follow) or a comma list, lowest layer last.

    ``calendar`` replaces the shipped holiday calendar files with these rows (``date``, ``kind``,
    ``name``): CleanGov passes the shipped years together with the years an administrator loaded,
    so the audits and the deadline clocks see the same calendar."""
    if isinstance(names, str):
        names = [n.strip() for n in names.split(",") if n.strip()]
    day = as_of or dt.datetime.now(CHINA_TZ).date()
    dirs: list[Path] = []
    for n in names:
        for d in _chain(n):
            if d not in dirs:
                dirs.append(d)
    values: dict[str, Value] = {}
    lodging: dict[tuple[str, str, str], dict[str, Any]] = {}
    classes: dict[tuple[str, str, str], dict[str, Any]] = {}
    chain: list[str] = []
    for d in dirs:
        meta = yaml.safe_load((d / "pack.yaml").read_text(encoding="utf-8")) or {}
        pack, juris = str(meta.get("pack", d.name)), str(meta.get("jurisdiction", d.name))
        chain.append(pack)
        for key, versions in (meta.get("parameters") or {}).items():
            for version in versions:
                if _in_force(version, day):
                    values[key] = Value(key, version["value"], str(version.get("source", "")), juris, pack,
                                        _date(version.get("effective_from")), _date(version.get("effective_to")),
                                        bool(version.get("local_example", False)))
        tables = meta.get("tables") or {}
        lodging_file = d / tables.get("lodging_caps", "lodging_caps.csv")
        if lodging_file.exists():
            for row in _read_csv(lodging_file):
                row["jurisdiction"] = juris
                lodging[(row["province"], row["area"], row["rank"])] = row
        class_file = d / tables.get("class_matrix", "class_matrix.csv")
        if class_file.exists():
            for row in _read_csv(class_file):
                classes[(row["mode"], row["class"], row["rank"])] = row
    if calendar is None:
        calendar = []
        for f in sorted(CALENDAR_DIR.glob("cn-*.csv")):
            calendar.extend(_read_csv(f))
    return Standards(chain=chain, as_of=day, values=values, lodging_caps=list(lodging.values()),
                     class_matrix=list(classes.values()), calendar=list(calendar))


def _months(spec: str) -> set[int]:
    """'6-9' → {6..9}; '10-4' wraps the year; '1-2|7-9' or '1-2,7-9' is a union."""
    out: set[int] = set()
    for part in spec.replace(",", "|").split("|"):
        part = part.strip()
        if not part:
            continue
        a, _, b = part.partition("-")
        lo, hi = int(a), int(b or a)
        m = lo
        while True:
            out.add(m)
            if m == hi:
                break
            m = m % 12 + 1
    return out


def _dest_names(row: dict[str, str]) -> set[str]:
    names = {row["area"], *[a for a in row.get("aliases", "").split("|") if a]}
    return {n.strip() for n in names if n.strip()}


def lodging_lookup_rows(std: Standards) -> list[tuple[str, str, int, Decimal, str, dt.date | None, dt.date | None]]:
    """(destination, rank, month, cap, area label, effective_from, effective_to) for every month a cap is known."""
    rows = []
    for r in std.lodging_caps:
        peak = _months(r.get("peak_months") or "")
        for name in _dest_names(r):
            for month in range(1, 13):
                if month in peak and r.get("peak_cap"):
                    cap, label = r["peak_cap"], f"{r['area']}旺季"
                elif r.get("normal_cap"):
                    cap, label = r["normal_cap"], r["area"]
                else:
                    continue
                rows.append((name, r["rank"], month, Decimal(cap), label, _date(r.get("effective_from")),
                             _date(r.get("effective_to"))))
    return rows


def lodging_destinations(std: Standards) -> set[str]:
    return {n for r in std.lodging_caps for n in _dest_names(r)}


def calendar_days(std: Standards) -> list[tuple[dt.date, bool, str | None]]:
    """Every date of the covered years: (date, is_rest_day, holiday name or None)."""
    kinds = {r["date"]: (r["kind"], r["name"]) for r in std.calendar}
    out = []
    for year in std.calendar_years:
        d = dt.date(year, 1, 1)
        while d.year == year:
            kind, name = kinds.get(d.isoformat(), (None, None))
            rest = kind == "holiday" or (d.weekday() >= 5 and kind != "makeup_workday")
            out.append((d, rest, name if kind == "holiday" else None))
            d += dt.timedelta(days=1)
    return out


def festival_first_days(std: Standards) -> list[tuple[dt.date, str]]:
    """First rest day of each holiday block whose name is a festival (docs/regulations.md §10)."""
    wanted = set(std.get("festival.holidays"))
    out = []
    prev_name, prev_day = None, None
    for r in sorted((r for r in std.calendar if r["kind"] == "holiday"), key=lambda r: r["date"]):
        day = dt.date.fromisoformat(r["date"])
        new_block = not (prev_day and prev_name == r["name"] and (day - prev_day).days == 1)
        if new_block and any(w in r["name"] for w in wanted):
            out.append((day, r["name"]))
        prev_name, prev_day = r["name"], day
    return out


def show(std: Standards) -> str:
    """Human-readable listing of every effective value with its source (``cleangov standards show``)."""
    lines = [f"Standards {' → '.join(std.chain)} in force on {std.as_of.isoformat()}", ""]
    width = max(len(k) for k in std.values)
    for key in sorted(std.values):
        v = std.values[key]
        mark = "  [LOCAL EXAMPLE: confirm locally]" if v.local_example else ""
        val = v.value if not isinstance(v.value, list) else ", ".join(str(x) for x in v.value)
        lines.append(f"{key.ljust(width)}  {val}{mark}")
        lines.append(f"{''.ljust(width)}  ({v.jurisdiction}/{v.pack}, from {v.effective_from or '-'}"
                     f"{' to ' + str(v.effective_to) if v.effective_to else ''}; {v.source})")
    lines += ["", "lodging caps (元/人/晚; 旺季 in brackets):"]
    for r in sorted(std.lodging_caps, key=lambda r: (r["province"], r["area"], r["rank"])):
        peak = f" [{r['peak_months']}月: {r['peak_cap']}]" if r.get("peak_months") else ""
        lines.append(f"  {r['jurisdiction']:8} {r['province']} {r['area']} {r['rank']:10} "
                     f"{r.get('normal_cap') or '(not captured)'}{peak}  ({r['source']})")
    lines += ["", "travel class matrix (max level per rank and mode):"]
    for r in std.class_matrix:
        if r["rank"]:
            lines.append(f"  {r['mode']:16} {r['rank']:10} max level {r['level']}  ({r['source']})")
    years = std.calendar_years
    lines += ["", f"holiday calendar: {years[0]}–{years[-1]} (make-up working days included)" if years
              else "holiday calendar: none loaded"]
    return "\n".join(lines)
