from django.utils.translation import gettext_lazy as _

from cleangov.core.declarations import AppDeclaration, CleanGovAppConfig, Link, PeopleDirectory


class OrgsConfig(CleanGovAppConfig):
    name = "cleangov.orgs"
    label = "orgs"
    verbose_name = _("Organisation")

    def declare(self) -> AppDeclaration:
        from . import access, setup_data
        from .conflicts import conflicted_person_ids

        tree_roles = access.ORGS_VIEW_ROLES["unit"]
        return AppDeclaration(
            nav=(Link("orgs", _("Organisation"), "orgs:tree", roles=tree_roles, position=10),),
            shortcuts=(Link("orgs", _("Organisation tree"), "orgs:tree", roles=tree_roles, position=10),),
            event_labels={
                "orgs.unit_created": _("Unit created"),
                "orgs.unit_updated": _("Unit changed"),
                "orgs.person_created": _("Person registered"),
                "orgs.person_updated": _("Person changed"),
                "orgs.post_started": _("Post taken up"),
                "orgs.post_started_despite_warnings": _("Post taken up despite appointment warnings"),
                "orgs.post_ended": _("Post ended"),
                "orgs.relation_added": _("Relation registered"),
                "orgs.relation_removed": _("Relation removed"),
                "orgs.rank_mapping_set": _("Rank mapping set"),
            },
            setup=setup_data.run,
            masked_fields=access.masked_fields_for,
            # The demo county is built by this app's `cleangov demo` command, which then runs the
            # other apps' demo steps: it declares no demo step of its own.
            people=PeopleDirectory(
                conflicted_person_ids=conflicted_person_ids,
                visible_units=access.visible_units,
                unit_url=access.unit_url,
                subject_people=access.subject_people,
            ),
        )
