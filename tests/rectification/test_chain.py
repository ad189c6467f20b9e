"""The chain end to end through the web: a confirmed voucher finding becomes an item, the responsible
person follows their to-do to the work view (no 404), submits evidence; someone else verifies and
closes; the finding's timeline shows the rectification."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cleangov.deadlines.models import Deadline
from cleangov.rectification.models import RectificationItem

pytestmark = pytest.mark.django_db


def test_confirmed_finding_to_closure(county, finding, confirm, client):
    confirm(finding)
    item = RectificationItem.objects.get(source_ref=f"finance.finding:{finding.pk}")
    assert item.problem_type == "voucher_irregularity" and item.unit == county.villages["a"]
    secretary = county.persona("village_secretary")
    # One to-do, linked to the work view, and no clock of the finding's own any more.
    todo = Deadline.objects.get(assignee=secretary)
    assert todo.link == reverse("rectification:item_work", args=[item.pk])
    assert not Deadline.objects.filter(subject_type="finance.finding").exists()

    client.force_login(secretary, backend="django.contrib.auth.backends.ModelBackend")
    home = client.get("/")
    assert todo.link in home.content.decode()
    page = client.get(todo.link)
    assert page.status_code == 200
    body = page.content.decode()
    assert item.title in body and "白条属实" not in body  # no reviewer's reason
    assert client.get(reverse("rectification:item_detail", args=[item.pk])).status_code == 404
    assert client.get(reverse("finance:finding_detail", args=[finding.pk])).status_code == 404
    response = client.post(todo.link, {"measures": "已退回白条，补开正式发票", "files": [
        SimpleUploadedFile("invoice.pdf", b"%PDF-1.4 test", content_type="application/pdf")]})
    assert response.status_code == 302, response.content.decode()[:2000]
    item.refresh_from_db()
    assert item.status == "submitted" and item.evidence.get().sha256
    # They cannot verify their own item.
    assert client.post(reverse("rectification:item_decide", args=[item.pk, "verify"])).status_code == 404

    client.force_login(county.persona("township_secretary"), backend="django.contrib.auth.backends.ModelBackend")
    assert client.post(reverse("rectification:item_decide", args=[item.pk, "verify"])).status_code == 302
    assert client.post(reverse("rectification:item_decide", args=[item.pk, "close"])).status_code == 302
    item.refresh_from_db()
    assert item.status == "closed" and item.closed_on_time

    client.force_login(county.persona("township_discipline"), backend="django.contrib.auth.backends.ModelBackend")
    timeline = client.get(reverse("core:matter_timeline", args=[f"finance.finding:{finding.pk}"]))
    text = timeline.content.decode()
    assert timeline.status_code == 200
    assert reverse("rectification:item_detail", args=[item.pk]) in text
    assert reverse("finance:finding_detail", args=[finding.pk]) in text
