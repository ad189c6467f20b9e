"""Democratic appraisal ballots that nobody — not even a database administrator — can join to a voter.

How (docs/democracy.md, "Unlinkable ballots"):

1. **Issuance knows no one.** The supervision committee prints a batch of one-time voting slips for
   the appraisal. The platform stores only the SHA-256 of each slip, keyed by that hash (no person,
   no sequence number, no time), and the appraisal's count of slips issued. The slips are handed
   out on paper (drawn from a box at the reception, or given to each household): who got which slip
   is never entered anywhere, so there is nothing to join.
2. **Redemption forgets the slip.** Casting a ballot deletes the slip's hash and writes the ballot in
   the same transaction. The ballot and its marks have random UUID keys and no timestamp, are listed
   by those random keys, and no audit event is written per ballot (an event would carry a time and a
   position in the hash chain). The public pages run behind PublicPrivacyMiddleware, so no address
   or device details reach a log.
3. **Results only after closing, only for groups of at least five.** Closing deletes the unused slip
   hashes and stores counts per cadre; a cadre rated on fewer than ``MIN_GROUP`` ballots gets no
   published result.
"""

from __future__ import annotations

import hashlib
import secrets
from fractions import Fraction

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cleangov.core.audit import record_event
from cleangov.orgs.conflicts import check_conflict_of_interest

from .choices import AppraisalResultChoices, AppraisalStatusChoices, RatingChoices
from .models import (
    Appraisal,
    AppraisalCandidate,
    AppraisalToken,
    Ballot,
    BallotMark,
    PaperBallotEntry,
    TerminationProcedure,
)

MIN_GROUP = 5  # no result is shown for fewer ballots (k-anonymity)
MAX_SLIPS_PER_BATCH = 2000
TOKEN_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # noqa: S105 - an alphabet; no 0/O, 1/I: read off paper
TOKEN_LENGTH = 12  # 60 bits


def normalise_token(text: str) -> str:
    return "".join(ch for ch in (text or "").upper() if ch in TOKEN_ALPHABET)


def token_hash(text: str) -> str:
    return hashlib.sha256(normalise_token(text).encode()).hexdigest()


def random_code(length: int) -> str:
    """Random characters that read unambiguously off paper or a phone (voting slips, concern codes)."""
    return "".join(secrets.choice(TOKEN_ALPHABET) for _i in range(length))


def _new_token() -> str:
    raw = random_code(TOKEN_LENGTH)
    return "-".join(raw[i:i + 4] for i in range(0, TOKEN_LENGTH, 4))


@transaction.atomic
def do_issue_appraisal_tokens(appraisal: Appraisal, *, acting_user, count: int) -> list[str]:
    """Generate ``count`` slips; return them once (to print) and keep only their hashes."""
    appraisal = Appraisal.objects.select_for_update().select_related("unit").get(pk=appraisal.pk)
    check_conflict_of_interest(acting_user, subject_people=list(
        appraisal.candidates.values_list("person_id", flat=True)))
    if appraisal.status == AppraisalStatusChoices.CLOSED:
        raise ValidationError(_("The appraisal is closed."))
    if not 1 <= count <= MAX_SLIPS_PER_BATCH:
        raise ValidationError({"count": _("Print between 1 and %(max)s slips at a time.") % {
            "max": MAX_SLIPS_PER_BATCH}})
    tokens = set()
    while len(tokens) < count:
        tokens.add(_new_token())
    tokens = sorted(tokens)  # the printed order says nothing about the order of issue
    AppraisalToken.objects.bulk_create(AppraisalToken(token_hash=token_hash(t), appraisal=appraisal) for t in tokens)
    appraisal.tokens_issued += count
    appraisal.save(update_fields=["tokens_issued", "updated_at"])
    record_event(acting_user=acting_user, event_code="democracy.slips_issued", subject=appraisal,
                 after={"count": count, "tokens_issued": appraisal.tokens_issued}, unit=appraisal.unit)
    return tokens


def appraisal_for_token(text: str) -> Appraisal | None:
    """The open appraisal an unused slip belongs to (None for a wrong, used or closed slip)."""
    row = (AppraisalToken.objects.filter(token_hash=token_hash(text), appraisal__status=AppraisalStatusChoices.OPEN)
           .select_related("appraisal__unit").first())
    return row.appraisal if row else None


class SlipRefused(ValidationError):
    pass


@transaction.atomic
def do_cast_ballot(*, token: str, ratings: dict[int, tuple[str, str]]) -> None:
    """Redeem a slip: delete its hash and store the ballot, with nothing that names the voter, the slip
    or the moment. ``ratings`` maps every candidate id to (rating, comment). No acting user and no
    audit event, on purpose (see the module docstring)."""
    slip = (AppraisalToken.objects.select_for_update().filter(
        token_hash=token_hash(token), appraisal__status=AppraisalStatusChoices.OPEN).first())
    if slip is None:
        raise SlipRefused(_("This slip is not valid: it was already used, mistyped, or the vote is closed."))
    candidates = set(AppraisalCandidate.objects.filter(appraisal_id=slip.appraisal_id).values_list("pk", flat=True))
    if set(ratings) != candidates:
        raise ValidationError(_("Rate every cadre on the ballot."))
    valid = set(RatingChoices.values)
    if any(rating not in valid for rating, _comment in ratings.values()):
        raise ValidationError(_("Choose one of the ratings for every cadre."))
    appraisal_id = slip.appraisal_id
    slip.delete()
    ballot = Ballot.objects.create(appraisal_id=appraisal_id)
    BallotMark.objects.bulk_create(
        BallotMark(ballot=ballot, candidate_id=cid, rating=rating, comment=(comment or "").strip()[:500])
        for cid, (rating, comment) in sorted(ratings.items()))


def _paper_comment(text: str) -> str:
    """A comment as the tellers key it in, compared and stored with runs of whitespace made one space
    (two tellers who copy the same handwriting differ in line breaks, not in words)."""
    return " ".join((text or "").split())[:500]


def _paper_ratings(ratings: dict) -> dict[str, list[str]]:
    """candidate id -> [rating, comment] as stored on the waiting entry; a bare rating has no comment."""
    out = {}
    for cid, value in ratings.items():
        rating, comment = (value, "") if isinstance(value, str) else value
        out[str(cid)] = [rating, _paper_comment(comment)]
    return out


def do_enter_paper_ballot(appraisal: Appraisal, *, acting_user, token: str, ratings: dict) -> str:
    """Two tellers enter each paper ballot (the slip is printed on it): per cadre the rating and the
    voter's written comment, as on a phone ballot. ``ratings`` maps each candidate id to (rating,
    comment), or to a bare rating when the paper has no comment. The first entry waits; the second, by
    another teller, must be identical (rating and comment), and then the ballot is cast like one from
    a phone: random id, no time, no teller. Returns "waiting" or "cast". Like a phone ballot, no audit
    event per ballot. When the entries differ, the waiting one is dropped (committed) and both tellers
    enter the paper again."""
    outcome, names = _enter_paper_ballot(appraisal, acting_user=acting_user, token=token, ratings=ratings)
    if outcome == "differ":
        raise ValidationError(_("The two entries differ for %(names)s: both tellers enter the paper ballot "
                                "again.") % {"names": ", ".join(names)})
    return outcome


@transaction.atomic
def _enter_paper_ballot(appraisal: Appraisal, *, acting_user, token: str, ratings: dict):
    appraisal = Appraisal.objects.select_for_update().get(pk=appraisal.pk)
    check_conflict_of_interest(acting_user, subject_people=list(
        appraisal.candidates.values_list("person_id", flat=True)))
    if appraisal.status != AppraisalStatusChoices.OPEN:
        raise ValidationError(_("Paper ballots are entered while the vote is open."))
    digest = token_hash(token)
    if not AppraisalToken.objects.filter(pk=digest, appraisal=appraisal).exists():
        raise SlipRefused(_("This slip is not valid: it was already used, mistyped, or the vote is closed."))
    ratings = _paper_ratings(ratings)
    waiting = PaperBallotEntry.objects.filter(appraisal=appraisal, token_hash=digest).first()
    if waiting is None:
        PaperBallotEntry.objects.create(appraisal=appraisal, token_hash=digest, ratings=ratings,
                                        entered_by=acting_user)
        return "waiting", []
    if waiting.entered_by_id == acting_user.pk:
        raise ValidationError(_("A second teller must enter this ballot again."))
    if waiting.ratings != ratings:
        names = [c.person.name for c in appraisal.candidates.select_related("person")
                 if waiting.ratings.get(str(c.pk)) != ratings.get(str(c.pk))]
        waiting.delete()
        return "differ", names
    waiting.delete()
    do_cast_ballot(token=token, ratings={int(k): (rating, comment) for k, (rating, comment) in ratings.items()})
    return "cast", []


def is_not_competent(candidate: AppraisalCandidate) -> bool:
    """More than half of the cadre's ballots dissatisfied. 村民委员会组织法 Art. 33 does not define "not
    competent"; local appraisal rules commonly use this threshold."""
    return candidate.total > 0 and Fraction(candidate.dissatisfied, candidate.total) > Fraction(1, 2)


@transaction.atomic
def do_close_appraisal(appraisal: Appraisal, *, acting_user) -> Appraisal:
    """Close the vote: forget the unused slips, count the ballots per cadre, publish results for groups
    of at least five, and start the termination procedure for a cadre rated not competent at this
    appraisal and at the one before it (村民委员会组织法 Art. 33)."""
    appraisal = Appraisal.objects.select_for_update().select_related("unit").get(pk=appraisal.pk)
    check_conflict_of_interest(acting_user, subject_people=list(
        appraisal.candidates.values_list("person_id", flat=True)))
    if appraisal.status != AppraisalStatusChoices.OPEN:
        raise ValidationError(_("Only an open appraisal can be closed."))
    AppraisalToken.objects.filter(appraisal=appraisal).delete()
    PaperBallotEntry.objects.filter(appraisal=appraisal).delete()
    appraisal.ballots_cast = Ballot.objects.filter(appraisal=appraisal).count()
    appraisal.status = AppraisalStatusChoices.CLOSED
    appraisal.closed_on = timezone.localdate()
    appraisal.save()
    started = []
    for candidate in appraisal.candidates.select_related("person"):
        marks = BallotMark.objects.filter(candidate=candidate)
        candidate.satisfied = marks.filter(rating=RatingChoices.SATISFIED).count()
        candidate.basic = marks.filter(rating=RatingChoices.BASIC).count()
        candidate.dissatisfied = marks.filter(rating=RatingChoices.DISSATISFIED).count()
        if candidate.total < MIN_GROUP:
            candidate.result = AppraisalResultChoices.SUPPRESSED
        elif is_not_competent(candidate):
            candidate.result = AppraisalResultChoices.NOT_COMPETENT
        else:
            candidate.result = AppraisalResultChoices.COMPETENT
        candidate.save()
        if candidate.result == AppraisalResultChoices.NOT_COMPETENT and _previous_not_competent(candidate):
            TerminationProcedure.objects.create(unit=appraisal.unit, person=candidate.person, appraisal=appraisal)
            started.append(candidate.person_id)
    record_event(acting_user=acting_user, event_code="democracy.appraisal_closed", subject=appraisal,
                 after={"ballots": appraisal.ballots_cast, "tokens_issued": appraisal.tokens_issued,
                        "terminations": started}, unit=appraisal.unit, subject_people=started)
    return appraisal


def _previous_not_competent(candidate: AppraisalCandidate) -> bool:
    appraisal = candidate.appraisal
    previous = (AppraisalCandidate.objects.filter(
        person=candidate.person, appraisal__unit=appraisal.unit, appraisal__status=AppraisalStatusChoices.CLOSED)
        .exclude(appraisal=appraisal).filter(appraisal__year__lte=appraisal.year)
        .order_by("-appraisal__year", "-appraisal__closed_on", "-appraisal__pk").first())
    return previous is not None and previous.result == AppraisalResultChoices.NOT_COMPETENT
