"""Output formats: JSON (the stable contract), a terminal table, and XLSX with Chinese headers."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from voucher_audit.runner import AuditResult

SEVERITY_ZH = {"block": "阻断", "warn": "警告", "info": "提示"}


def summary(result: AuditResult, extra: dict[str, Any]) -> dict[str, Any]:
    by_sev = Counter(f.severity for f in result.findings)
    by_rule = Counter(f.rule for f in result.findings)
    return {
        "lines": result.lines,
        "rules": len(result.coverage),
        "findings": len(result.findings),
        "by_severity": {s: by_sev.get(s, 0) for s in ("block", "warn", "info")},
        "by_rule": dict(sorted(by_rule.items())),
        "engine": result.engine,
        "not_evaluable_reasons": result.reasons,
        **extra,
    }


def as_json(result: AuditResult, extra: dict[str, Any]) -> dict[str, Any]:
    return {
        "findings": [f.as_dict() for f in result.findings],
        "coverage": result.coverage,
        "summary": summary(result, extra),
    }


def dumps(doc: dict[str, Any]) -> str:
    """The report as JSON, one finding and one coverage entry per line.

    ``json.dumps(..., indent=2)`` falls back to the pure-Python encoder: about 20 s for a million findings.
    Each entry compact on its own line keeps the C encoder and stays readable.
    """
    compact = json.JSONEncoder(ensure_ascii=False, default=str).encode  # one encoder for every entry

    parts = []
    for key, value in doc.items():
        if isinstance(value, list):
            body = ",\n    ".join(compact(v) for v in value)
            parts.append(f"  {compact(key)}: [\n    {body}\n  ]" if value else f"  {compact(key)}: []")
        else:
            text = json.dumps(value, ensure_ascii=False, indent=2, default=str).replace("\n", "\n  ")
            parts.append(f"  {compact(key)}: {text}")
    return "{\n" + ",\n".join(parts) + "\n}"


def as_table(result: AuditResult, extra: dict[str, Any], width: int = 100) -> str:
    out = [f"Findings: {len(result.findings)} on {result.lines} lines ({result.engine})", ""]
    hdr = f"{'severity':8} {'rule':34} {'org':10} {'stake':>12}  lines / message"
    out += [hdr, "-" * len(hdr)]
    for f in result.findings:
        stake = "" if f.amount_at_stake is None else f"{f.amount_at_stake:.2f}"
        ids = ",".join(f.line_ids[:5]) + ("…" if len(f.line_ids) > 5 else "")
        out.append(f"{f.severity:8} {f.rule:34} {(f.org_code or '*'):10} {stake:>12}  {ids}")
        out.append(f"{'':66}{f.zh[:width]}")
    out += ["", f"{'coverage':42} {'applicable':>10} {'evaluated':>10} {'flagged':>8} {'not eval.':>9}"]
    for c in result.coverage:
        out.append(f"{c['rule']:42} {c['applicable']:>10} {c['evaluated']:>10} {c['flagged']:>8} "
                   f"{c['not_evaluable']:>9}")
    if extra.get("skipped_rows"):
        out += ["", f"skipped invalid rows: {len(extra['skipped_rows'])}"]
    return "\n".join(out)


def write_xlsx(result: AuditResult, extra: dict[str, Any], path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "问题清单"
    ws.append(["规则", "严重程度", "明细行号", "单位代码", "涉及金额（元）", "问题说明", "Message (English)", "依据"])
    for f in result.findings:
        ws.append([f.rule, SEVERITY_ZH[f.severity], "、".join(f.line_ids), f.org_code,
                   None if f.amount_at_stake is None else float(f.amount_at_stake), f.zh, f.en, f.source])
    cov = wb.create_sheet("规则覆盖")
    cov.append(["规则", "适用行数", "已检查行数", "发现问题行数", "无法检查行数", "无法检查原因"])
    for c in result.coverage:
        reasons = "；".join(f"{k}: {v}" for k, v in result.reasons.get(c["rule"], {}).items())
        cov.append([c["rule"], c["applicable"], c["evaluated"], c["flagged"], c["not_evaluable"], reasons])
    summ = wb.create_sheet("汇总")
    for k, v in summary(result, extra).items():
        summ.append([k, json.dumps(v, ensure_ascii=False, default=str) if isinstance(v, (dict, list)) else v])
    for sheet in wb.worksheets:
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    wb.save(path)
