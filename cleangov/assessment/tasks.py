"""Background computation of an assessment (django-tasks, run by ``cleangov worker``), with progress."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from cleangov.core.progress import ProgressReporter, create_progress


@task(takes_context=True)
def compute_assessment_task(context, *, framework_version_id: int, year: int, scope_unit_id: int, selection: str,
                            user_id: int | None = None) -> dict:
    from cleangov.accounts.models import User
    from cleangov.orgs.models import Unit

    from .actions import do_compute_assessment
    from .compute import select_units
    from .models import FrameworkVersion

    task_id = str(context.task_result.id)
    user = User.objects.filter(pk=user_id).first() if user_id else None
    version = FrameworkVersion.objects.get(pk=framework_version_id)
    scope = Unit.objects.get(pk=scope_unit_id)
    language = (getattr(user, "preferred_language", "") or None) if user else None
    with ProgressReporter(task_id, label="assessment") as report, translation.override(language):
        units = select_units(scope, selection)
        # One step per unit per metric and one per unit scored.
        report.set_total(len(units) * (len(version.parsed.metric_ids()) + 1))
        run = do_compute_assessment(framework_version=version, year=year, scope_unit=scope, selection=selection,
                                    acting_user=user, progress=report.advance)
        report.flush()
        report.succeed(_("Computed %(count)s units in %(seconds)s s (run %(run)s).")
                       % {"count": run.unit_count, "seconds": f"{run.seconds:.1f}", "run": run.pk})
    return {"run_id": run.pk}


def start_assessment(user, *, framework_version, year: int, scope_unit, selection: str):
    """Enqueue the computation; returns the progress row the page polls (``core:task_progress``)."""
    from .access import can_start_run

    if not can_start_run(user, scope_unit):
        raise PermissionDenied
    label = _("Assessment: %(name)s %(year)s, %(unit)s") % {
        "name": framework_version.name, "year": year, "unit": scope_unit.name}
    with transaction.atomic():
        result = compute_assessment_task.enqueue(framework_version_id=framework_version.pk, year=year,
                                                 scope_unit_id=scope_unit.pk, selection=str(selection),
                                                 user_id=user.pk)
        return create_progress(task_id=result.id, label=label, started_by=user)
