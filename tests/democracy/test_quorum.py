"""Quorum and majority arithmetic at the boundaries, as a literal table (村民委员会组织法 Arts. 22, 26;
四议两公开 step 3). Each row: body, expected, present, votes for, quorum met?, passed?"""

import pytest
from django.core.exceptions import ValidationError

from cleangov.democracy.quorum import evaluate

CASES = [
    # party members' meeting: at least 2/3 present; more than half of those who SHOULD attend vote for
    ("party_members", 9, 6, 5, True, True),     # exactly 2/3 present; 5 of 9 > half
    ("party_members", 9, 5, 5, False, False),   # 5/9 < 2/3: no quorum whatever the votes
    ("party_members", 10, 7, 5, True, False),   # 5 of 10 who should attend is exactly half: fails
    ("party_members", 10, 7, 6, True, True),
    ("party_members", 3, 2, 2, True, True),     # 2/3 exactly
    ("party_members", 12, 7, 7, False, False),  # 7/12 < 2/3
    # villagers' meeting of adults: more than half present; more than half of those present
    ("assembly_adults", 100, 50, 50, False, False),  # exactly half present: no quorum
    ("assembly_adults", 100, 51, 26, True, True),
    ("assembly_adults", 100, 52, 26, True, False),   # exactly half of those present: fails
    # villagers' meeting of household representatives: at least 2/3 present
    ("assembly_households", 30, 20, 11, True, True),
    ("assembly_households", 30, 19, 19, False, False),
    # representatives' meeting: at least 2/3 present, majority of those present
    ("representatives", 27, 18, 10, True, True),
    ("representatives", 27, 17, 17, False, False),
    ("representatives", 27, 18, 9, True, False),      # exactly half of 18
    # two committees: more than half present, majority of those present
    ("two_committees", 6, 3, 3, False, False),
    ("two_committees", 6, 4, 3, True, True),
]


@pytest.mark.parametrize(("body", "expected", "present", "votes_for", "quorum_met", "passed"), CASES)
def test_boundaries(body, expected, present, votes_for, quorum_met, passed):
    outcome = evaluate(body, expected=expected, present=present, votes_for=votes_for)
    assert (outcome.quorum_met, outcome.passed) == (quorum_met, passed)


@pytest.mark.parametrize(("expected", "present", "votes_for", "against"), [
    (0, 0, 0, 0), (10, 11, 0, 0), (10, 5, 4, 2), (10, -1, 0, 0)])
def test_impossible_counts_are_refused(expected, present, votes_for, against):
    with pytest.raises(ValidationError):
        evaluate("representatives", expected=expected, present=present, votes_for=votes_for, votes_against=against)


# Convening on a proposal (Organic Law of Villagers' Committees Art. 21 and 26): "以上" includes the number.
@pytest.mark.parametrize(("body", "proposers", "base", "met", "needed"), [
    ("representatives", 3, 15, True, 3),     # exactly one fifth
    ("representatives", 2, 15, False, 3),
    ("representatives", 2, 11, False, 3),    # 18.2 %
    ("representatives", 3, 11, True, 3),
    ("representatives", 0, 5, False, 1),
    ("assembly_adults", 40, 400, True, 40),  # exactly one tenth
    ("assembly_adults", 39, 400, False, 40),
    ("assembly_adults", 4, 41, False, 5),    # 4.1 of 41 needed: 5
    ("assembly_households", 100, 300, True, 100),  # exactly one third
    ("assembly_households", 99, 300, False, 100),
])
def test_convening_thresholds_at_the_boundary(body, proposers, base, met, needed):
    from cleangov.democracy.quorum import convening

    outcome = convening(body, proposers=proposers, base=base)
    assert outcome.met is met and outcome.needed == needed


def test_a_committee_meeting_is_not_convened_on_a_proposal():
    from django.core.exceptions import ValidationError

    from cleangov.democracy.quorum import convening

    with pytest.raises(ValidationError):
        convening("party_members", proposers=5, base=10)
