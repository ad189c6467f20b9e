"""How decisions, levy plans and village rules move. One table per model, read by the actions, the
access gates and the pages.

Decision (四议两公开, 中国共产党农村基层组织工作条例 2019; 村民委员会组织法 2018 Arts. 22, 24, 26):

    draft ─propose─► proposed ─discuss*─► discussed ─review*─► reviewed ─decide*─► decided
      └──────── propose_merged (one person holds both posts) ───┘
    decided ─disclose_resolution─► resolution_disclosed ─disclose_result─► result_disclosed
    draft … reviewed ─withdraw─► withdrawn

Steps marked * are taken only by recording their meeting (do_record_decision_meeting) and only when
the platform finds that the quorum and the majority held; ``MEETING_STEPS`` names the bodies each
accepts. A failed meeting stays on record and the decision stays where it was.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cleangov.accounts.choices import RoleChoices as R
from cleangov.core.workflow import Transition, Workflow

from .choices import DecisionStatusChoices as D
from .choices import LevyStatusChoices as L
from .choices import MeetingBodyChoices as B
from .choices import VillageRuleStatusChoices as V

VILLAGE_LEADERS = frozenset({R.VILLAGE_SECRETARY, R.COMMITTEE_DIRECTOR})
TOWNSHIP_REVIEWERS = frozenset({R.TOWNSHIP_SECRETARY, R.TOWNSHIP_LEADER})
COUNTY_FILERS = frozenset({R.COUNTY_LEADER})

DECISION_WORKFLOW = Workflow((
    Transition("propose", (D.DRAFT,), D.PROPOSED, _("Record the party branch's proposal"),
               roles={R.VILLAGE_SECRETARY}),
    Transition("propose_merged", (D.DRAFT,), D.DISCUSSED,
               _("Propose and discuss in one (one person holds both posts)"), roles={R.VILLAGE_SECRETARY}),
    Transition("discuss", (D.PROPOSED,), D.DISCUSSED, _("Two committees' discussion"), roles=VILLAGE_LEADERS),
    Transition("review", (D.DISCUSSED,), D.REVIEWED, _("Party members' meeting review"), roles=VILLAGE_LEADERS),
    Transition("decide", (D.REVIEWED,), D.DECIDED, _("Villagers' (representatives') meeting decision"),
               roles=VILLAGE_LEADERS),
    Transition("disclose_resolution", (D.DECIDED,), D.RESOLUTION_DISCLOSED, _("Disclose the resolution"),
               roles=VILLAGE_LEADERS),
    Transition("disclose_result", (D.RESOLUTION_DISCLOSED,), D.RESULT_DISCLOSED,
               _("Disclose the implementation result"), roles=VILLAGE_LEADERS),
    Transition("withdraw", (D.DRAFT, D.PROPOSED, D.DISCUSSED, D.REVIEWED), D.WITHDRAWN, _("Withdraw"),
               roles={R.VILLAGE_SECRETARY}, needs_reason=True),
), states=D, path_field="unit__path")

# Steps taken by a meeting, and the bodies whose meeting takes them.
MEETING_STEPS: dict[str, tuple[str, ...]] = {
    "discuss": (B.TWO_COMMITTEES,),
    "review": (B.PARTY_MEMBERS,),
    "decide": (B.ASSEMBLY_ADULTS, B.ASSEMBLY_HOUSEHOLDS, B.REPRESENTATIVES),
}
# Steps taken from the decision page without a meeting.
PLAIN_DECISION_STEPS = ("propose", "propose_merged", "disclose_resolution", "disclose_result", "withdraw")

LEVY_WORKFLOW = Workflow((
    Transition("approve", (L.DRAFT,), L.APPROVED, _("Record the villagers' meeting approval"),
               roles=VILLAGE_LEADERS),
    Transition("township_review", (L.APPROVED,), L.TOWNSHIP_REVIEWED, _("Township review"),
               roles=TOWNSHIP_REVIEWERS),
    Transition("county_file", (L.TOWNSHIP_REVIEWED,), L.COUNTY_FILED, _("File with the county"),
               roles=COUNTY_FILERS),
    Transition("collect", (L.COUNTY_FILED,), L.COLLECTING, _("Start collecting"), roles=VILLAGE_LEADERS),
    Transition("settle", (L.COLLECTING,), L.SETTLED, _("Settle and disclose"), roles=VILLAGE_LEADERS),
    Transition("withdraw", (L.DRAFT, L.APPROVED), L.WITHDRAWN, _("Withdraw"), roles=VILLAGE_LEADERS,
               needs_reason=True),
    Transition("return", (L.APPROVED,), L.DRAFT, _("Return to the village"), roles=TOWNSHIP_REVIEWERS,
               needs_reason=True),
), states=L, path_field="unit__path")

RULE_WORKFLOW = Workflow((
    Transition("adopt", (V.DRAFT, V.RETURNED), V.FILED, _("Record the adoption and file with the township"),
               roles=VILLAGE_LEADERS),
    Transition("approve", (V.FILED,), V.PUBLISHED, _("Find lawful and publish"), roles=TOWNSHIP_REVIEWERS),
    Transition("return", (V.FILED,), V.RETURNED, _("Return: a clause infringes villagers' rights"),
               roles=TOWNSHIP_REVIEWERS, needs_reason=True),
), states=V, path_field="unit__path")
