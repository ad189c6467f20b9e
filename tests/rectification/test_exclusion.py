"""Exclusion: the subjects of an item (its responsible person, the people its finding names) and their
registered relatives reach it on no handler route, export or statistic; a handler who recused no
longer reaches it. The responsible person's own view shows nothing the conflict rule protects."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from cleangov.finance.actions import do_comment_finding
from cleangov.orgs.actions import do_add_relation
from cleangov.rectification.actions import do_recuse_from_item
from cleangov.rectification.models import ItemEvidence, RectificationItem

pytestmark = pytest.mark.django_db


def _routes(item, evidence):
    ref = f"rectification.rectificationitem:{item.pk}"
    return {
        "get": [reverse("rectification:item_detail", args=[item.pk]),
                reverse("rectification:evidence_file", args=[item.pk, evidence.pk]),
                reverse("core:matter_timeline", args=[ref])],
        "post": [reverse("rectification:item_decide", args=[item.pk, "cancel"]),
                 reverse("rectification:item_repayment", args=[item.pk]),
                 reverse("rectification:item_recuse", args=[item.pk])],
        "lists": [reverse("rectification:index"), reverse("rectification:dashboard"),
                  reverse("rectification:export_csv")],
    }


def _evidence(item):
    evidence = ItemEvidence(item=item, kind="file", original_name="e.txt", content_type="text/plain", size=4,
                            sha256="0" * 64, created_at=timezone.now())
    evidence.file.save("e.txt", ContentFile(b"test"), save=True)
    return evidence


def _assert_excluded(client, user, item, evidence, *, responsible=False):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    routes = _routes(item, evidence)
    if responsible:  # their own evidence, timeline and list entry stay theirs, through the work view
        routes["get"], routes["lists"] = routes["get"][:1], routes["lists"][1:]
    item_urls = (reverse("rectification:item_detail", args=[item.pk]),
                 reverse("rectification:item_work", args=[item.pk]))
    for url in routes["get"]:
        response = client.get(url)
        if url.startswith("/matters/") and response.status_code == 200:
            # the chain's other matters may be theirs to see (a recused handler still reviewed the
            # finding); none of the item's steps is
            assert not any(u in response.content.decode() for u in item_urls), url
            continue
        assert response.status_code == 404, url
    for url in routes["post"]:
        assert client.post(url, {"reason": "x", "amount": "1", "paid_on": "2026-01-01", "receipt": "r"}
                           ).status_code == 404, url
    for url in routes["lists"]:
        body = client.get(url).content.decode("utf-8")
        assert item.title not in body, url
    dashboard = client.get(reverse("rectification:dashboard")).content.decode()
    assert "badge" not in dashboard or item.unit.name not in dashboard


def test_subjects_relatives_and_recused_handlers_are_excluded(county, finding, confirm, client):
    accountant_person = county.persona("accountant").person
    # The finding's lines name a claimant; make it the accountant, so they are a subject of the item too.
    from cleangov.finance.models import FindingPerson

    FindingPerson.objects.create(finding=finding, person=accountant_person, role="claimant")
    confirm(finding)
    item = RectificationItem.objects.get(source_ref=f"finance.finding:{finding.pk}")
    RectificationItem.objects.filter(pk=item.pk).update(title="OMKEXCLUDEDZ 白条")
    item.refresh_from_db()
    evidence = _evidence(item)
    discipline = county.persona("township_discipline")
    client.force_login(discipline, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(reverse("rectification:item_detail", args=[item.pk])).status_code == 200
    assert item.title in client.get(reverse("rectification:export_csv")).content.decode()

    # the responsible person, on the handlers' routes
    _assert_excluded(client, county.persona("village_secretary"), item, evidence, responsible=True)
    # a person the finding names (the claimant)
    assert set(item.subject_links.values_list("person_id", flat=True)) >= {accountant_person.pk}
    # a registered relative of the responsible person, who holds a handler's role
    leader = county.persona("township_secretary")
    do_add_relation(acting_user=None, person=leader.person, relative=county.persona("village_secretary").person,
                    kind="sibling")
    _assert_excluded(client, leader, item, evidence)
    # a handler who recused
    do_recuse_from_item(item, acting_user=discipline, reason="施工方是本人朋友")
    assert item.recusals.get().reason == "施工方是本人朋友"
    _assert_excluded(client, discipline, item, evidence)
    # the county commission still handles it
    client.force_login(county.persona("county_commission"), backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(reverse("rectification:item_detail", args=[item.pk])).status_code == 200


def test_the_work_view_shows_nothing_protected(county, finding, confirm, client):
    from cleangov.finance.models import Finding

    do_comment_finding(finding, acting_user=county.persona("township_discipline"), text="评审意见：疑似虚报")
    confirm(finding)
    other = Finding.objects.exclude(pk=finding.pk).first()
    item = RectificationItem.objects.get(source_ref=f"finance.finding:{finding.pk}")
    from cleangov.rectification.actions import do_decide_item, do_recuse_from_item

    do_recuse_from_item(item, acting_user=county.persona("township_secretary"), reason="回避理由：亲属承包工程")
    secretary = county.persona("village_secretary")
    client.force_login(secretary, backend="django.contrib.auth.backends.ModelBackend")
    body = client.get(reverse("rectification:item_work", args=[item.pk])).content.decode()
    # what the correction needs: the problem, the rule's explanation and numbers, the voucher lines
    assert finding.message_zh in body and finding.source in body
    for line in finding.lines.all():
        assert line.voucher_no in body
    # nothing protected: the reviewers' reasons and comments, other findings, the names on the lines,
    # handlers' recusals
    assert "白条入账属实" not in body and "评审意见" not in body and "回避理由" not in body
    if other is not None:
        assert other.message_zh not in body
    for line in finding.lines.all():
        for name in (line.handler, line.witness, line.approver):
            if name:
                assert name not in body
    # a cancellation's reason is the handlers' record too
    do_decide_item(item, "cancel", acting_user=county.persona("county_commission"), reason="内部：另案处理")
    body = client.get(reverse("rectification:item_work", args=[item.pk])).content.decode()
    assert "内部：另案处理" not in body
    # the timeline the person sees: their item's steps, none of the finding's
    timeline = client.get(reverse("core:matter_timeline", args=[f"finance.finding:{finding.pk}"])).content.decode()
    assert reverse("rectification:item_work", args=[item.pk]) in timeline
    assert reverse("finance:finding_detail", args=[finding.pk]) not in timeline
