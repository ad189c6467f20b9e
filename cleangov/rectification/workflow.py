"""How a rectification item moves. One table, read by the actions, the access gates and the pages.

    open ──submit (responsible person, measures + evidence)──► submitted ──verify──► verified ──close──► closed
      ▲                                                          │
      └──────────────────── reject (reason to the person) ───────┘
    open | submitted ──cancel (reason)──► cancelled

"Overdue" is not a state of the item but of its clock (rule ``rectification.item`` on the deadline
engine, started when the item opens, stopped when it is verified): the deadline tick marks it
overdue, notifies the responsible person and escalates one level up (cleangov/deadlines/workflow.py).

Who may take a step ("capability", resolved by cleangov/rectification/access.py):

* ``responsible``: the item's responsible person themselves, who submits measures and evidence.
* ``handle``: a handler of the item's unit (the township's discipline secretary and party secretary
  for its villages, the county discipline commission for every unit: 问责条例 2019 第四条, the party
  committee holds the 主体责任 and its discipline commission the 监督专责), who is neither a subject
  of the item nor related to one and has not recused. Never the responsible person: nobody verifies
  or closes their own rectification.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cleangov.core.workflow import Transition, Workflow

from .choices import ItemStatusChoices as S

RECTIFICATION_WORKFLOW = Workflow((
    Transition("submit", (S.OPEN,), S.SUBMITTED, _("Submit for verification"), capability="responsible",
               needs_evidence=True),
    Transition("reject", (S.SUBMITTED,), S.OPEN, _("Reject the evidence"), capability="handle",
               needs_reason=True),
    Transition("verify", (S.SUBMITTED,), S.VERIFIED, _("Verify"), capability="handle"),
    Transition("close", (S.VERIFIED,), S.CLOSED, _("Close"), capability="handle"),
    Transition("cancel", (S.OPEN, S.SUBMITTED), S.CANCELLED, _("Cancel"), capability="handle",
               needs_reason=True),
), states=S)
TRANSITIONS = {t.name: t for t in RECTIFICATION_WORKFLOW}

# States in which the item still needs work by the unit (its clock runs).
OPEN_STATUSES = (S.OPEN, S.SUBMITTED)
# Steps shown as buttons on the handlers' page ("submit" lives in the work view).
HANDLER_STEPS = ("reject", "verify", "close", "cancel")
DEADLINE_RULE = "rectification.item"
