"""Modules on the roadmap that no installed app provides yet, shown on the home page as honest
empty states ("Nothing here yet — the module is not installed") instead of invented figures.

Plain data: role codes as strings, no app import. An entry is hidden as soon as an installed app
has its label; when the app lands, delete its entry here (the app declares its own card, with the
roles of its own access table).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class PlannedModule:
    label: str  # the app label it will have
    title: object
    offer: object  # what the module will do for this user, one sentence
    roles: frozenset[str]


PLANNED_MODULES = (
    PlannedModule("whistleblowing", _("Reports (tip-offs)"),
                  _("Anonymous reports with receipt codes, triage and disposal, with the accused and relatives "
                    "excluded."),
                  frozenset({"county_commission", "township_discipline"})),
    PlannedModule("rectification", _("Rectification"),
                  _("Every finding becomes a rectification item with owner, deadline and evidence; recurrences "
                    "escalate."),
                  frozenset({"county_commission", "township_secretary", "township_leader", "township_discipline",
                             "department_head", "village_secretary", "committee_director", "auditor"})),
    PlannedModule("cases", _("Accountability cases"),
                  _("A staged accountability workflow with the regulation's forms, time limits and appeals."),
                  frozenset({"county_commission", "township_discipline"})),
    PlannedModule("democracy", _("Democratic management"),
                  _("Four discussions, two disclosures; one-matter-one-discussion levies; meetings with quorum "
                    "checks."),
                  frozenset({"village_secretary", "committee_director", "supervision_member",
                             "villager_representative", "liaison_cadre"})),
)
