"""State changes of the finance workspace. Views, CLI, API, tasks, demo and tests call these.

Imports are all-or-nothing: one transaction writes the batch, its lines and the audit event, so an
interrupted import leaves nothing behind and the same file can simply be imported again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cleangov.core.audit import record_event
from cleangov.core.workflow import Transition, find_transition, may_take, validate_reason
from cleangov.deadlines.api import create_deadline, holiday_calendar_rows
from cleangov.orgs.conflicts import check_conflict_of_interest
from cleangov.orgs.models import Person, Unit

from . import engine as E
from .choices import AuditRunFailureChoices, AuditRunStatusChoices, FindingEventKindChoices
from .imports import ImportPlan, ImportRefused, write_batch
from .lines_sql import chunks
from .locks import is_retryable, lock_scope_for_findings, with_retries
from .models import (
    ApiToken,
    AuditRun,
    FinanceProfile,
    Finding,
    FindingEvent,
    FindingLine,
    FindingPerson,
    FindingRecord,
    ImportBatch,
)
from .resolutions import cross_check
from .run_input import load_run_input
from .statistics import false_positive_rates
from .tokens import hash_token, new_raw_token
from .workflow import FINDING_WORKFLOW

# Re-exported: callers import them from the actions module, where they have always been.
__all__ = ["ImportRefused", "false_positive_rates", "hash_token"]

RECTIFICATION_RULE = "finance.rectification"


class FindingActionError(Exception):
    def __init__(self, message):
        self.message = message
        super().__init__(str(message))


# ---------------------------------------------------------------- finance profiles

def do_set_finance_profile(unit: Unit, *, acting_user, reception_budget: Decimal | None = None,
                           fleet_plates: Iterable[str] | None = None) -> FinanceProfile:
    with transaction.atomic():
        profile, _created = FinanceProfile.objects.select_for_update().get_or_create(unit=unit)
        before = {"reception_budget": profile.reception_budget, "fleet_plates": list(profile.fleet_plates)}
        profile.reception_budget = reception_budget
        if fleet_plates is not None:
            profile.fleet_plates = sorted({p.strip().upper() for p in fleet_plates if p and p.strip()})
        profile.save()
        record_event(acting_user=acting_user, event_code="finance.profile_set", subject=profile, before=before,
                     after={"reception_budget": profile.reception_budget, "fleet_plates": profile.fleet_plates},
                     unit=unit)
    return profile


def do_remember_column_mapping(unit: Unit, mapping: dict[str, str], *, acting_user) -> FinanceProfile:
    with transaction.atomic():
        profile, _created = FinanceProfile.objects.select_for_update().get_or_create(unit=unit)
        before = dict(profile.column_mapping)
        profile.column_mapping = dict(mapping)
        profile.save(update_fields=["column_mapping", "updated_at"])
        record_event(acting_user=acting_user, event_code="finance.column_mapping_set", subject=profile,
                     before={"column_mapping": before}, after={"column_mapping": profile.column_mapping}, unit=unit)
    return profile


# ---------------------------------------------------------------- import

def do_import_batch(plan: ImportPlan, *, acting_user, sha256: str, source: str, skip_invalid: bool = False,
                    supersedes: ImportBatch | None = None, task_id: str = "",
                    progress: Callable[[int], None] | None = None) -> ImportBatch:
    """Write one immutable batch with its lines, or refuse with :class:`ImportRefused` (the import
    service's write: :func:`cleangov.finance.imports.write_batch`)."""
    return write_batch(plan, acting_user=acting_user, sha256=sha256, source=source, skip_invalid=skip_invalid,
                       supersedes=supersedes, task_id=task_id, progress=progress)


# ---------------------------------------------------------------- audit runs

def do_create_audit_run(*, acting_user, scope_unit: Unit, trigger: str, unit_ids: Iterable[int] = (),
                        batch: ImportBatch | None = None, task_id: str = "") -> AuditRun:
    with transaction.atomic():
        run = AuditRun.objects.create(scope_unit=scope_unit, unit_ids=sorted(set(unit_ids)), trigger=trigger,
                                      batch=batch, task_id=task_id, created_at=timezone.now(),
                                      started_by=acting_user if getattr(acting_user, "pk", None) else None)
        record_event(acting_user=acting_user, event_code="finance.audit_run_started", subject=run,
                     after={"scope": scope_unit.code, "trigger": trigger, "units": run.unit_ids,
                            "batch": batch.pk if batch else None}, unit=scope_unit)
    return run



def set_rule_ids() -> frozenset[str]:
    """Rules computed over a set of lines (a unit-year, a payee, the whole run), not line by line."""
    return frozenset(rule_id for rule_id, rule in E.RULES.items() if rule.kind == "set")


def scope_note(unit: Unit) -> tuple[str, str]:
    """The words a set rule's finding ends with: over whose books it was computed (Chinese, English)."""
    return (f"（计算范围：{unit.name}的账目）", f" (computed over the books of {unit.display_name('en')})")


def do_record_findings(run: AuditRun, result, index, units: dict[int, Unit], *,
                       acting_user, std_version: str, standards_chain: str, as_of: dt.date,
                       records: dict | None = None) -> AuditRun:
    """Store the engine's findings for a run. A finding whose fingerprint exists is the same finding:
    it is updated (last run, lines, numbers), never duplicated. Findings of the audited units that this
    run no longer finds stop being current. One audit event for the run; one history entry per new
    finding.

    A set rule's finding says over whose books it was computed. One the engine reports for a unit is
    computed over that unit's books; one it reports for no unit (the Benford test over all lines) is
    computed over the run's scope: its unit and identity are that scope, so a township's statistic and
    the county's are two findings, and only a county run makes a county-wide one.

    Overlapping runs write one after the other (:func:`cleangov.finance.locks.lock_scope_for_findings`);
    a write that still meets a deadlock or a serialization failure is done again, up to three times.

    ``records`` maps a finding's line ids to the records of other apps considered for it
    (cleangov/finance/resolutions.py); they are linked to the finding, replacing the earlier links."""
    records = records or {}
    code_to_unit = {u.code: u for u in units.values()}
    set_rules = set_rule_ids()
    merged: dict[str, dict] = {}
    for f in result.findings:
        infos = [index[k] for k in f.line_ids if k in index]
        unit = code_to_unit.get(f.org_code) if f.org_code else run.scope_unit
        if unit is None:
            continue
        year = E.finding_year(f.rule, f.zh, [i.year for i in infos])
        fp = E.fingerprint(f.rule, f.org_code or run.scope_unit.code, list(f.line_ids), year)
        item = merged.get(fp)
        if item is None:
            zh, en = f.zh, f.en
            if f.rule in set_rules:
                note_zh, note_en = scope_note(unit)
                zh, en = zh + note_zh, en + note_en
            merged[fp] = {"f": f, "unit": unit, "year": year, "lines": {i.pk for i in infos},
                          "people": {p for i in infos for p in i.people}, "stake": f.amount_at_stake,
                          "zh": zh, "en": en, "records": records.get(tuple(f.line_ids), []),
                          "computed_over": run.scope_unit if f.rule in set_rules and not f.org_code else None}
        else:  # two engine findings with one identity (unit-year rules): one finding, all lines
            item["lines"] |= {i.pk for i in infos}
            item["people"] |= {p for i in infos for p in i.people}
            if f.amount_at_stake is not None:
                item["stake"] = (item["stake"] or Decimal(0)) + f.amount_at_stake

    def write() -> AuditRun:
        with transaction.atomic():
            lock_scope_for_findings(run.scope_unit)
            _write_findings(run, merged, units, acting_user=acting_user, std_version=std_version,
                            standards_chain=standards_chain, as_of=as_of, lines=result.lines,
                            coverage=result.coverage, timings=result.timings)
        return run

    return with_retries(write)


def _write_findings(run: AuditRun, merged: dict[str, dict], units: dict[int, Unit], *, acting_user,
                    std_version: str, standards_chain: str, as_of: dt.date, lines: int, coverage, timings) -> None:
    now = timezone.now()
    existing: dict[str, Finding] = {}
    fps = sorted(merged)
    for chunk in chunks(fps, 900):
        existing.update({f.fingerprint: f for f in Finding.objects.filter(fingerprint__in=chunk)})
    new_objs, updated = [], []
    for fp in fps:
        item = merged[fp]
        f = item["f"]
        values = {"rule": f.rule, "severity": f.severity, "unit": item["unit"], "year": item["year"],
                  "amount_at_stake": item["stake"], "message_zh": item["zh"], "message_en": item["en"],
                  "source": f.source, "standards_version": std_version, "last_run": run, "current": True,
                  "computed_over": item["computed_over"]}
        if fp in existing:
            obj = existing[fp]
            for k, v in values.items():
                setattr(obj, k, v)
            obj.updated_at = now
            updated.append(obj)
        else:
            new_objs.append(Finding(fingerprint=fp, first_run=run, created_at=now, updated_at=now, **values))
    Finding.objects.bulk_create(new_objs, batch_size=1000)
    if updated:
        # in primary-key order, so that two writers that do meet lock rows in the same order
        updated.sort(key=lambda o: o.pk)
        Finding.objects.bulk_update(updated, ["severity", "unit", "year", "amount_at_stake", "message_zh",
                                              "message_en", "source", "standards_version", "last_run",
                                              "current", "computed_over", "updated_at"], batch_size=1000)
    ids: dict[str, int] = {}
    for chunk in chunks(fps, 900):
        ids.update(dict(Finding.objects.filter(fingerprint__in=chunk).values_list("fingerprint", "pk")))
    upd_ids = [f.pk for f in updated]
    for chunk in chunks(upd_ids, 900):
        FindingLine.objects.filter(finding_id__in=chunk).delete()
    FindingLine.objects.bulk_create([FindingLine(finding_id=ids[fp], line_id=lp)
                                     for fp, item in merged.items() for lp in item["lines"]], batch_size=5000)
    for chunk in chunks(upd_ids, 900):
        FindingRecord.objects.filter(finding_id__in=chunk).delete()
    FindingRecord.objects.bulk_create([
        FindingRecord(finding_id=ids[fp], matter=row["matter"], title=row["title"][:300], url=row["url"][:300])
        for fp, item in merged.items() for row in {r["matter"]: r for r in item["records"]}.values()],
        batch_size=5000)
    FindingPerson.objects.bulk_create([FindingPerson(finding_id=ids[fp], person_id=pid, role=role)
                                       for fp, item in merged.items() for pid, role in item["people"]],
                                      batch_size=5000, ignore_conflicts=True)
    FindingEvent.objects.bulk_create([
        FindingEvent(finding_id=ids[o.fingerprint], kind=FindingEventKindChoices.FOUND, run=run, created_at=now)
        for o in new_objs], batch_size=5000)
    # Findings of the audited units that this run did not find again are no longer current; a
    # statistic computed over another scope (a township's, seen from a county run) is that scope's.
    unit_ids = [u.pk for u in units.values()]
    gone = 0
    for chunk in chunks(unit_ids, 500):
        gone += (Finding.objects.filter(unit_id__in=chunk, current=True)
                 .filter(Q(computed_over__isnull=True) | Q(computed_over=run.scope_unit))
                 .exclude(last_run=run).update(current=False, updated_at=now))
    run.status = AuditRunStatusChoices.SUCCEEDED
    run.finished_at = timezone.now()
    run.lines = lines
    run.findings_total = len(merged)
    run.findings_new = len(new_objs)
    run.coverage = coverage
    run.standards_chain = standards_chain[:200]
    run.standards_version = std_version
    run.as_of = as_of
    run.seconds = {k: round(v, 3) for k, v in timings.items()}
    run.save()
    record_event(acting_user=acting_user, event_code="finance.audit_run_finished", subject=run,
                 after={"lines": run.lines, "findings": run.findings_total, "new": run.findings_new,
                        "no_longer_found": gone, "standards": std_version}, unit=run.scope_unit)


def do_fail_audit_run(run: AuditRun, *, acting_user, message: str,
                      failure: str = AuditRunFailureChoices.ERROR) -> AuditRun:
    """Mark a run failed. ``failure`` is what users read (in their language); ``message`` is the
    technical detail, kept for administrators."""
    with transaction.atomic():
        AuditRun.objects.filter(pk=run.pk).update(status=AuditRunStatusChoices.FAILED, finished_at=timezone.now(),
                                                  message=message[:2000], failure=failure)
        run.refresh_from_db()
        record_event(acting_user=acting_user, event_code="finance.audit_run_failed", subject=run,
                     after={"message": message[:500], "failure": failure}, unit=run.scope_unit)
    return run


def failure_of(exc: BaseException) -> str:
    """The user-facing reason for an exception that ended a run."""
    return AuditRunFailureChoices.CONCURRENT if is_retryable(exc) else AuditRunFailureChoices.ERROR


def execute_audit_run(run: AuditRun, *, acting_user=None, progress: Callable[[str], None] | None = None,
                      pack: str | None = None) -> AuditRun:
    """Load → engine → store. Used by the worker task, the CLI, the demo and tests."""
    import time

    from django.conf import settings

    AuditRun.objects.filter(pk=run.pk).update(status=AuditRunStatusChoices.RUNNING)
    started = time.perf_counter()
    lines, units_t, fleet_t, index, units = load_run_input(run, progress)
    loaded = time.perf_counter()
    as_of = timezone.localdate()
    # The holiday calendar the deadline clocks use, with the years an administrator loaded.
    std = E.load_standards(pack or getattr(settings, "CLEANGOV_STANDARDS_PACK", "central"), as_of,
                           calendar=holiday_calendar_rows())
    result = E.audit(lines, std, units=units_t, fleet=fleet_t, progress=progress)
    # The engine knows no decision records: the village major-matter payments are checked against the
    # declared records here (cleangov/finance/resolutions.py).
    records = cross_check(result, units)
    result.timings["load_from_database"] = loaded - started
    result.timings["engine_total"] = time.perf_counter() - loaded
    return do_record_findings(run, result, index, units, acting_user=acting_user,
                              std_version=E.standards_version(std), standards_chain=" → ".join(std.chain),
                              as_of=as_of, records=records)


# ---------------------------------------------------------------- review

def _subject_people(finding: Finding) -> list[int]:
    return sorted(set(finding.subject_links.values_list("person_id", flat=True)))


def _refusal(finding: Finding, verb: str) -> str:
    """Why a step is refused in the finding's state, in words: when someone else has just reviewed the finding
    (two officers on the same page), who did what and when, so the second one reads the decision, not a code."""
    action = next((str(t.label) for t in FINDING_WORKFLOW.transitions if t.name == verb), verb)
    last = (finding.events.exclude(kind__in=[FindingEventKindChoices.FOUND, FindingEventKindChoices.COMMENTED])
            .select_related("actor__person").order_by("-created_at", "-pk").first())
    status = finding.get_status_display()
    if last is not None:
        actor = last.actor
        who = (actor.person.name if actor is not None and actor.person_id else
               (actor.get_username() if actor is not None else _("the system")))
        when = timezone.localtime(last.created_at).strftime("%Y-%m-%d %H:%M")
        return _("%(who)s already reviewed this finding at %(when)s (%(what)s); it is now “%(status)s”. "
                 "Your step “%(action)s” was not saved: read their decision below.") % {
            "who": who, "when": when, "what": last.get_kind_display(), "status": status, "action": action}
    return _("A finding that is “%(status)s” cannot take the step “%(action)s”.") % {
        "status": status, "action": action}


def _check_transition(finding: Finding, verb: str, user) -> Transition:
    t = find_transition(FINDING_WORKFLOW, finding.status, verb)
    if t is None:
        raise FindingActionError(_refusal(finding, verb))
    if user is not None and not may_take(FINDING_WORKFLOW, t, user, finding):
        raise FindingActionError(_("You may not do this to this finding."))
    return t


def _reason(reason: str, transition: Transition | None = None) -> str:
    """The reason of a review step (the table requires one for every step) or the text of a comment."""
    try:
        return validate_reason(transition, reason, required=transition is None)
    except ValidationError as exc:
        raise FindingActionError(_("A reason is required.")) from exc


def _decide(finding: Finding, verb: str, kind: str, *, acting_user, reason: str, extra: dict | None = None,
            responsible_person: Person | None = None, due_date: dt.date | None = None) -> Finding:
    with transaction.atomic():
        locked = Finding.objects.select_for_update().get(pk=finding.pk)
        check_conflict_of_interest(acting_user, named_people=responsible_person,
                                   subject_people=_subject_people(locked))
        transition = _check_transition(locked, verb, acting_user)
        target, reason = transition.target, _reason(reason, transition)
        before = {"status": locked.status}
        locked.status = target
        if verb != "escalate":
            locked.decided_by = acting_user if getattr(acting_user, "pk", None) else None
            locked.decided_at = timezone.now()
        if responsible_person is not None:
            locked.responsible_person = responsible_person
            locked.due_date = due_date
        locked.save()
        FindingEvent.objects.create(finding=locked, kind=kind, text=reason, created_at=timezone.now(),
                                    actor=acting_user if getattr(acting_user, "pk", None) else None)
        people = _subject_people(locked)
        record_event(acting_user=acting_user, event_code=f"finance.finding_{kind}", subject=locked, before=before,
                     after={"status": target, "reason": reason, **(extra or {})}, unit=locked.unit,
                     subject_people=people)
        if verb == "confirm" and not _hand_over_for_rectification(locked, people, acting_user=acting_user):
            # No rectification app took the problem over: the finding keeps its own clock, which
            # cleangov.deadlines escalates one level up when overdue.
            create_deadline(locked, RECTIFICATION_RULE, due_date=due_date, unit=locked.unit, acting_user=acting_user,
                            assignee=getattr(responsible_person, "user", None) if responsible_person else None,
                            title=str(_("Rectify finding #%(id)s") % {"id": locked.pk}),
                            link=f"/finance/findings/{locked.pk}/", subject_people=people)
    return locked


def _hand_over_for_rectification(finding: Finding, people: list[int], *, acting_user) -> bool:
    """Send the confirmed problem to rectification (core.signals.problem_found, inside this
    transaction): what is wrong, the rule's explanation and numbers, and the voucher lines concerned,
    without the reviewers' reasons or the names on the lines. True when a receiver took it over."""
    from django.utils.translation import get_language

    from cleangov.core.matters import MatterRef
    from cleangov.core.signals import problem_found

    from .choices import FindingRuleChoices, VoucherCategoryChoices

    rule_label = str(FindingRuleChoices(finding.rule).label) if finding.rule in FindingRuleChoices.values \
        else finding.rule
    categories = dict(VoucherCategoryChoices.choices)
    lines = [{"voucher_no": line.voucher_no, "voucher_date": line.voucher_date.isoformat(),
              "category": str(categories.get(line.category, line.category)), "amount": str(line.amount),
              "payee": line.payee, "summary": line.summary[:200]}
             for line in finding.lines.order_by("voucher_date", "line_id")[:200]]
    explanation = "\n".join(filter(None, [
        finding.message_zh, finding.message_en,
        str(_("Standard and its source: %(source)s") % {"source": finding.source}),
        str(_("Amount at stake: %(amount)s yuan") % {"amount": finding.amount_at_stake})
        if finding.amount_at_stake is not None else ""]))
    responses = problem_found.send(
        sender=Finding, source=MatterRef.of(finding), source_code=f"rule:{finding.rule}", unit_id=finding.unit_id,
        title=f"{rule_label} · {finding.unit}{f' · {finding.year}' if finding.year else ''}",
        detail=finding.message(get_language()), responsible_person_id=finding.responsible_person_id,
        deadline=finding.due_date, amount=finding.amount_at_stake, acting_user=acting_user,
        explanation=explanation, lines=lines, subject_person_ids=people)
    return any(response for _receiver, response in responses)


def do_confirm_finding(finding: Finding, *, acting_user, reason: str, responsible_person: Person,
                       due_date: dt.date) -> Finding:
    if responsible_person is None or due_date is None:
        raise FindingActionError(_("Confirming names a responsible person and a deadline."))
    if due_date <= timezone.localdate():
        raise FindingActionError(_("The deadline must be in the future."))
    return _decide(finding, "confirm", FindingEventKindChoices.CONFIRMED, acting_user=acting_user, reason=reason,
                   responsible_person=responsible_person, due_date=due_date,
                   extra={"responsible_person": responsible_person.pk, "due_date": due_date})


def do_dismiss_finding(finding: Finding, *, acting_user, reason: str) -> Finding:
    return _decide(finding, "dismiss", FindingEventKindChoices.DISMISSED, acting_user=acting_user, reason=reason)


def do_escalate_finding(finding: Finding, *, acting_user, reason: str) -> Finding:
    return _decide(finding, "escalate", FindingEventKindChoices.ESCALATED, acting_user=acting_user, reason=reason)


def do_comment_finding(finding: Finding, *, acting_user, text: str) -> FindingEvent:
    text = _reason(text)
    check_conflict_of_interest(acting_user, subject_people=_subject_people(finding))
    with transaction.atomic():
        event = FindingEvent.objects.create(finding=finding, kind=FindingEventKindChoices.COMMENTED, text=text,
                                            actor=acting_user, created_at=timezone.now())
        record_event(acting_user=acting_user, event_code="finance.finding_commented", subject=finding,
                     after={"comment": text}, unit=finding.unit, subject_people=_subject_people(finding))
    return event



# ---------------------------------------------------------------- API tokens


def do_create_api_token(*, acting_user, user, name: str) -> tuple[ApiToken, str]:
    raw = new_raw_token()
    with transaction.atomic():
        token = ApiToken.objects.create(user=user, name=name.strip()[:100] or "API", token_hash=hash_token(raw),
                                        prefix=raw[:8], created_at=timezone.now())
        record_event(acting_user=acting_user, event_code="finance.api_token_created", subject=token,
                     after={"name": token.name, "user": user.pk, "prefix": token.prefix})
    return token, raw


def do_revoke_api_token(token: ApiToken, *, acting_user) -> ApiToken:
    with transaction.atomic():
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
        token.refresh_from_db()
        record_event(acting_user=acting_user, event_code="finance.api_token_revoked", subject=token,
                     after={"revoked_at": token.revoked_at})
    return token
