"""Past escalations: record whether each reached someone, from its overdue audit event.

Before 0002 an overdue deadline always showed ``escalated_to`` and ``escalated_at``, whether or not
anyone received the notice. The overdue event lists the users notified ("escalated_to_users"); an
empty list means the escalation reached nobody, so it is marked unreached and listed for the county
commission. The audit trail itself is not changed.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    Deadline = apps.get_model("deadlines", "Deadline")
    AuditEvent = apps.get_model("core", "AuditEvent")
    Unit = apps.get_model("orgs", "Unit")
    overdue = Deadline.objects.filter(overdue_at__isnull=False, escalation_outcome="")
    for deadline in overdue.iterator():
        event = (AuditEvent.objects.filter(event_code="deadlines.deadline_overdue", subject_type="deadlines.deadline",
                                           subject_id=str(deadline.pk)).order_by("pk").last())
        if event is None:
            continue
        reached = bool((event.after or {}).get("escalated_to_users"))
        deadline.escalation_outcome = "reached" if reached else "unreached"
        if not reached:
            unit = Unit.objects.filter(pk=deadline.escalated_to_id).first()
            deadline.escalation_passed_over = [{"id": unit.pk, "name": unit.name}] if unit else []
            deadline.escalated_to_id = None
            deadline.escalated_at = None
            deadline.escalation_level = 0
        deadline.save(update_fields=["escalation_outcome", "escalation_passed_over", "escalated_to",
                                     "escalated_at", "escalation_level"])


class Migration(migrations.Migration):
    dependencies = [
        ("deadlines", "0002_escalation_outcome_responsible_post_rest_day"),
        ("core", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
