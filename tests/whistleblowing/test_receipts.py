"""Receipt codes: 16 digits, never stored, slow to check, and as slow for a wrong code as for a right one."""

import statistics
import time

import pytest
from django.test import Client

from cleangov.whistleblowing import actions, crypto
from cleangov.whistleblowing.models import Report

from .helpers import follow

pytestmark = pytest.mark.django_db


def test_code_is_not_stored_and_unlocks_the_report(wb):
    submission = actions.do_submit_report(subject_unit=wb.villages["a"], subject_name="", category="suggestion",
                                          what="建议")
    code = submission.receipt_code
    assert len(code) == 16 and code.isdigit()
    row = Report.objects.filter(pk=submission.report.pk).values().get()
    assert not any(code in str(value) for value in row.values())
    opened = actions.open_by_receipt(code)
    assert opened is not None and crypto.decrypt_json(opened[1], opened[0].content)["what"] == "建议"
    assert actions.open_by_receipt(code[:-1] + str((int(code[-1]) + 1) % 10)) is None


def test_follow_up_needs_the_proof_of_work(wb):
    actions.do_submit_report(subject_unit=wb.villages["a"], subject_name="", category="suggestion", what="建议")
    response = Client().post("/public/report/follow/", {"code": "1234567890123456", "pow": ""})
    assert response.status_code == 400


def test_wrong_and_right_codes_take_the_same_time(wb, settings):
    """The slow derivation runs for every guess (at the production cost here): a wrong code cannot be
    told from a right one by the time taken, and each guess costs the guesser that time too."""
    settings.CLEANGOV_WB_KDF_OPSLIMIT = 2
    settings.CLEANGOV_WB_KDF_MEMLIMIT = 64 * 1024 * 1024
    code = actions.do_submit_report(subject_unit=wb.villages["a"], subject_name="", category="suggestion",
                                    what="建议").receipt_code

    def timed(candidate):
        start = time.perf_counter()
        actions.open_by_receipt(candidate)
        return time.perf_counter() - start

    # Right and wrong checks are interleaved in pairs, the order alternating, so that a burst of load
    # from other processes falls on both sides alike; each pair gives a ratio, and the median ratio
    # must be near 1. A path that skipped the slow derivation would be orders of magnitude faster in
    # every pair (and below the absolute floor), so the test still fails for it.
    timed(code), timed("0" * 16)  # warm-up: the first derivation pays for allocating its memory
    ratios, every = [], []
    for i in range(9):
        wrong_code = f"{i + 1:016d}"
        if i % 2:
            wrong, right = timed(wrong_code), timed(code)
        else:
            right, wrong = timed(code), timed(wrong_code)
        every += [right, wrong]
        ratios.append(right / wrong)
    assert min(every) > 0.02  # every check, right or wrong, does the slow work
    assert 0.75 < statistics.median(ratios) < 1 / 0.75, ratios


def test_rate_limit_refuses_a_flood_of_guesses(wb, settings):
    settings.CLEANGOV_WB_FOLLOW_PER_MINUTE = 2
    client = Client()
    statuses = [follow(client, f"{i:016d}").status_code for i in range(4)]
    assert statuses[:2] == [400, 400] and statuses[2:] == [429, 429]
