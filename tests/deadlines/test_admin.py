"""The admin: calendar years are read-only and loaded from a file through the audited action."""

from django.core.files.uploadedfile import SimpleUploadedFile

from cleangov.accounts.actions import do_create_user
from cleangov.core.models import AuditEvent
from cleangov.deadlines.models import CalendarYear

URL = "/django-admin/deadlines/calendaryear/load/"
GOOD = "# source: 国务院办公厅关于2027年部分节假日安排的通知\ndate,kind,name\n2027-01-01,holiday,元旦\n"


def _admin(client):
    user = do_create_user(acting_user=None, username="root", password=None, is_superuser=True)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return user


def test_load_a_year_from_the_admin(client, db):
    user = _admin(client)
    page = client.get("/django-admin/deadlines/calendaryear/")
    assert page.status_code == 200 and URL.encode() in page.content
    broken = b"# source: x\ndate,kind,name\n2027-02-30,holiday,x\n"
    bad = client.post(URL, {"file": SimpleUploadedFile("bad.csv", broken)})
    assert bad.status_code == 200 and b"row 3, column date" in bad.content
    assert not CalendarYear.objects.exists()
    response = client.post(URL, {"file": SimpleUploadedFile("cn-2027.csv", GOOD.encode())})
    assert response.status_code == 302
    cy = CalendarYear.objects.get(year=2027)
    assert cy.loaded_by == user and cy.file_name == "cn-2027.csv"
    assert AuditEvent.objects.get(event_code="deadlines.calendar_year_loaded").actor == user
    # Read-only: no add or change through the generic admin forms.
    assert client.get("/django-admin/deadlines/calendaryear/add/").status_code == 403


def test_staff_without_permission_cannot_load(client, county):
    client.force_login(county.persona("county_commission"), backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(URL)
    assert response.status_code in (302, 403)
