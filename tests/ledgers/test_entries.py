"""Recording and revising entries: server entry time, lateness, revisions and audit events, the
people register, conflicts of interest, and who may record what."""

from datetime import date, datetime, time, timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from cleangov.core.audit import verify_chain
from cleangov.core.models import AuditEvent
from cleangov.ledgers.access import access_entry_by_id, can_record, visible_entries
from cleangov.ledgers.actions import UploadedAttachment, do_revise_ledger_entry
from cleangov.ledgers.models import LedgerRevision


def _at(day, hour=10):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def test_entry_time_is_the_server_clock_and_lateness_is_marked(county, record):
    village = county.villages["a"]
    with mock.patch("django.utils.timezone.now", return_value=_at(date(2026, 3, 11))):
        # Monday 2026-03-02 + 5 working days = Monday 2026-03-09; entered Wednesday 11th: 2 days late.
        late = record(village, "branch_committee_meeting", event_date=date(2026, 3, 2), values={"topic": "学习"})
        on_time = record(village, "branch_committee_meeting", event_date=date(2026, 3, 6), values={"topic": "学习"})
    assert late.entered_at == _at(date(2026, 3, 11))
    assert (late.late_days, on_time.late_days) == (2, 0)
    event = AuditEvent.objects.get(event_code="ledgers.entry_recorded", subject_id=str(late.pk))
    assert event.after["late_days"] == 2 and event.unit_id == village.pk


def test_future_event_dates_only_for_before_event_kinds(county, record, persona):
    village = county.villages["a"]
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        record(village, "branch_committee_meeting", event_date=tomorrow, values={"topic": "x"})
    assert "event_date" in exc.value.message_dict
    reporter = persona("village_secretary", "a").person_id
    entry = record(village, "wedding_funeral_report", event_date=tomorrow + timedelta(days=5),
                   values={"reporter": reporter, "event_type": "wedding", "venue": "家中", "tables": 10,
                           "guests": 80, "cars": 3, "no_gifts_pledge": True})
    assert entry.late_days == 0


def test_kind_must_fit_the_unit_level_and_required_attachments(county, record):
    with translation.override("en"), pytest.raises(ValidationError, match="not kept by units of this level"):
        record(county.townships["a"], "cadre_duty")
    with pytest.raises(ValidationError) as exc:
        record(county.townships["a"], "party_committee_meeting",
               values={"topic": "x", "presided_by": None, "decisions": "y"})
    assert "presided_by" in exc.value.message_dict


def test_attendees_come_from_the_people_register_and_absentees_need_a_reason(county, record, persona):
    village = county.villages["a"]
    secretary = persona("village_secretary", "a").person_id
    director = persona("committee_director", "a").person_id
    stranger = persona("village_secretary", "b").person_id
    allowed = {secretary, director}
    entry = record(village, "branch_committee_meeting", values={"topic": "学习"}, attendees=[secretary],
                   absentees=[{"person": director, "reason": "因病请假"}], allowed_people=allowed)
    rev = entry.revisions.get()
    assert rev.attendees == [secretary] and rev.absentees == [{"person": director, "reason": "因病请假"}]
    with translation.override("en"), pytest.raises(ValidationError, match="people register"):
        record(village, "branch_committee_meeting", values={"topic": "x"}, attendees=[stranger],
               allowed_people=allowed)
    with translation.override("en"), pytest.raises(ValidationError, match="reason"):
        record(village, "branch_committee_meeting", values={"topic": "x"},
               absentees=[{"person": director, "reason": ""}], allowed_people=allowed)


def test_revision_keeps_history_and_cannot_hide_lateness(county, record):
    village = county.villages["a"]
    with mock.patch("django.utils.timezone.now", return_value=_at(date(2026, 3, 20))):
        entry = record(village, "branch_committee_meeting", event_date=date(2026, 3, 2), values={"topic": "旧"},
                       files=[UploadedAttachment("签到表.pdf", b"%PDF-1 sign-in")])
    first_time = entry.entered_at
    assert entry.late_days > 0
    with mock.patch("django.utils.timezone.now", return_value=_at(date(2026, 3, 21))):
        do_revise_ledger_entry(entry, title="", event_date=date(2026, 3, 18), values={"topic": "新"},
                               reason="日期写错", acting_user=None)
    entry.refresh_from_db()
    assert entry.revision_count == 2 and entry.entered_at == first_time
    assert entry.event_date == date(2026, 3, 18)
    assert entry.late_days == 0  # recorded 20 March for an event on 18 March: on time by the first entry time
    revs = list(LedgerRevision.objects.filter(entry=entry).order_by("revision"))
    assert [r.values["topic"] for r in revs] == ["旧", "新"]
    assert revs[1].attachments == revs[0].attachments and revs[0].attachments[0]["name"] == "签到表.pdf"
    event = AuditEvent.objects.get(event_code="ledgers.entry_revised")
    assert event.before["values"] == {"topic": "旧"} and event.after["reason"] == "日期写错"
    with pytest.raises(ValidationError):
        do_revise_ledger_entry(entry, title="", event_date=date(2026, 3, 18), values={"topic": "x"}, reason=" ",
                               acting_user=None)
    assert verify_chain()[1] is None


def test_who_may_record_comes_from_the_kind(county, kinds, persona):
    village, township = county.villages["a"], county.townships["a"]
    assert can_record(persona("village_secretary", "a"), village, kinds["branch_committee_meeting"])
    assert not can_record(persona("village_secretary", "b"), village, kinds["branch_committee_meeting"])
    assert not can_record(persona("township_secretary", "a"), village, kinds["branch_committee_meeting"])
    assert can_record(persona("township_secretary", "a"), township, kinds["party_committee_meeting"])
    assert not can_record(persona("auditor"), township, kinds["party_committee_meeting"])


def test_a_talk_is_hidden_from_the_person_talked_to_and_their_relatives(county, record, persona):
    from cleangov.orgs.actions import do_add_relation

    township = county.townships["a"]
    head = persona("township_leader", "a")  # the person admonished
    discipline = persona("township_discipline", "a")
    relative = persona("township_secretary", "a")
    do_add_relation(acting_user=None, person=head.person, relative=relative.person, kind="sibling")
    entry = record(township, "admonishment_talk", values={
        "talker": discipline.person_id, "talked_to": head.person_id, "decision_ref": "纪诫〔2026〕1号",
        "problem": "违规发放津补贴"})
    assert access_entry_by_id(discipline, entry.pk) == entry
    assert not visible_entries(head).filter(pk=entry.pk).exists()
    assert not visible_entries(relative).filter(pk=entry.pk).exists()
    assert visible_entries(persona("county_commission")).filter(pk=entry.pk).exists()
