"""An item's source (the finding it came from) is a link only for a reader whom the finding's page answers."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cleangov.rectification.models import RectificationItem

pytestmark = pytest.mark.django_db


def test_source_is_linked_only_for_readers_of_the_finding(county, finding, confirm, client):
    confirm(finding)
    item = RectificationItem.objects.get(source_ref=f"finance.finding:{finding.pk}")
    page_url = reverse("rectification:item_detail", args=[item.pk])
    source = reverse("finance:finding_detail", args=[finding.pk])

    # The township secretary handles the item but does not read vouchers' findings.
    client.force_login(county.persona("township_secretary"), backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(source).status_code == 404
    page = client.get(page_url).content.decode()
    assert item.source_ref in page and f'href="{source}"' not in page

    client.force_login(county.persona("township_discipline"), backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(source).status_code == 200
    assert f'<a href="{source}">{item.source_ref}</a>' in client.get(page_url).content.decode()
