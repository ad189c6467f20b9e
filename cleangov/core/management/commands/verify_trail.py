from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from cleangov.core.audit import verify_chain
from cleangov.core.models import AuditEvent


class Command(BaseCommand):
    help = "Recompute the audit trail's hash chain. Exit 0 when intact; exit 1 naming the first broken event."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args, quiet=False, **options):
        total = AuditEvent.objects.count()
        with tqdm(total=total, unit="event", disable=quiet or total < 5000, file=self.stderr._out) as bar:
            checked, problem = verify_chain(progress=bar.update)
        if problem is not None:
            raise CommandError(f"audit trail broken at {problem} ({checked} events verified before it)", returncode=1)
        self.stdout.write(f"audit trail intact: {checked} events verified")
