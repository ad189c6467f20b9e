"""Quorums and majorities of village meetings, computed exactly (fractions, never floats).

| body                                 | quorum (present / expected) | passes when votes for are ...           |
| ------------------------------------ | --------------------------- | --------------------------------------- |
| two committees                       | more than half              | more than half of those present         |
| party members' meeting               | at least two thirds         | more than half of those who should come |
| villagers' meeting, adult villagers  | more than half              | more than half of those present         |
| villagers' meeting, household reps   | at least two thirds         | more than half of those present         |
| villagers' representatives' meeting  | at least two thirds         | more than half of those present         |

Sources: 村民委员会组织法 (2018) Art. 22 (villagers' meeting) and Art. 26 (representatives' meeting);
四议两公开 as written into 中国共产党农村基层组织工作条例 (2019) (the two committees and the party
members' meeting).

"More than half" is strict (5 of 10 is not enough); "at least two thirds" is not (6 of 9 is enough).

Convening on request (村民委员会组织法 (2018) Art. 21 and Art. 26): the villagers' committee convenes
both meetings, and must convene the villagers' meeting when 十分之一以上的村民 or 三分之一以上的户的代表
propose it, and the representatives' meeting when 五分之一以上的村民代表 propose it. "以上" in a
statute includes the number itself (民法典 Art. 1259), so the thresholds are "at least": 3 of 15
representatives is one fifth and is enough.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .choices import MeetingBodyChoices as B

HALF = Fraction(1, 2)
TWO_THIRDS = Fraction(2, 3)

# body -> (quorum fraction, quorum strict?, majority base: "present" or "expected")
RULES: dict[str, tuple[Fraction, bool, str]] = {
    B.TWO_COMMITTEES: (HALF, True, "present"),
    B.PARTY_MEMBERS: (TWO_THIRDS, False, "expected"),
    B.ASSEMBLY_ADULTS: (HALF, True, "present"),
    B.ASSEMBLY_HOUSEHOLDS: (TWO_THIRDS, False, "present"),
    B.REPRESENTATIVES: (TWO_THIRDS, False, "present"),
}


@dataclass(frozen=True)
class Outcome:
    body: str
    expected: int
    present: int
    votes_for: int
    quorum_met: bool
    passed: bool  # quorum met AND majority reached

    @property
    def ratio(self) -> Fraction:
        return Fraction(self.present, self.expected)

    @property
    def ratio_percent(self) -> str:
        return f"{float(self.ratio * 100):.1f}%"


# body -> the share of the base that must propose a meeting for the committee to have to convene it
CONVENING: dict[str, Fraction] = {
    B.ASSEMBLY_ADULTS: Fraction(1, 10),
    B.ASSEMBLY_HOUSEHOLDS: Fraction(1, 3),
    B.REPRESENTATIVES: Fraction(1, 5),
}


@dataclass(frozen=True)
class Convening:
    body: str
    proposers: int
    base: int

    @property
    def threshold(self) -> Fraction:
        return CONVENING[self.body]

    @property
    def met(self) -> bool:
        return self.base > 0 and Fraction(self.proposers, self.base) >= self.threshold

    @property
    def needed(self) -> int:
        """The fewest proposers that reach the threshold (ceil of base × threshold)."""
        t = self.threshold
        return -(-self.base * t.numerator // t.denominator)

    @property
    def ratio_percent(self) -> str:
        return f"{float(Fraction(self.proposers, self.base) * 100):.1f}%" if self.base else ""


def convening(body: str, *, proposers: int, base: int) -> Convening:
    """Whether ``proposers`` out of ``base`` oblige the committee to convene a meeting of ``body``."""
    if body not in CONVENING:
        raise ValidationError(_("This meeting is not convened on the proposal of villagers or representatives."))
    return Convening(body, proposers, base)


def _exceeds(value: Fraction, threshold: Fraction, strict: bool) -> bool:
    return value > threshold if strict else value >= threshold


def check_counts(expected: int, present: int, votes_for: int, votes_against: int = 0, abstentions: int = 0) -> None:
    errors = {}
    if expected <= 0:
        errors["expected"] = _("The number who should attend must be at least 1.")
    elif not 0 <= present <= expected:
        errors["present"] = _("The number present must be between 0 and the number who should attend.")
    if min(votes_for, votes_against, abstentions) < 0:
        errors["votes_for"] = _("Votes cannot be negative.")
    elif votes_for + votes_against + abstentions > present:
        errors["votes_for"] = _("More votes were counted than people were present.")
    if errors:
        raise ValidationError(errors)


def evaluate(body: str, *, expected: int, present: int, votes_for: int, votes_against: int = 0,
             abstentions: int = 0) -> Outcome:
    """Whether the meeting had its quorum and whether the motion passed, by the table above."""
    check_counts(expected, present, votes_for, votes_against, abstentions)
    quorum, strict, base = RULES[body]
    quorum_met = _exceeds(Fraction(present, expected), quorum, strict)
    denominator = expected if base == "expected" else present
    majority = denominator > 0 and Fraction(votes_for, denominator) > HALF
    return Outcome(body, expected, present, votes_for, quorum_met, quorum_met and majority)
