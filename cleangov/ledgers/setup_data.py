"""Reference data of the ledgers app, loaded by ``cleangov setup``: the default kinds catalog."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from .actions import do_import_ledger_kinds
from .kinds import parse_catalog

DEFAULT_CATALOG = Path(settings.BASE_DIR) / "data" / "ledgers" / "kinds.yaml"


def load_catalog(path: Path = DEFAULT_CATALOG, *, acting_user=None):
    """Parse and import a catalog file; unchanged kinds stay as they are (idempotent)."""
    specs = parse_catalog(Path(path).read_text(encoding="utf-8"))
    return do_import_ledger_kinds(specs, acting_user=acting_user, source_file=Path(path).name)


def run(stdout) -> None:
    summary = load_catalog()
    stdout.write(f"ledger kinds ({DEFAULT_CATALOG.name}): {len(summary.created)} created, "
                 f"{len(summary.new_versions)} new versions, {len(summary.unchanged)} unchanged")
