"""``cleangov assess``: compute an assessment, or manage indicator frameworks.

    cleangov assess --framework year_end --period 2026 --units all [--scope QH] [--publish]
    cleangov assess --check FILE          validate a framework file (errors name line, indicator, field)
    cleangov assess --load FILE           load it as the framework's new version
    cleangov assess --list                list frameworks and their current versions
"""

from __future__ import annotations

import time
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cleangov.assessment.choices import UnitSelectionChoices


class Command(BaseCommand):
    help = "Compute an assessment for a period (--framework, --period, --units), or --check/--load/--list frameworks."

    def add_arguments(self, parser):
        parser.add_argument("--framework", help="framework code, e.g. year_end or midyear")
        parser.add_argument("--period", type=int, help="the year (mid-year: Jan 1 – Jun 30 of it)")
        parser.add_argument("--units", default="all", choices=[str(c) for c in UnitSelectionChoices],
                            help="which units of the scope to assess (default: all)")
        parser.add_argument("--scope", help="code of the unit whose subtree is assessed (default: the county)")
        parser.add_argument("--publish", action="store_true", help="publish the results right away")
        parser.add_argument("--check", metavar="FILE", help="validate a framework file and stop")
        parser.add_argument("--load", metavar="FILE", help="load a framework file as a new version")
        parser.add_argument("--list", action="store_true", help="list the frameworks")

    def handle(self, *args, **o):
        if o["check"] or o["load"]:
            return self._file(o["check"] or o["load"], load=bool(o["load"]))
        if o["list"]:
            return self._list()
        if not o["framework"] or not o["period"]:
            raise CommandError("give --framework and --period (or --check/--load/--list)", returncode=2)
        return self._compute(o)

    def _file(self, file: str, *, load: bool):
        from cleangov.assessment.actions import do_load_framework
        from cleangov.assessment.frameworks import FrameworkError, parse_framework
        from cleangov.core import uploads

        try:
            text = uploads.read_text(Path(file), max_bytes=uploads.yaml_max_bytes())
            spec = parse_framework(text, Path(file).name)
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc}", returncode=2) from exc
        except uploads.ReadError as exc:
            raise CommandError(uploads.refusal(exc), returncode=2) from exc
        except FrameworkError as exc:
            for line in exc.errors:
                self.stderr.write(f"{file}: {line}")
            raise CommandError(f"{len(exc.errors)} problem(s) in {file}; nothing loaded", returncode=2) from exc
        if not load:
            self.stdout.write(f"{file}: framework {spec.code}, {len(spec.indicators)} indicators, valid")
            return
        try:
            result = do_load_framework(spec, acting_user=None, source_file=Path(file).name)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages), returncode=2) from exc
        state = "new version" if result.created else "unchanged"
        self.stdout.write(f"{spec.code}: {state} v{result.version.number} ({spec.version_label})")
        if result.unknown_metrics:
            self.stdout.write(f"metrics not published by any module yet (shown as not available): "
                              f"{', '.join(result.unknown_metrics)}")

    def _list(self):
        from cleangov.assessment.models import Framework

        for fw in Framework.objects.select_related("current_version"):
            v = fw.current_version
            self.stdout.write(f"{fw.code:16} {fw.kind:9} v{v.number:<3} {v.version_label:10} {v.name}")

    def _compute(self, o):
        from cleangov.assessment.actions import do_compute_assessment, do_publish_run
        from cleangov.assessment.models import Framework
        from cleangov.orgs.models import Unit

        framework = Framework.objects.select_related("current_version").filter(code=o["framework"]).first()
        if framework is None or framework.current_version is None:
            raise CommandError(f"unknown framework {o['framework']!r} (see --list)", returncode=2)
        scope = (Unit.objects.filter(code=o["scope"]).first() if o["scope"]
                 else Unit.objects.filter(parent__isnull=True, level="county").first())
        if scope is None:
            raise CommandError(f"unknown scope unit {o['scope']!r}" if o["scope"] else "no county yet", returncode=2)
        started = time.monotonic()
        try:
            run = do_compute_assessment(framework_version=framework.current_version, year=o["period"],
                                        scope_unit=scope, selection=o["units"], acting_user=None)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages), returncode=2) from exc
        if o["publish"]:
            do_publish_run(run, acting_user=None)
        scored = run.snapshots.filter(computed_score__isnull=False).count()
        self.stdout.write(f"run {run.pk}: {framework.code} {run.period_start}–{run.period_end}, {run.unit_count} units "
                          f"({scored} with a score) in {time.monotonic() - started:.1f} s"
                          f"{', published' if o['publish'] else ''}")
        if run.metrics_missing:
            self.stdout.write(f"not available (no module publishes them yet): {', '.join(run.metrics_missing)}")
