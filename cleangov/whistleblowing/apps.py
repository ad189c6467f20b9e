from django.utils.translation import gettext_lazy as _

from cleangov.core.declarations import AppDeclaration, CleanGovAppConfig, HomeCard, Link, PublicLink


class WhistleblowingConfig(CleanGovAppConfig):
    name = "cleangov.whistleblowing"
    label = "whistleblowing"
    verbose_name = _("Reports (tip-offs)")

    def ready(self):
        from cleangov.core.signals import password_changed

        from .actions import carry_handler_key_over

        password_changed.connect(carry_handler_key_over, dispatch_uid="whistleblowing.carry_handler_key_over")

    def declare(self) -> AppDeclaration:
        from cleangov.accounts.choices import RoleChoices as R
        from cleangov.orgs.choices import UnitLevelChoices as L

        from . import demo_data, matters, metrics
        from .access import HANDLER_ROLES
        from .home import changes, todos
        from .workflow import ACCEPT_RULE, ACK_RULE, RESULT_RULE

        # A report is need-to-know (纪检监察机关处理检举控告工作规则, Art. 47): its overdue clocks go up the
        # discipline line only, never to party committees that may not read it.
        up_the_discipline_line = {L.VILLAGE: (R.TOWNSHIP_DISCIPLINE,), L.TOWNSHIP: (R.COUNTY_COMMISSION,),
                                  L.DEPARTMENT: (R.COUNTY_COMMISSION,), L.COUNTY: (R.COUNTY_COMMISSION,)}

        return AppDeclaration(
            todos=todos, changes=changes,
            home_cards=(HomeCard(
                _("Reports (tip-offs)"),
                _("Anonymous and real-name reports with receipt codes, sealed so that only your office can read "
                  "them; triage and disposal by the rules, with the accused and relatives excluded."),
                "whistleblowing:inbox", HANDLER_ROLES),),
            nav=(Link("whistleblowing", _("Reports"), "whistleblowing:inbox", roles=HANDLER_ROLES),),
            escalation_roles={rule: up_the_discipline_line for rule in (ACCEPT_RULE, ACK_RULE, RESULT_RULE)},
            public_links=(
                PublicLink(_("Report a problem"), _("Report a violation safely, anonymously if you wish. You get a "
                                                    "receipt code to follow your report."), "public_report:report", 20),
                PublicLink(_("Follow your report"), _("Read the answer to your report with your receipt code."),
                           "public_report:follow", 21),
            ),
            event_labels={
                "whistleblowing.report_registered": _("Report registered"),
                "whistleblowing.report_registered_repeat": _("Report registered as a repeat"),
                "whistleblowing.report_accepted": _("Report accepted"),
                "whistleblowing.report_not_accepted": _("Report not accepted"),
                "whistleblowing.report_forwarded": _("Report forwarded to another office"),
                "whistleblowing.report_disposed": _("Report disposal decided"),
                "whistleblowing.report_closed": _("Report closed"),
                "whistleblowing.report_transferred": _("Report transferred for investigation"),
                "whistleblowing.rectification_requested": _("Rectification requested from a report"),
                "whistleblowing.reporter_told": _("Message sent to the reporter"),
                "whistleblowing.note_added": _("Handler note added to a report"),
                "whistleblowing.handler_recused": _("Handler withdrew from a report"),
                "whistleblowing.identity_requested": _("Reporter identity requested"),
                "whistleblowing.identity_approved": _("Reporter identity request approved"),
                "whistleblowing.identity_refused": _("Reporter identity request refused"),
                "whistleblowing.identity_viewed": _("Reporter identity viewed"),
                "whistleblowing.false_accusation_recorded": _("False accusation recorded"),
                "whistleblowing.original_opened": _("Original attachment opened"),
                "whistleblowing.handler_key_set_up": _("Handler key set up"),
                "whistleblowing.office_keys_shared": _("Office keys shared with handlers"),
                "whistleblowing.recovery_key_made": _("Offline recovery key made"),
                "whistleblowing.recovery_key_rotated": _("Offline recovery key replaced"),
                "whistleblowing.office_key_recovered": _("Office key recovered with the offline recovery key"),
                "whistleblowing.handler_key_rewrapped": _("Handler key carried over to a new password"),
                "whistleblowing.handler_key_needs_setup": _("Handler key needs a new set-up (password reset)"),
            },
            metrics=metrics.METRICS,
            demo=demo_data.build,
            linked_matters=matters.linked_matters,
            timeline_steps=matters.timeline_steps,
        )
