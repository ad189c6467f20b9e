"""Every audit-event code that CleanGov records has a label, in both languages, declared by its app.

Two nets: a static scan of the literal codes passed to ``record_event`` / ``PendingEvent`` anywhere
in cleangov/ (codes built at run time are listed in DYNAMIC_CODES below, as a specification), and
the codes actually present in the trail after the tiny demo county is built (every app's demo step
runs its real actions and bulk paths).
"""

import ast
from pathlib import Path

import pytest
from django.utils import translation

import cleangov
from cleangov.core.declarations import event_labels

SOURCE = Path(cleangov.__file__).parent

# Codes built with an f-string: (file, the expression as written) → every code it can produce.
# A new f-string code fails test_every_dynamic_code_site_is_listed until it is added here.
DYNAMIC_CODES = {
    # one per handler step of cleangov/rectification/workflow.py
    ("rectification/actions.py", "f'rectification.item_{verb}'"): {
        "rectification.item_reject", "rectification.item_verify", "rectification.item_close",
        "rectification.item_cancel"},
    # one per transition target of cleangov/duties/workflow.py
    ("duties/actions.py", "f'duties.item_{transition.target}'"): {
        "duties.item_assigned", "duties.item_in_progress", "duties.item_done", "duties.item_verified",
        "duties.item_cancelled",
    },
    # one per decision kind passed to finance.actions._decide (confirm, dismiss, escalate)
    ("finance/actions.py", "f'finance.finding_{kind}'"): {
        "finance.finding_confirmed", "finance.finding_dismissed", "finance.finding_escalated",
    },
    # one per transition target of cleangov/cases/workflow.py (CASE_WORKFLOW, APPEAL_WORKFLOW)
    ("cases/actions.py", "f'cases.case_{transition.target}'"): {
        "cases.case_initiated", "cases.case_investigating", "cases.case_reported", "cases.case_deliberated",
        "cases.case_decided", "cases.case_delivered", "cases.case_implemented", "cases.case_filed",
        "cases.case_closed", "cases.case_dropped",
    },
    ("cases/actions.py", "f'cases.appeal_{transition.target}'"): {
        "cases.appeal_upheld", "cases.appeal_changed", "cases.appeal_revoked",
    },
    # democracy: the targets of the steps taken without a meeting (cleangov/democracy/workflow.py)
    ("democracy/actions.py", "f'democracy.decision_{transition.target}'"): {
        "democracy.decision_proposed", "democracy.decision_discussed", "democracy.decision_resolution_disclosed",
        "democracy.decision_result_disclosed", "democracy.decision_withdrawn",
    },
    ("democracy/actions.py", "f'democracy.levy_{transition.target}'"): {
        "democracy.levy_approved", "democracy.levy_township_reviewed", "democracy.levy_county_filed",
        "democracy.levy_collecting", "democracy.levy_settled", "democracy.levy_withdrawn", "democracy.levy_draft",
    },
    ("democracy/actions.py", "f'democracy.rule_{transition.target}'"): {
        "democracy.rule_published", "democracy.rule_returned",
    },
    ("democracy/actions.py", "f'democracy.line_{verdict}'"): {"democracy.line_passed", "democracy.line_queried"},
    # whistleblowing.actions._event(report, code, ...): every code its callers pass
    ("whistleblowing/actions.py", "code"): {
        "whistleblowing.false_accusation_recorded", "whistleblowing.handler_recused",
        "whistleblowing.identity_approved", "whistleblowing.identity_refused", "whistleblowing.identity_requested",
        "whistleblowing.identity_viewed", "whistleblowing.note_added", "whistleblowing.original_opened",
        "whistleblowing.rectification_requested", "whistleblowing.report_accepted", "whistleblowing.report_closed",
        "whistleblowing.report_disposed", "whistleblowing.report_forwarded", "whistleblowing.report_not_accepted",
        "whistleblowing.report_registered", "whistleblowing.report_registered_repeat",
        "whistleblowing.report_transferred", "whistleblowing.reporter_told",
    },
}
# record_event itself hands its argument on to PendingEvent: not a code.
PASS_THROUGH = {("core/audit.py", "event_code")}


def _code_sites():
    """(file, literal codes, dynamic expressions) of every record_event / PendingEvent call."""
    literal: dict[str, set[str]] = {}
    dynamic: set[tuple[str, str]] = set()
    for path in sorted(SOURCE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if name not in {"record_event", "PendingEvent"}:
                continue
            arg = next((kw.value for kw in node.keywords if kw.arg == "event_code"), None)
            if arg is None and name == "PendingEvent" and node.args:
                arg = node.args[0]
            if arg is None:
                continue
            relative = str(path.relative_to(SOURCE))
            for value in ([arg.body, arg.orelse] if isinstance(arg, ast.IfExp) else [arg]):
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    literal.setdefault(value.value, set()).add(relative)
                else:
                    dynamic.add((relative, ast.unparse(value)))
    return literal, dynamic


def test_the_scan_finds_the_known_sites():
    # Guard against a scan that silently finds nothing (a renamed function, a moved package).
    literal, dynamic = _code_sites()
    assert {"orgs.unit_created", "ledgers.checkpoint_signed", "finance.batch_imported",
            "deadlines.deadline_overdue", "core.notification_read"} <= set(literal)
    assert set(DYNAMIC_CODES) <= dynamic


def test_every_literal_code_recorded_in_the_source_has_a_label():
    literal, _dynamic = _code_sites()
    labels = event_labels()
    missing = {code: sorted(files) for code, files in literal.items() if code not in labels}
    assert not missing, f"declare these codes in the recording app's event_labels: {missing}"


def test_every_dynamic_code_site_is_listed():
    _literal, dynamic = _code_sites()
    unlisted = dynamic - set(DYNAMIC_CODES) - PASS_THROUGH
    assert not unlisted, f"list the codes these expressions can produce in DYNAMIC_CODES: {unlisted}"
    labels = event_labels()
    missing = {code for codes in DYNAMIC_CODES.values() for code in codes if code not in labels}
    assert not missing


def test_every_label_is_translated_and_names_its_app():
    for code, label in event_labels().items():
        app, _sep, what = code.partition(".")
        assert app and what, code
        with translation.override("en"):
            english = str(label)
        with translation.override("zh-hans"):
            chinese = str(label)
        assert english and english != code, code
        assert chinese != english, f"{code}: no zh-Hans translation for {english!r}"


@pytest.mark.django_db
def test_every_code_in_the_demo_trail_has_a_label(settings, tmp_path):
    from cleangov.core.models import AuditEvent
    from cleangov.orgs.demo.build import build_demo

    settings.DATA_DIR = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    build_demo(size="tiny", log=lambda line: None)
    recorded = set(AuditEvent.objects.values_list("event_code", flat=True).distinct())
    assert len(recorded) > 20  # the demo runs every app's actions, not a handful
    assert not recorded - set(event_labels())
