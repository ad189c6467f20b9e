"""How an accountability case moves (中国共产党问责条例, 2019, procedure). One table, read by the actions,
the case page and the access gates.

    registered ─approve_initiation─► initiated ─start_investigation─► investigating ─submit_report─► reported
    reported ─deliberate─► deliberated ─decide─► decided ─deliver─► delivered ─implement─► implemented
    implemented ─file─► filed ─close─► closed
    registered | initiated | investigating | reported | deliberated ─drop─► dropped   (不予问责, with reason)

Who takes a step (roles, scoped to the case's unit):

* the discipline bodies (county discipline commission, township discipline secretary) carry the case:
  they register clues, investigate, report, deliver, supervise implementation and file (Art. 4:
  纪委监督专责, assisting the party committee);
* the party organisation with cadre-management authority approves the initiation, discusses the
  report collectively and decides (Art. 4: 党委主体责任); the county discipline commission may also
  decide the forms it decides itself (circulated criticism, admonishment, review, notice) and approve
  an initiation within its remit — the decide action refuses organisational adjustment from it.

An appeal is a record of its own with its own table (APPEAL_WORKFLOW): it does not stop the case's
execution, so the case keeps moving while it is pending.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cleangov.accounts.choices import RoleChoices as R
from cleangov.core.workflow import Transition, Workflow

from .choices import AppealStatusChoices as A
from .choices import CaseStatusChoices as S

HANDLER_ROLES = frozenset({R.COUNTY_COMMISSION, R.TOWNSHIP_DISCIPLINE})
DECIDER_ROLES = frozenset({R.COUNTY_COMMISSION, R.COUNTY_LEADER, R.TOWNSHIP_SECRETARY})
# Roles that decide every form, organisational adjustment included (the party committee).
PARTY_COMMITTEE_ROLES = frozenset({R.COUNTY_LEADER, R.TOWNSHIP_SECRETARY})

OPEN_BEFORE_DECISION = (S.REGISTERED, S.INITIATED, S.INVESTIGATING, S.REPORTED, S.DELIBERATED)

CASE_WORKFLOW = Workflow((
    Transition("approve_initiation", (S.REGISTERED,), S.INITIATED, _("Approve initiation"), roles=DECIDER_ROLES),
    Transition("start_investigation", (S.INITIATED,), S.INVESTIGATING, _("Start the investigation"),
               roles=HANDLER_ROLES),
    Transition("submit_report", (S.INVESTIGATING,), S.REPORTED, _("Submit the investigation report"),
               roles=HANDLER_ROLES),
    Transition("deliberate", (S.REPORTED,), S.DELIBERATED, _("Record the collective discussion"),
               roles=DECIDER_ROLES),
    Transition("decide", (S.DELIBERATED,), S.DECIDED, _("Record the accountability decision"),
               roles=DECIDER_ROLES),
    Transition("deliver", (S.DECIDED,), S.DELIVERED, _("Record announcement and delivery"), roles=HANDLER_ROLES),
    Transition("implement", (S.DELIVERED,), S.IMPLEMENTED, _("Record implementation"), roles=HANDLER_ROLES),
    Transition("file", (S.IMPLEMENTED,), S.FILED, _("Record filing to the personal file"), roles=HANDLER_ROLES),
    Transition("close", (S.FILED,), S.CLOSED, _("Close the case"), roles=HANDLER_ROLES),
    Transition("drop", OPEN_BEFORE_DECISION, S.DROPPED, _("Decide no accountability"), roles=DECIDER_ROLES,
               needs_reason=True),
), states=S, path_field="unit__path")
CASE_TRANSITIONS = {t.name: t for t in CASE_WORKFLOW}

APPEAL_WORKFLOW = Workflow((
    Transition("uphold", (A.FILED,), A.UPHELD, _("Uphold the decision"), roles=DECIDER_ROLES, needs_reason=True),
    Transition("change", (A.FILED,), A.CHANGED, _("Change the decision"), roles=DECIDER_ROLES, needs_reason=True),
    Transition("revoke", (A.FILED,), A.REVOKED, _("Revoke the decision"), roles=DECIDER_ROLES, needs_reason=True),
), states=A, path_field="case__unit__path")
APPEAL_TRANSITIONS = {t.name: t for t in APPEAL_WORKFLOW}

# States after delivery: an appeal may be filed (within the window) and the decision corrected.
AFTER_DELIVERY = (S.DELIVERED, S.IMPLEMENTED, S.FILED, S.CLOSED)
# Roles that read cases: those who take a step, and the auditor (read-only).
VIEW_ROLES = CASE_WORKFLOW.roles() | {R.AUDITOR}
