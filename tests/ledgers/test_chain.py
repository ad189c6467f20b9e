"""Tamper evidence: the per-unit chain, monthly signed checkpoints, export and offline verification —
honest export passes; an edited export, a row changed by direct SQL, a bad signature, a deleted entry
all fail naming the entry."""

import json
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from cleangov.cli import main as cli_main
from cleangov.core.audit import verify_chain
from cleangov.ledgers.actions import do_create_ledger_checkpoints, do_revise_ledger_entry
from cleangov.ledgers.chain import GENESIS, link_hash, verify_export_text
from cleangov.ledgers.exporting import export_lines, published_checkpoints, verify_database_book
from cleangov.ledgers.models import LedgerCheckpoint, LedgerRevision, LedgerSigningKey
from cleangov.ledgers.signing import key_dir, private_key_path


def _at(day: date, hour=10):
    return timezone.make_aware(datetime.combine(day, time(hour)))


@pytest.fixture
def book(county, record):
    """Village A: entries recorded in January, February and March 2026 (server clock mocked), checkpoints
    signed on 1 April for January–March."""
    village = county.villages["a"]
    entries = []
    for day in (date(2026, 1, 10), date(2026, 1, 20), date(2026, 2, 5), date(2026, 3, 3)):
        with mock.patch("django.utils.timezone.now", return_value=_at(day)):
            entries.append(record(village, event_date=day, values={"on_duty": f"值班{day}"}))
    with mock.patch("django.utils.timezone.now", return_value=_at(date(2026, 3, 4))):
        do_revise_ledger_entry(entries[0], title="", event_date=entries[0].event_date,
                               values={"on_duty": "王五"}, reason="名字写错", acting_user=None)
    summary = do_create_ledger_checkpoints(acting_user=None, today=date(2026, 4, 1))
    assert summary.created == 3
    return village, entries


def _export(village) -> list[str]:
    return list(export_lines(village))


def test_chain_links_revisions_in_order(book):
    village, entries = book
    revs = list(LedgerRevision.objects.filter(unit=village).order_by("seq"))
    assert [r.seq for r in revs] == [1, 2, 3, 4, 5]
    assert revs[0].prev_hash == GENESIS
    assert all(b.prev_hash == a.content_hash for a, b in pairwise(revs))
    assert revs[-1].entry_id == entries[0].pk and revs[-1].revision == 2  # the edit is a new link


def test_checkpoints_cover_each_month_and_are_signed_by_the_township_key(book, county):
    village, _ = book
    cps = list(LedgerCheckpoint.objects.filter(unit=village).order_by("month"))
    assert [(c.month, c.seq, c.entry_count) for c in cps] == [
        (date(2026, 1, 1), 2, 2), (date(2026, 2, 1), 3, 3), (date(2026, 3, 1), 5, 4)]
    key = LedgerSigningKey.objects.get()
    assert key.unit == county.townships["a"]
    path = private_key_path(county.townships["a"].code, key.key_id)
    assert path.stat().st_mode & 0o777 == 0o600
    assert (key_dir() / county.townships["a"].code).stat().st_mode & 0o777 == 0o700
    # Idempotent: nothing is due again; the next month adds one checkpoint with the same head.
    assert do_create_ledger_checkpoints(acting_user=None, today=date(2026, 4, 30)).created == 0
    assert do_create_ledger_checkpoints(acting_user=None, today=date(2026, 5, 1)).created == 1
    april = LedgerCheckpoint.objects.get(unit=village, month=date(2026, 4, 1))
    assert (april.seq, april.head_hash) == (cps[-1].seq, cps[-1].head_hash)
    assert verify_chain()[1] is None  # checkpoint events are in the audit trail and it is intact


def test_honest_export_verifies(book):
    village, _ = book
    result = verify_export_text(_export(village), published_checkpoints(village))
    assert result.ok, result.problem
    assert (result.links, result.entries, result.checkpoints) == (5, 4, 3)
    assert verify_database_book(village).ok


def test_edited_field_in_the_export_is_named(book):
    village, entries = book
    lines = _export(village)
    row = json.loads(lines[3])  # the third link: the February entry
    row["content"]["values"]["on_duty"] = "篡改"
    lines[3] = json.dumps(row, ensure_ascii=False)
    result = verify_export_text(lines, published_checkpoints(village))
    assert not result.ok
    assert result.problem.entry_id == entries[2].pk
    assert result.problem.event_date == "2026-02-05"
    assert "does not match its hash" in str(result.problem)


def test_rewritten_chain_fails_at_the_signed_checkpoint(book):
    """An attacker who edits an entry AND recomputes every hash after it still fails the signature."""
    village, entries = book
    lines = _export(village)
    rows = [json.loads(line) for line in lines]
    rows[1]["content"]["values"]["on_duty"] = "篡改"
    prev = GENESIS
    for row in rows[1:]:
        row["prev_hash"] = prev
        row["hash"] = prev = link_hash(row["content"], prev)
    result = verify_export_text([json.dumps(r, ensure_ascii=False) for r in rows], published_checkpoints(village))
    assert not result.ok
    assert "checkpoint signed for 2026-01" in result.problem.message
    assert result.problem.entry_id == entries[0].pk


def test_deleted_last_entry_is_found(book):
    village, _ = book
    result = verify_export_text(_export(village)[:-1], published_checkpoints(village))
    assert not result.ok and "truncated" in result.problem.message


def test_bad_signature_is_detected(book):
    village, _ = book
    published = published_checkpoints(village)
    sig = bytearray(published["checkpoints"][1]["signature"].encode())
    sig[5] = ord("A") if sig[5] != ord("A") else ord("B")
    published["checkpoints"][1]["signature"] = sig.decode()
    result = verify_export_text(_export(village), published)
    assert not result.ok and "2026-02: the signature does not verify" in result.problem.message
    # A checkpoint whose head was swapped (signature of the original kept) fails too.
    published = published_checkpoints(village)
    published["checkpoints"][0]["head"] = "f" * 64
    assert "signature does not verify" in verify_export_text(_export(village), published).problem.message


def test_direct_sql_update_of_a_revision_is_detected(book):
    village, entries = book
    rev = LedgerRevision.objects.get(entry=entries[1], revision=1)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE ledgers_ledgerrevision SET event_date = %s WHERE id = %s", ["2026-01-02", rev.pk])
    result = verify_database_book(village)
    assert not result.ok and result.problem.entry_id == entries[1].pk
    result = verify_export_text(_export(village), published_checkpoints(village))
    assert result.problem.entry_id == entries[1].pk


def test_direct_sql_update_of_an_entry_row_is_detected(book):
    village, entries = book
    with connection.cursor() as cursor:
        cursor.execute("UPDATE ledgers_ledgerentry SET event_date = %s WHERE id = %s", ["2026-03-01",
                                                                                        entries[3].pk])
    result = verify_database_book(village)
    assert not result.ok and result.problem.entry_id == entries[3].pk
    assert "differs from its last recorded revision" in result.problem.message


def test_cli_export_and_offline_verify(book, tmp_path, capsys):
    village, entries = book
    export, cps = tmp_path / "book.jsonl", tmp_path / "cps.json"
    call_command("export_ledger", village.code, str(export), checkpoints=str(cps))
    call_command("verify_ledger", village.code, export=str(export), checkpoints=str(cps))
    assert "ok: " in capsys.readouterr().out
    call_command("verify_ledger", village.code, export=str(export))
    call_command("verify_ledger", village.code)
    assert "ok: " in capsys.readouterr().out
    lines = export.read_text(encoding="utf-8").splitlines()
    row = json.loads(lines[4])
    row["content"]["event_date"] = "2026-02-28"
    lines[4] = json.dumps(row, ensure_ascii=False)
    export.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(CommandError) as exc:
        call_command("verify_ledger", village.code, export=str(export), checkpoints=str(cps))
    assert exc.value.returncode == 1
    assert f"entry id {entries[3].pk}" in str(exc.value) and "2026-02-28" in str(exc.value)
    # Through the console entry point too (it closes the database connections, so it comes last).
    assert cli_main(["verify-ledger", village.code, "--export", str(export), "--checkpoints", str(cps)]) == 1


def test_offline_verification_reads_no_database(book, tmp_path, django_assert_num_queries):
    village, _ = book
    export, cps = tmp_path / "book.jsonl", tmp_path / "cps.json"
    call_command("export_ledger", village.code, str(export), checkpoints=str(cps))
    with django_assert_num_queries(0):
        call_command("verify_ledger", village.code, export=str(export), checkpoints=str(cps))


def test_a_new_key_retires_the_old_one_and_old_checkpoints_still_verify(book, county):
    from cleangov.ledgers.actions import do_generate_signing_key

    village, _ = book
    do_generate_signing_key(county.townships["a"], acting_user=None)
    assert LedgerSigningKey.objects.filter(retired_at__isnull=True).count() == 1
    assert verify_export_text(_export(village), published_checkpoints(village)).ok


def test_public_checkpoints_endpoint_needs_no_login_and_shows_no_content(book, client):
    village, _ = book
    response = client.get(f"/ledgers/checkpoints/{village.code}.json")
    assert response.status_code == 200
    data = response.json()
    assert len(data["checkpoints"]) == 3 and data["keys"][0]["algorithm"] == "ed25519"
    body = response.content.decode()
    assert "值班" not in body and "王五" not in body
    assert client.get("/ledgers/checkpoints/NOPE.json").status_code == 404


def test_units_without_entries_get_no_checkpoint(county, kinds):
    assert do_create_ledger_checkpoints(acting_user=None, today=date(2026, 4, 1) + timedelta(days=1)).created == 0


def test_periodic_job_signs_due_checkpoints(book):
    """The worker's periodic job signs the monthly checkpoints that fell due (idempotently)."""
    from cleangov.core.periodic import periodic_jobs
    from cleangov.ledgers.tasks import CHECKPOINT_SCHEDULE_NAME, create_ledger_checkpoints_task

    assert CHECKPOINT_SCHEDULE_NAME in {job.name for job in periodic_jobs()}  # declared, so the worker runs it
    village, _ = book
    before = LedgerCheckpoint.objects.filter(unit=village).count()
    result = create_ledger_checkpoints_task.call("2026-05-02")
    assert result["created"] == 1
    assert LedgerCheckpoint.objects.filter(unit=village).count() == before + 1
    assert create_ledger_checkpoints_task.call("2026-05-02")["created"] == 0


def test_public_village_page_lists_the_signed_checkpoints(book, client):
    """The portal lists the checkpoints (month, entries covered, fingerprint) without a login and
    links their signed document; a unit without checkpoints shows no such panel."""
    from django.core.cache import cache

    village, _entries = book
    cache.clear()
    page = client.get(f"/public/{village.code}/").content.decode()
    assert 'id="checkpoints"' in page
    for cp in LedgerCheckpoint.objects.filter(unit=village):
        assert f"{cp.month:%Y-%m}" in page and cp.head_hash[:12] in page
    assert f"/ledgers/checkpoints/{village.code}.json" in page
    other = village.__class__.objects.filter(level=village.level).exclude(pk=village.pk).first()
    assert 'id="checkpoints"' not in client.get(f"/public/{other.code}/").content.decode()
