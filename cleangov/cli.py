"""The ``cleangov`` command line.

Each subcommand is a Django management command, so the web app, the CLI and the tests run the
same actions. Exit codes: 0 success, 1 a check failed (e.g. ``verify-trail`` found a broken
chain), 2 bad usage or bad input, 3 the environment is not ready (e.g. database unreachable).
"""

from __future__ import annotations

import os
import sys

# subcommand → (management command, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "setup": ("cleangov_setup", "Create or upgrade the database and load reference data (idempotent)."),
    "migrate": ("migrate", "Apply database migrations only."),
    "demo": ("demo", "Build the deterministic demo county and print one login per role."),
    "serve": ("serve", "Serve the web app with the Waitress production WSGI server."),
    "worker": ("worker", "Run background tasks (and the periodic deadline tick)."),
    "import-orgs": ("import_orgs", "Import units, people, posts and relations from CSV or XLSX."),
    "import-vouchers": ("import_vouchers", "Import a voucher file (CSV/XLSX) for a unit as a batch, then audit it."),
    "verify-trail": ("verify_trail", "Recompute the audit trail's hash chain; exit 1 naming the first broken event."),
    "verify-ledger": ("verify_ledger", "Verify a unit's record book against its signed checkpoints (offline with "
                      "--export/--checkpoints); exit 1 naming the first entry that does not match."),
    "export-ledger": ("export_ledger", "Write a unit's record book as a JSON-lines export for offline verification."),
    "ledger-checkpoint": ("ledger_checkpoint", "Sign the due monthly record-book checkpoints (township keys)."),
    "ledger-kinds": ("ledger_kinds", "Record-book kinds: check FILE, import FILE (YAML), show."),
    "assess": ("assess", "Compute an assessment (--framework --period --units), or --check/--load/--list frameworks."),
    "tick": ("tick", "Mark overdue deadlines, notify assignees and escalate one level up."),
    "calendar": ("calendar", "Working-day calendar: is-workday DATE, add-workdays DATE N, load FILE, show YEAR."),
    "createadmin": ("createadmin", "Create a system administrator account."),
    "reporting-recovery-key": ("reporting_recovery_key", "Make (--rotate: replace) the offline recovery key of the "
                               "report offices; its private key is written once to --out FILE."),
    "reporting-recover": ("reporting_recover", "Give a handler the office keys again with the offline recovery "
                          "key (--key-file FILE --handler USERNAME)."),
    "audit": ("", "Voucher audit engine (no Django): run INPUT... [--units] [--fleet] [--engine duckdb|spark]."),
    "standards": ("", "Spending standards packs: show [--county PACK] [--date D]."),
}

# Subcommands served by the pure-Python voucher_audit engine: dispatched before any Django setup.
ENGINE_COMMANDS = {"audit", "standards"}


def _usage() -> str:
    lines = ["usage: cleangov <command> [options]", "", "commands:"]
    width = max(len(c) for c in COMMANDS)
    for name, (_cmd, text) in COMMANDS.items():
        lines.append(f"  {name.ljust(width)}  {text}")
    lines += ["", "Run 'cleangov <command> --help' for a command's options.",
              "Exit codes: 0 ok, 1 check failed, 2 bad usage or input, 3 environment not ready."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(_usage())
        return 0
    name, rest = argv[0], argv[1:]
    if name not in COMMANDS:
        print(f"cleangov: unknown command '{name}'\n", file=sys.stderr)
        print(_usage(), file=sys.stderr)
        return 2
    if name in ENGINE_COMMANDS:
        from voucher_audit.cli import main as engine_main

        return engine_main(rest, prog=f"cleangov {name}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cleangov.settings")
    import django
    from django.core.management import get_commands, load_command_class

    django.setup()
    command_name = COMMANDS[name][0]
    command = load_command_class(get_commands()[command_name], command_name)
    try:
        # run_from_argv names the parser "cleangov <name>" and turns CommandError into its exit code.
        command.run_from_argv(["cleangov", name, *rest])
    except SystemExit as exc:
        if isinstance(exc.code, str):
            return 2
        return int(exc.code or 0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
