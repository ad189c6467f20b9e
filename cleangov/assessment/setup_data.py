"""Reference data of the assessment app, loaded by ``cleangov setup``: the default indicator frameworks."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from .actions import FrameworkLoad, do_load_framework
from .frameworks import parse_framework

DATA_DIR = Path(settings.BASE_DIR) / "data" / "assessment"


def default_files() -> list[Path]:
    return sorted(DATA_DIR.glob("*.yaml"))


def load_framework_file(path: Path, *, acting_user=None) -> FrameworkLoad:
    """Parse and load one framework file; an unchanged file changes nothing (idempotent)."""
    spec = parse_framework(Path(path).read_text(encoding="utf-8"))
    return do_load_framework(spec, acting_user=acting_user, source_file=Path(path).name)


def run(stdout) -> None:
    for path in default_files():
        load = load_framework_file(path)
        state = f"loaded as version {load.version.number}" if load.created else f"unchanged (v{load.version.number})"
        missing = f"; metrics not published yet: {', '.join(load.unknown_metrics)}" if load.unknown_metrics else ""
        stdout.write(f"assessment framework {load.framework.code} ({path.name}): {state}{missing}")
