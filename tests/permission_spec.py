"""Who may do what: the specification the permission matrix (tests/test_permission_matrix.py) checks.

This table is written by hand from the role descriptions (the roles table of the design, the
access notes of docs/access.md and each app's docs page). It deliberately imports nothing from
``cleangov.*.access``: if an access module's role table is wrong, the matrix fails instead of
agreeing with it. Change a line here only when the specification changes, never to make the
matrix pass.

Each noun names what a page shows or changes; ``view`` lists the roles that may read it, ``act``
the roles that may change it (or open the form that changes it). Scope comes on top: a role in the
list still gets 404 for an object outside the units of its assignment (the unit itself, plus the
subtree when the assignment includes it). Roles outside the list get 404 too (forbidden looks like
missing). The URLs are mapped to these nouns in tests/support/urlregistry/.
"""

from __future__ import annotations

EVERY_ROLE = frozenset({
    "county_commission", "county_leader", "auditor", "sysadmin",
    "township_secretary", "township_leader", "township_discipline", "accountant",
    "department_head", "department_staff",
    "liaison_cadre", "village_secretary", "committee_director", "supervision_member", "villager_representative",
})

# Who reads the audit trail: the overseers and the system administrator (no report contents there).
_AUDIT_READERS = {"county_commission", "county_leader", "auditor", "sysadmin", "township_secretary",
                  "township_discipline"}
# Duties: overseers of the duty system and the members who carry duties; not the accountant, the
# supervision committee, villager representatives or the system administrator.
_DUTY_READERS = EVERY_ROLE - {"accountant", "supervision_member", "villager_representative", "sysadmin"}
# Who decomposes duties and issues letters: the first responsible person at each level.
_DUTY_MANAGERS = {"county_leader", "township_secretary", "department_head", "village_secretary"}
# Voucher review: the commission, the township discipline staff, the auditor, the accountant who
# imported the books and the village supervision committee.
_FINDING_READERS = {"county_commission", "township_discipline", "auditor", "accountant", "supervision_member"}
_VOUCHER_READERS = {"county_commission", "township_discipline", "auditor", "accountant"}
# Assessment results: everyone assessed or assessing, not the accountant, villager representatives
# or the system administrator.
_ASSESSMENT_READERS = EVERY_ROLE - {"accountant", "villager_representative", "sysadmin"}
_INSPECTORS = {"county_commission", "township_discipline"}
# Record books: every role but the system administrator, who has no access to contents.
_LEDGER_READERS = EVERY_ROLE - {"sysadmin"}
_LEDGER_INSPECTORS = {"county_commission", "county_leader", "auditor", "township_secretary", "township_leader",
                      "township_discipline"}
# Who records the matrix's record-book kind (cadre_duty in cleangov/data/ledgers/kinds.yaml).
_CADRE_DUTY_RECORDERS = {"liaison_cadre", "village_secretary", "committee_director"}

# Rectification: the county's overseers, the township's leadership and discipline secretary, and a
# department's head for the department.
_RECTIFICATION_READERS = {"county_commission", "county_leader", "auditor", "township_secretary", "township_leader",
                          "township_discipline", "department_head"}
# Democratic management: every village role, the township and the county overseers and the township's
# agency accounting centre read it; villagers' concerns name the villager and stay with the liaison
# cadre, the village leaders and the discipline side; the supervision committee reviews the vouchers.
_DEMOCRACY_READERS = EVERY_ROLE - {"sysadmin", "department_head", "department_staff"}
_CONCERN_READERS = {"liaison_cadre", "village_secretary", "committee_director", "township_secretary",
                    "township_leader", "township_discipline", "county_commission"}

NOUNS: dict[str, dict[str, frozenset[str]]] = {
    # core and accounts
    "home": {"view": EVERY_ROLE},
    "audit_event": {"view": frozenset(_AUDIT_READERS)},
    "audit_trail_verification": {"act": frozenset({"county_commission", "sysadmin"})},
    "own_notification": {"act": EVERY_ROLE},  # only the recipient's own
    "own_task_progress": {"view": EVERY_ROLE, "act": EVERY_ROLE},  # only the starter's own
    "own_security_settings": {"view": EVERY_ROLE, "act": EVERY_ROLE},
    # organisation tree: the map every user works in
    "unit": {"view": EVERY_ROLE},
    "person": {"view": EVERY_ROLE},
    # duties
    "own_duty_item": {"view": EVERY_ROLE},
    "published_key_points": {"view": EVERY_ROLE, "act": frozenset({"county_commission", "county_leader"})},
    "key_points": {"view": frozenset({"county_commission", "county_leader", "auditor"}),
                   "act": frozenset({"county_commission", "county_leader"})},
    "duty_item": {"view": _DUTY_READERS, "act": frozenset(_DUTY_MANAGERS)},
    # the lead person reports progress on their own item (the matrix's item is led by the asking
    # committee director); managers report for anyone below them
    "duty_progress": {"act": frozenset(_DUTY_MANAGERS | {"committee_director"})},
    "duty_rolldown": {"act": frozenset({"county_leader", "township_secretary"})},
    "letter": {"view": _DUTY_READERS, "act": frozenset(_DUTY_MANAGERS)},
    "letter_revision": {"act": frozenset({"county_leader", "township_secretary"})},
    "own_letter": {"view": EVERY_ROLE, "act": EVERY_ROLE},  # only letters naming the user
    # deadlines: escalations and clocks that reach nobody, for the county commission and township
    # discipline staff, who follow up what the organisation tree leaves unattended
    "unreached_clocks": {"view": frozenset({"county_commission", "township_discipline"})},
    # record books
    "ledger_book": {"view": _LEDGER_READERS},
    "ledger_kind": {"view": EVERY_ROLE},
    "ledger_entry": {"view": _LEDGER_READERS, "act": frozenset(_CADRE_DUTY_RECORDERS)},
    "ledger_export": {"view": frozenset(_LEDGER_INSPECTORS)},
    "ledger_township_overview": {"view": frozenset(_LEDGER_INSPECTORS)},
    # finance
    "finance_home": {"view": EVERY_ROLE},
    "voucher_import": {"act": frozenset({"accountant"})},
    "finance_task": {"view": frozenset({"accountant", "county_commission", "township_discipline"})},
    "import_batch": {"view": frozenset(_VOUCHER_READERS)},
    "audit_run": {"view": frozenset(_VOUCHER_READERS), "act": frozenset(_INSPECTORS)},
    "finding": {"view": frozenset(_FINDING_READERS),
                "act": frozenset({"county_commission", "township_discipline", "supervision_member"})},
    "rule_statistics": {"view": frozenset({"county_commission", "sysadmin"})},
    "api_token": {"view": frozenset({"accountant"}), "act": frozenset({"accountant"})},
    "finance_dashboard": {"view": frozenset(_FINDING_READERS)},
    # assessment
    "assessment_run": {"view": _ASSESSMENT_READERS, "act": frozenset(_INSPECTORS)},
    "assessment_publication": {"act": frozenset({"county_commission", "county_leader"})},
    "score_snapshot": {"view": _ASSESSMENT_READERS, "act": frozenset(_INSPECTORS)},
    "inspection_finding": {"view": _ASSESSMENT_READERS, "act": frozenset(_INSPECTORS)},
    "assessment_framework": {"view": EVERY_ROLE - {"accountant", "villager_representative"},
                             "act": frozenset({"county_commission", "sysadmin"})},
    # rectification: the overseers of the unit's rectification and the handlers who verify it; the
    # responsible person works on their own item only, in the view made for them
    "rectification_home": {"view": EVERY_ROLE},
    "rectification_item": {"view": frozenset(_RECTIFICATION_READERS),
                           "act": frozenset({"county_commission", "township_discipline", "township_secretary"})},
    "rectification_recusal": {"act": frozenset(_RECTIFICATION_READERS)},
    "own_rectification_item": {"view": EVERY_ROLE, "act": EVERY_ROLE},  # only items naming the user responsible
    # accountability cases: carried by the discipline bodies, decided by the party committees, read by
    # the auditor; whoever reads a case may record their own recusal from it
    "case": {"view": frozenset({"county_commission", "township_discipline", "county_leader", "township_secretary",
                                "auditor"}),
             "act": frozenset({"county_commission", "township_discipline"})},
    "case_register": {"view": frozenset({"county_commission", "township_discipline"}),
                      "act": frozenset({"county_commission", "township_discipline"})},
    "case_decision": {"act": frozenset({"county_commission", "county_leader", "township_secretary"})},
    "case_recusal": {"act": frozenset({"county_commission", "township_discipline", "county_leader",
                                       "township_secretary", "auditor"})},
    # reports (检举控告): need to know, the handling offices only (纪检监察机关处理检举控告工作规则, Art. 47)
    "report": {"view": frozenset(_INSPECTORS), "act": frozenset(_INSPECTORS)},
    "own_report_key": {"view": frozenset(_INSPECTORS), "act": frozenset(_INSPECTORS)},
    # democracy
    "democracy": {"view": frozenset(_DEMOCRACY_READERS)},
    "democracy_concern": {"view": frozenset(_CONCERN_READERS)},
    "democracy_review_line": {"act": frozenset({"supervision_member"})},
    # village-affairs disclosure (the public side needs no login): the village prepares, the village
    # supervision committee signs or returns, the township decides exemptions; overseers and the
    # villager representatives read; the accountant, county departments and the system administrator
    # have no part in it.
    "disclosure": {"view": EVERY_ROLE - {"accountant", "department_head", "department_staff", "sysadmin"}},
    "disclosure_event": {"act": frozenset({"village_secretary", "committee_director"})},
    "disclosure_step": {"act": frozenset({"village_secretary", "committee_director", "supervision_member",
                                          "township_secretary", "township_leader"})},
    "disclosure_answer": {"act": frozenset({"village_secretary", "committee_director"})},
    "disclosure_moderation": {"act": frozenset({"township_discipline", "county_commission"})},
}


def roles_for(noun: str, kind: str) -> frozenset[str]:
    """The roles that may ``kind`` ("view" or "act") the ``noun``; a missing kind means nobody."""
    return frozenset(NOUNS[noun].get(kind, ()))
