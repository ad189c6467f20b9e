"""Letters of responsibility: generation per level, versions, signatures by the named person only."""

import shutil
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from cleangov.core.models import AuditEvent
from cleangov.duties.actions import (
    do_create_letter,
    do_generate_letters,
    do_revise_letter,
    do_roll_down_duty_item,
    do_sign_letter,
    letter_status,
)
from cleangov.duties.models import LetterVersion, ResponsibilityLetter, content_hash

from .conftest import YEAR

pytestmark = pytest.mark.django_db


@pytest.fixture
def letter(county, make_item):
    make_item(lead_role="township_leader")
    with translation.override("en"):
        created, existing = do_generate_letters(county.townships["a"], YEAR, acting_user=None)
    assert existing == 0
    return next(x for x in created if x.recipient_person == county.persona("township_leader").person)


def test_generation_per_level(county, make_item):
    item = make_item(lead_role="township_leader")
    make_item(lead_role="township_secretary")
    do_roll_down_duty_item(item, acting_user=None)
    created, _ = do_generate_letters(county.townships["a"], YEAR, acting_user=None)
    pairs = {(x.issuer_person.name, x.recipient_person.name, x.recipient_unit.code) for x in created}
    secretary = county.persona("township_secretary").person.name
    assert pairs == {
        (secretary, county.persona("township_leader").person.name, "T1"),  # secretary ↔ team member
        (secretary, county.persona("village_secretary").person.name, "T1V1"),  # township ↔ village secretary
    }
    # The county ↔ the township's first responsible person (the secretary leads an item of the township).
    county_letters, _ = do_generate_letters(county.county, YEAR, acting_user=None)
    assert [(x.issuer_person, x.recipient_person) for x in county_letters] == [
        (county.persona("county_leader").person, county.persona("township_secretary").person)]
    # Generating again creates nothing new.
    assert do_generate_letters(county.townships["a"], YEAR, acting_user=None) == ([], 2)


def test_version_content_lists_the_duties_and_is_hashed(county, letter):
    version = letter.versions.get()
    assert version.content["issuer"]["post"] == "乡镇党委书记"  # frozen in Chinese, whatever the UI language
    assert version.number == 1 and letter.current_version == 1
    assert version.content["title"] == "党风廉政建设责任书"
    assert [d["title"] for d in version.content["duties"]] == ["每季度听取分管领域党风廉政建设情况汇报"]
    assert version.content_hash == content_hash(version.content) and version.hash_is_intact()


def test_sign_edit_resign(county, letter, make_item):
    recipient, issuer = county.persona("township_leader"), county.persona("township_secretary")
    first = do_sign_letter(letter, acting_user=recipient)
    assert letter_status(letter, [first]) == "partly"
    with pytest.raises(ValidationError):
        do_sign_letter(letter, acting_user=recipient)  # once per side and version
    second = do_sign_letter(letter, acting_user=issuer)
    letter.refresh_from_db()
    assert {first.side, second.side} == {"recipient", "issuer"}
    assert letter_status(letter, [first, second]) == "signed"
    v1 = letter.versions.get(number=1)
    assert first.content_hash == v1.content_hash

    # Nothing changed: no new version.
    with pytest.raises(ValidationError):
        do_revise_letter(letter, acting_user=issuer, reason="再签一次")
    # A new duty item changes the letter: a new version, unsigned; the old one keeps its signatures.
    make_item(lead_role="township_leader")
    v2 = do_revise_letter(letter, acting_user=issuer, reason="新增责任事项")
    letter.refresh_from_db()
    assert (v2.number, letter.current_version) == (2, 2)
    assert len(v2.content["duties"]) == 2 and v2.content_hash != v1.content_hash
    assert not v2.signatures.exists()
    assert letter_status(letter, list(v1.signatures.all())) == "unsigned"  # current version unsigned
    v1.refresh_from_db()
    assert v1.signatures.count() == 2 and all(s.is_valid() for s in v1.signatures.all())
    assert len(v1.content["duties"]) == 1  # the old text did not move

    # A signer who opened version 1 cannot sign version 2 unknowingly.
    with pytest.raises(ValidationError):
        do_sign_letter(letter, acting_user=recipient, version_number=1)
    do_sign_letter(letter, acting_user=recipient, version_number=2)
    do_sign_letter(letter, acting_user=issuer, version_number=2)
    assert letter_status(letter, list(v2.signatures.all())) == "signed"
    assert AuditEvent.objects.filter(event_code="duties.letter_signed", subject_id=str(letter.pk)).count() == 4
    event = AuditEvent.objects.filter(event_code="duties.letter_revised", subject_id=str(letter.pk)).get()
    assert event.after["content_hash"] == v2.content_hash and event.before["content_hash"] == v1.content_hash


def test_only_the_named_person_signs(county, letter):
    for role in ("township_discipline", "county_commission", "village_secretary", "township_leader"):
        side = "b" if role == "township_leader" else "a"
        with pytest.raises(ValidationError):
            do_sign_letter(letter, acting_user=county.persona(role, side))
    assert not letter.versions.get().signatures.exists()


def test_signing_over_http(county, letter, login):
    url = reverse("duties:letter_sign", args=[letter.pk])
    # The discipline secretary may read the letter but not sign it; the other side's leader sees nothing.
    client = login(county.persona("township_discipline"))
    assert client.get(reverse("duties:letter_detail", args=[letter.pk])).status_code == 200
    assert client.post(url, {"confirm": "on", "version": 1}).status_code == 404
    client = login(county.persona("township_leader", "b"))
    assert client.get(reverse("duties:letter_detail", args=[letter.pk])).status_code == 404
    assert client.post(url, {"confirm": "on", "version": 1}).status_code == 404
    # The recipient must tick the acknowledgement.
    client = login(county.persona("township_leader"))
    client.post(url, {"version": 1})
    assert not letter.versions.get().signatures.exists()
    response = client.post(url, {"confirm": "on", "version": 1})
    assert response.status_code == 302
    signature = letter.versions.get().signatures.get()
    assert (signature.side, signature.user) == ("recipient", county.persona("township_leader"))


def test_tampered_version_cannot_be_signed_and_voids_signatures(county, letter):
    signature = do_sign_letter(letter, acting_user=county.persona("township_leader"))
    content = letter.versions.get().content
    content["duties"][0]["title"] = "改过的内容"
    LetterVersion.objects.filter(letter=letter).update(content=content)  # a direct database edit
    signature.refresh_from_db()
    assert not signature.is_valid()
    with pytest.raises(ValidationError):
        do_sign_letter(letter, acting_user=county.persona("township_secretary"))


def test_two_different_parties(county):
    person = county.persona("township_secretary").person
    with pytest.raises(ValidationError):
        do_create_letter(acting_user=None, year=YEAR, issuer_unit=county.townships["a"], issuer_person=person,
                         recipient_unit=county.townships["a"], recipient_person=person)
    assert not ResponsibilityLetter.objects.exists()


def test_pdf_renders_the_official_format(county, letter, login):
    do_sign_letter(letter, acting_user=county.persona("township_leader"))
    client = login(county.persona("township_secretary"))
    response = client.get(reverse("duties:letter_pdf", args=[letter.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode("utf-8")
    compact = "".join(text.split())
    version = letter.versions.get()
    assert "党风廉政建设责任书" in compact
    assert str(YEAR) in compact
    assert county.persona("township_leader").person.name in compact
    assert county.persona("township_secretary").person.name in compact
    assert "每季度听取分管领域党风廉政建设情况汇报" in compact
    assert "尚未签署" in compact and "在平台确认签署" in compact  # one side signed, one not
    assert version.content_hash in compact and "v1" in compact
