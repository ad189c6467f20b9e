from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "cleangov.orgs"
    label = "orgs"
    verbose_name = _("Organisation")

    def ready(self):
        from cleangov.core.access import register_conflict_query

        from .conflicts import conflicted_person_ids

        register_conflict_query(conflicted_person_ids)
