"""Democratic appraisal: one ballot per slip, results only after closing and only for groups of at
least five, two consecutive "not competent" results start the termination procedure, and — the
point of the design — nothing stored joins a voter to a ballot."""

from __future__ import annotations

import io
import json
import logging

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection

from cleangov.democracy.actions import do_create_appraisal, do_open_appraisal
from cleangov.democracy.ballots import (
    do_cast_ballot,
    do_close_appraisal,
    do_issue_appraisal_tokens,
    token_hash,
)
from cleangov.democracy.models import AppraisalToken, Ballot, BallotMark, TerminationProcedure
from cleangov.orgs.actions import do_create_person

pytestmark = pytest.mark.django_db


def _cadres(county, n=2, tag=""):
    return [do_create_person(acting_user=None, code=f"CAD{tag}-{i}", name=f"干部{i}", home_unit=county.villages["a"])
            for i in range(n)]


def _appraisal(county, cadres, *, slips=8, year=2026):
    runner = county.persona("supervision_member")
    a = do_create_appraisal(acting_user=runner, unit=county.villages["a"], year=year, title=f"{year}年民主评议",
                            electorate="villagers", candidate_people=cadres)
    tokens = do_issue_appraisal_tokens(a, acting_user=runner, count=slips)
    do_open_appraisal(a, acting_user=runner)
    return a, tokens, runner


def _vote(a, token, rating="satisfied", comment=""):
    do_cast_ballot(token=token, ratings={c.pk: (rating, comment) for c in a.candidates.all()})


def test_one_ballot_per_slip(county):
    a, tokens, _runner = _appraisal(county, _cadres(county))
    _vote(a, tokens[0])
    with pytest.raises(ValidationError):
        _vote(a, tokens[0])
    with pytest.raises(ValidationError):
        _vote(a, "AAAA-BBBB-CCCC")
    assert Ballot.objects.filter(appraisal=a).count() == 1
    # Lower case and without dashes is the same slip (read off paper): still used.
    with pytest.raises(ValidationError):
        _vote(a, tokens[0].replace("-", "").lower())


def test_results_only_after_closing_and_only_for_five_or_more(county):
    cadres = _cadres(county)
    a, tokens, runner = _appraisal(county, cadres, slips=6)
    for t in tokens[:4]:
        _vote(a, t)
    a.refresh_from_db()
    assert {c.result for c in a.candidates.all()} == {""}  # nothing before closing
    do_close_appraisal(a, acting_user=runner)
    assert {c.result for c in a.candidates.all()} == {"suppressed"}  # 4 ballots < 5
    assert not AppraisalToken.objects.filter(appraisal=a).exists()  # unused slips forgotten
    with pytest.raises(ValidationError):
        _vote(a, tokens[5])

    b, tokens_b, runner = _appraisal(county, cadres, slips=5, year=2027)
    for t in tokens_b:
        _vote(b, t)
    do_close_appraisal(b, acting_user=runner)
    assert {c.result for c in b.candidates.all()} == {"competent"}
    assert {c.satisfied for c in b.candidates.all()} == {5}


def test_two_consecutive_not_competent_start_the_termination_procedure(county):
    cadres = _cadres(county, 1)
    for year in (2025, 2026):
        a, tokens, runner = _appraisal(county, cadres, slips=5, year=year)
        for i, t in enumerate(tokens):
            _vote(a, t, "dissatisfied" if i < 3 else "satisfied")  # 3 of 5 dissatisfied: > half
        do_close_appraisal(a, acting_user=runner)
        assert a.candidates.get().result == "not_competent"
    assert TerminationProcedure.objects.filter(person=cadres[0]).count() == 1


def test_a_rated_cadre_cannot_run_the_appraisal(county):
    runner = county.persona("supervision_member")
    from cleangov.orgs.conflicts import ConflictOfInterest

    with pytest.raises(ConflictOfInterest):
        do_create_appraisal(acting_user=runner, unit=county.villages["a"], year=2026, title="评议",
                            electorate="villagers", candidate_people=[runner.person])


def _dump() -> str:
    out = io.StringIO()
    call_command("dumpdata", stdout=out)
    return out.getvalue()


def test_no_stored_data_joins_a_voter_to_a_ballot(county, client, caplog):
    """Given the whole database (a full dump, the audit trail included) and the logs after an appraisal
    voted on the public page, nothing names, orders or times a ballot, and nothing links a slip to a
    person."""
    caplog.set_level(logging.DEBUG)
    cadres = _cadres(county, 2)
    a, tokens, runner = _appraisal(county, cadres, slips=6)
    ratings = ["satisfied", "basic", "dissatisfied", "satisfied", "basic"]
    for token, rating in zip(tokens, ratings, strict=False):
        page = client.post("/public/appraisal/", {"token": token})
        assert page.status_code == 200
        form = {"token": token}
        for c in a.candidates.all():
            form[f"rating_{c.pk}"], form[f"comment_{c.pk}"] = rating, ""
        assert client.post("/public/appraisal/", form).status_code == 200
    assert Ballot.objects.filter(appraisal=a).count() == 5
    do_close_appraisal(a, acting_user=runner)
    dump = _dump()
    rows = json.loads(dump)
    # 1. The ballot tables hold no person, user, slip, time or sequence: only random keys and ratings.
    ballot_fields = {f.name for f in Ballot._meta.get_fields()} | {f.name for f in BallotMark._meta.get_fields()}
    assert ballot_fields == {"id", "appraisal", "marks", "ballot", "candidate", "rating", "comment"}
    for model in (Ballot, BallotMark):
        assert model._meta.pk.get_internal_type() == "UUIDField"
    # 2. No slip, used or not, survives in any form: not in clear, not as a hash.
    for token in tokens:
        assert token not in dump and token.replace("-", "") not in dump
        assert token_hash(token) not in dump
    # 3. No audit event was written per ballot: the trail knows only the count.
    events = [r for r in rows if r["model"] == "core.auditevent" and str(r["fields"].get("subject_id")) == str(a.pk)
              and r["fields"]["subject_type"] == "democracy.appraisal"]
    assert [e["fields"]["event_code"] for e in events] == [
        "democracy.appraisal_created", "democracy.slips_issued", "democracy.appraisal_opened",
        "democracy.appraisal_closed"]
    ballot_ids = {str(b.pk) for b in Ballot.objects.all()} | {str(m.pk) for m in BallotMark.objects.all()}
    assert not any(bid in json.dumps(r) for r in rows if r["model"] == "core.auditevent" for bid in ballot_ids)
    # 4. Nothing was logged that names a slip or a ballot.
    logged = caplog.text
    assert not any(t in logged or token_hash(t) in logged for t in tokens)
    assert not any(bid in logged for bid in ballot_ids)
    # 5. The order in which ballots are listed is the order of their random ids, not of casting.
    listed = list(Ballot.objects.filter(appraisal=a).values_list("id", flat=True))
    assert listed == sorted(listed)
    # 6. No table of the database has a column referring to both a person (or user) and a ballot.
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        for table in tables:
            columns = {c.name for c in connection.introspection.get_table_description(cursor, table)}
            if {"ballot_id"} & columns or table in ("democracy_ballot", "democracy_ballotmark",
                                                   "democracy_appraisaltoken"):
                assert not columns & {"person_id", "user_id", "voter_id", "created_at", "updated_at", "timestamp",
                                      "actor_id"}, table


def test_paper_ballots_count_when_two_tellers_agree(county, login):
    from django.urls import reverse

    from cleangov.accounts.actions import do_assign_role, do_create_user
    from cleangov.democracy.ballots import do_enter_paper_ballot

    a, tokens, runner = _appraisal(county, _cadres(county, 2))
    second = do_create_user(acting_user=None, username="teller2", password=None)
    do_assign_role(acting_user=None, user=second, role="supervision_member", unit=county.villages["a"])
    first_cadre, second_cadre = a.candidates.order_by("pk")
    ratings = {first_cadre.pk: "satisfied", second_cadre.pk: "basic"}
    assert do_enter_paper_ballot(a, acting_user=runner, token=tokens[0], ratings=ratings) == "waiting"
    with pytest.raises(ValidationError):  # the same teller twice
        do_enter_paper_ballot(a, acting_user=runner, token=tokens[0], ratings=ratings)
    with pytest.raises(ValidationError) as differ:  # the second teller read it differently
        do_enter_paper_ballot(a, acting_user=second, token=tokens[0],
                              ratings={**ratings, second_cadre.pk: "dissatisfied"})
    assert second_cadre.person.name in " ".join(differ.value.messages)
    assert Ballot.objects.filter(appraisal=a).count() == 0
    # Through the page: the first teller, then the second.
    url = reverse("democracy:appraisal_detail", args=[a.pk])
    form = {"form": "paper", "token": tokens[0], f"rating_{first_cadre.pk}": "satisfied",
            f"rating_{second_cadre.pk}": "basic"}
    first = login(runner).post(url, form)
    assert first.status_code == 302, (first.context["error"], first.context["paper_form"].errors)
    assert login(second).post(url, form).status_code == 302
    assert Ballot.objects.filter(appraisal=a).count() == 1
    with pytest.raises(ValidationError):  # the slip is used
        do_enter_paper_ballot(a, acting_user=runner, token=tokens[0], ratings=ratings)


def test_paper_ballot_keeps_the_written_comment_and_stays_unlinkable(county, login):
    from django.urls import reverse

    from cleangov.accounts.actions import do_assign_role, do_create_user
    from cleangov.democracy.ballots import do_enter_paper_ballot
    from cleangov.democracy.models import PaperBallotEntry

    a, tokens, runner = _appraisal(county, _cadres(county, 2, tag="C"))
    second = do_create_user(acting_user=None, username="teller2c", password=None)
    do_assign_role(acting_user=None, user=second, role="supervision_member", unit=county.villages["a"])
    first_cadre, second_cadre = a.candidates.order_by("pk")
    # The tellers copy the comment; line breaks and double spaces do not make the entries differ.
    assert do_enter_paper_ballot(a, acting_user=runner, token=tokens[0], ratings={
        first_cadre.pk: ("dissatisfied", "修路款 没有公开"), second_cadre.pk: ("satisfied", "")}) == "waiting"
    assert do_enter_paper_ballot(a, acting_user=second, token=tokens[0], ratings={
        first_cadre.pk: ("dissatisfied", "修路款\n没有公开 "), second_cadre.pk: ("satisfied", "")}) == "cast"
    mark = BallotMark.objects.get(candidate=first_cadre)
    assert mark.comment == "修路款 没有公开"
    assert BallotMark.objects.get(candidate=second_cadre).comment == ""
    assert not PaperBallotEntry.objects.filter(appraisal=a).exists()  # the teller's entry is gone
    # A comment read differently is a difference like a rating read differently.
    do_enter_paper_ballot(a, acting_user=runner, token=tokens[1], ratings={
        first_cadre.pk: ("basic", "账目要按月公开"), second_cadre.pk: "basic"})
    with pytest.raises(ValidationError) as differ:
        do_enter_paper_ballot(a, acting_user=second, token=tokens[1], ratings={
            first_cadre.pk: ("basic", "账目要按季公开"), second_cadre.pk: "basic"})
    assert first_cadre.person.name in " ".join(differ.value.messages)
    assert second_cadre.person.name not in " ".join(differ.value.messages)
    # Through the page: the teller's form has a comment field per cadre.
    url = reverse("democracy:appraisal_detail", args=[a.pk])
    page = login(runner).get(url)
    assert f'name="comment_{first_cadre.pk}"' in page.content.decode()
    form = {"form": "paper", "token": tokens[2], f"rating_{first_cadre.pk}": "satisfied",
            f"comment_{first_cadre.pk}": "为村里办了实事", f"rating_{second_cadre.pk}": "basic"}
    assert login(runner).post(url, form).status_code == 302
    assert login(second).post(url, form).status_code == 302
    assert BallotMark.objects.filter(candidate=first_cadre, comment="为村里办了实事").count() == 1
    # The cast ballots carry no time, no teller and no slip.
    columns = {f.name for f in BallotMark._meta.get_fields()} | {f.name for f in Ballot._meta.get_fields()}
    assert not columns & {"created_at", "entered_by", "token_hash", "user", "person"}
