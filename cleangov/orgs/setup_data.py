"""Reference data of the orgs app, loaded by ``cleangov setup`` (see core's cleangov_setup command)."""

from cleangov.orgs.importing.rank_mapping import DEFAULT_PATH, load_rank_mappings


def run(stdout) -> None:
    created, changed = load_rank_mappings()
    stdout.write(f"rank mappings ({DEFAULT_PATH.name}): {created} created, {changed} changed")
