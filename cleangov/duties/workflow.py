"""How a duty item moves. One table, read by the actions and by the item page.

    draft ──assign──► assigned ──progress (first update)──► in_progress ──complete──► done ──verify──► verified
                         │                                       ▲                      │
                         └───────────── complete ────────────────┼──────────────────────┤
                                                                 └────── return ────────┘
    draft | assigned | in_progress ──cancel──► cancelled

"Overdue" is not a state of the item but of its clock: the item's deadline (rule
``duties.item_completion``, started on assignment) is marked overdue by the deadline tick, which
notifies the lead person and escalates one level up (cleangov/deadlines/workflow.py). An overdue item
can still be completed; it then counts as done late in ``duties.completion_on_time``.

Who may take a transition ("capability", checked by cleangov/duties/access.py):

* ``manage``: the first responsible person of the item's unit or of a unit above it — township
  party secretary, county department head, village party secretary, county party committee leader
  (中发〔2010〕19号 Art. 6: 重要工作亲自部署).
* ``lead``: the item's lead person themselves ("one post, two responsibilities"), or a manager.
* ``verify``: a manager or the discipline side (township discipline secretary, county discipline
  commission: 纪委组织协调, Art. 4) — never the lead person of the item (no self-verification).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cleangov.core.workflow import Transition, Workflow

from .choices import DutyItemStatusChoices as S

# Every step is taken by a capability (manage, lead, verify; cleangov/duties/access.py resolves them),
# since "the item's lead person" and "never the item's own lead person" are not a matter of role alone.
DUTY_WORKFLOW = Workflow((
    Transition("assign", (S.DRAFT,), S.ASSIGNED, _("Assign to the lead person"), capability="manage"),
    # Taken automatically by the first progress update (do_add_duty_progress), listed for the table.
    Transition("start", (S.ASSIGNED,), S.IN_PROGRESS, _("Start"), capability="lead"),
    Transition("complete", (S.ASSIGNED, S.IN_PROGRESS), S.DONE, _("Report as done"), capability="lead",
               needs_evidence=True),
    Transition("verify", (S.DONE,), S.VERIFIED, _("Verify"), capability="verify"),
    Transition("return", (S.DONE,), S.IN_PROGRESS, _("Return for more work"), capability="verify",
               needs_reason=True),
    Transition("cancel", (S.DRAFT, S.ASSIGNED, S.IN_PROGRESS), S.CANCELLED, _("Cancel"), capability="manage",
               needs_reason=True),
), states=S)
# Names are unique in this table (each step has one row), so it also reads as a mapping by name.
DUTY_TRANSITIONS: dict[str, Transition] = {t.name: t for t in DUTY_WORKFLOW}

# Statuses in which the item still needs work (its clock runs).
OPEN_STATUSES = (S.ASSIGNED, S.IN_PROGRESS)
# Statuses that count as completed for the metrics.
COMPLETED_STATUSES = (S.DONE, S.VERIFIED)
# Buttons shown on the item page; "start" happens by itself.
UI_TRANSITIONS = ("assign", "complete", "verify", "return", "cancel")


def available(status: str) -> list[Transition]:
    """The buttons of the item page in ``status``, before the user's capabilities are applied."""
    return [t for t in DUTY_WORKFLOW if status in t.sources and t.name in UI_TRANSITIONS]
