"""The chain of a matter across apps: links followed in both directions, steps merged in date order."""

import datetime

import pytest

from cleangov.core import matters
from cleangov.core.declarations import AppDeclaration
from cleangov.core.matters import MatterRef, TimelineStep

FINDING, ITEM, CASE, OTHER = (MatterRef("finance.finding", 1), MatterRef("rectification.item", 7),
                              MatterRef("cases.case", 3), MatterRef("finance.finding", 2))
LINKS = {(ITEM, FINDING), (CASE, ITEM)}  # item made from the finding; case opened on the item


def _linked(ref):
    return [b for a, b in LINKS if a == ref] + [a for a, b in LINKS if b == ref]


def _steps(user, ref):
    day = {FINDING: 1, ITEM: 3, CASE: 2}.get(ref)
    if day is None or (user == "subject" and ref == CASE):
        return []
    return [TimelineStep(when=datetime.date(2026, 3, day), label=f"step of {ref}", matter=ref)]


@pytest.fixture
def two_apps(monkeypatch):
    monkeypatch.setattr(matters, "declarations", lambda: [
        ("a", AppDeclaration(linked_matters=_linked)), ("b", AppDeclaration(timeline_steps=_steps))])


def test_chain_reaches_every_linked_matter_from_any_end(two_apps):
    for start in (FINDING, ITEM, CASE):
        assert set(matters.chain(start)) == {FINDING, ITEM, CASE}
        assert matters.chain(start)[0] == start
    assert matters.chain(OTHER) == [OTHER]


def test_timeline_is_in_date_order_and_each_app_filters_for_the_viewer(two_apps):
    assert [s.matter for s in matters.timeline("officer", CASE)] == [FINDING, CASE, ITEM]
    assert [s.matter for s in matters.timeline("subject", FINDING)] == [FINDING, ITEM]


@pytest.mark.parametrize("text", ["", "finance.finding", "finance:1", "finance.finding:x", "finance.finding:-1"])
def test_bad_references_are_refused(text):
    with pytest.raises(ValueError):
        MatterRef.parse(text)


def test_reference_round_trip():
    assert MatterRef.parse(str(ITEM)) == ITEM
