from datetime import date

import pytest
from django.core.exceptions import ValidationError

from cleangov.core.signals import case_requested
from cleangov.deadlines.api import deadlines_for
from cleangov.democracy.actions import do_answer_concern, do_record_concern, do_refer_concern

pytestmark = pytest.mark.django_db


def _concern(county, **kw):
    return do_record_concern(acting_user=county.persona("liaison_cadre"), unit=county.villages["a"],
                             channel="reception", category=kw.pop("category", "homestead"),
                             received_on=date(2026, 11, 20), summary="宅基地审批迟迟没有答复",
                             villager_name="王大娘", promise="两周内答复审批进度", promised_by=date(2026, 12, 4), **kw)


def test_a_villager_follows_a_concern_by_its_code(county, client):
    concern = _concern(county)
    assert deadlines_for(concern).get().due_date == date(2026, 12, 4)
    page = client.post("/public/concerns/follow/", {"code": concern.code.lower()})
    text = page.content.decode()
    assert page.status_code == 200 and concern.code in text and "两周内答复审批进度" in text
    assert "王大娘" not in text and "宅基地审批迟迟没有答复" not in text  # the villager's name and words stay inside
    do_answer_concern(concern, acting_user=county.persona("liaison_cadre"), answer="已报镇里审批，下周发证")
    text = client.post("/public/concerns/follow/", {"code": concern.code}).content.decode()
    assert "已报镇里审批，下周发证" in text
    assert deadlines_for(concern).get().status == "met"
    missing = client.post("/public/concerns/follow/", {"code": "MQ-AAAAAAAA"}).content.decode()
    assert concern.code not in missing


def test_a_misconduct_concern_becomes_a_report_only_with_consent(county):
    received = []

    def receiver(**kwargs):
        received.append(kwargs)

    case_requested.connect(receiver)
    try:
        plain = _concern(county)
        with pytest.raises(ValidationError):
            do_refer_concern(plain, acting_user=county.persona("liaison_cadre"), villager_consents=True)
        misconduct = _concern(county, category="cadre_conduct", alleges_misconduct=True)
        with pytest.raises(ValidationError):
            do_refer_concern(misconduct, acting_user=county.persona("liaison_cadre"), villager_consents=False)
        do_refer_concern(misconduct, acting_user=county.persona("liaison_cadre"), villager_consents=True)
    finally:
        case_requested.disconnect(receiver)
    assert len(received) == 1 and str(received[0]["source"]) == f"democracy.concern:{misconduct.pk}"


def test_a_concern_has_a_timeline_for_those_who_may_open_it(county, login):
    from django.urls import reverse

    from cleangov.core.matters import MatterRef, chain

    liaison = county.persona("liaison_cadre")
    concern = _concern(county)
    do_answer_concern(concern, acting_user=liaison, answer="已报镇里审批，下周发证", answered_on=date(2026, 12, 9))
    url = reverse("core:matter_timeline", args=[f"democracy.concern:{concern.pk}"])
    page = login(liaison).get(reverse("democracy:concern_detail", args=[concern.pk])).content.decode()
    assert url in page  # the concern page links its timeline
    text = login(liaison).get(url).content.decode()
    for words in ("2026-11-20", "两周内答复审批进度", "2026-12-05", "2026-12-09", "已报镇里审批，下周发证"):
        assert words in text, words
    assert login(county.persona("township_discipline")).get(url).status_code == 200
    # Those who may not open the concern get the same 404 as for a concern that does not exist.
    for role, side in (("villager_representative", "a"), ("township_discipline", "b"), ("liaison_cadre", "b")):
        client = login(county.persona(role, side))
        assert client.get(url).status_code == 404, role
        assert client.get(reverse("democracy:concern_detail", args=[concern.pk])).status_code == 404, role
    assert login(liaison).get(reverse("core:matter_timeline", args=["democracy.concern:999999"])).status_code == 404
    # Passed on as a report: the case registered from it joins the chain.
    misconduct = _concern(county, category="cadre_conduct", alleges_misconduct=True)
    do_refer_concern(misconduct, acting_user=liaison, villager_consents=True)
    kinds = {ref.kind for ref in chain(MatterRef.of(misconduct))}
    assert "democracy.concern" in kinds and len(kinds) > 1
    text = login(liaison).get(reverse("core:matter_timeline", args=[str(MatterRef.of(misconduct))])).content.decode()
    assert "2026-11-20" in text
