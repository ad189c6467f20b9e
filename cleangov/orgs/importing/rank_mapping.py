"""Load the local-grade → rank table (cleangov/data/rank_mapping.csv) into RankMapping."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from django.conf import settings

from cleangov.orgs.actions import do_set_rank_mapping
from cleangov.orgs.choices import PersonRankChoices
from cleangov.orgs.models import RankMapping

DEFAULT_PATH = settings.BASE_DIR / "data" / "rank_mapping.csv"


def read_rank_mapping(path: Path = DEFAULT_PATH) -> list[tuple[str, str]]:
    text = path.read_text(encoding="utf-8-sig")
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    rows = []
    for record in csv.DictReader(io.StringIO("\n".join(lines))):
        grade, rank = record["local_grade"].strip(), record["rank"].strip()
        if rank not in PersonRankChoices.values:
            raise ValueError(f"{path}: unknown rank {rank!r} for grade {grade!r}")
        rows.append((grade, rank))
    return rows


def load_rank_mappings(*, acting_user=None, path: Path = DEFAULT_PATH) -> tuple[int, int]:
    """Create or change the mappings the file lists; an unchanged mapping is left alone, so running
    it twice writes nothing the second time. Returns (created, changed)."""
    current = dict(RankMapping.objects.values_list("local_grade", "rank"))
    created = changed = 0
    for grade, rank in read_rank_mapping(path):
        if current.get(grade) == rank:
            continue
        if grade in current:
            changed += 1
        else:
            created += 1
        do_set_rank_mapping(acting_user=acting_user, local_grade=grade, rank=rank)
    return created, changed
