"""Daily use of the finance workspace, at its HTTP interface: the findings list opens on the most serious
findings and sorts by every column; the unit filter takes a place; a batch page shows what it changed; the
finding page offers only people the reviewer may name, with their posts; a step refused because someone
else just reviewed the finding says who, what and when; the home page lists what to do today."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from cleangov.finance.actions import do_dismiss_finding
from cleangov.finance.models import Finding
from cleangov.orgs.actions import do_add_relation, do_create_person
from tests.support.finance import make_sample_finding


def _findings(county):
    """Four open findings in village A: (severity, amount) chosen so that each sort has one right order."""
    unit = county.villages["a"]
    spec = [("info", None), ("warn", "500.00"), ("block", "20.00"), ("block", "900.00")]
    made = []
    for severity, amount in spec:
        f = make_sample_finding(unit)
        Finding.objects.filter(pk=f.pk).update(severity=severity,
                                                amount_at_stake=Decimal(amount) if amount else None)
        made.append(f.pk)
    return made


def _ids(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<td data-label="#"><a href="/finance/findings/(\d+)/">', html)]


def test_list_opens_most_serious_first_and_sorts_by_each_column(county, login):
    info, warn, block_small, block_big = _findings(county)
    client = login(county.persona("township_discipline"))
    assert _ids(client.get("/finance/findings/").content.decode()) == [block_big, block_small, warn, info]
    assert _ids(client.get("/finance/findings/?sort=amount").content.decode())[:3] == [block_big, warn, block_small]
    assert _ids(client.get("/finance/findings/?sort=-amount").content.decode())[:3] == [block_small, warn, block_big]
    for key in ("rule", "unit", "status", "found", "-severity", "nonsense"):
        assert client.get(f"/finance/findings/?sort={key}").status_code == 200


def test_unit_filter_takes_the_place_a_name_or_a_code(county, login):
    _findings(county)
    client = login(county.persona("township_discipline"))
    client.cookies.load({"django_language": "zh-hans"})
    page = client.get("/finance/findings/").content.decode()
    # The units are searched on the server as one types (tests/web/test_unit_search.py), never listed whole.
    assert '<datalist id="finding-units"></datalist>' in page
    for typed in ("第1镇 › 第1村", "第1村", county.villages["a"].code):
        assert len(_ids(client.get("/finance/findings/", {"unit": typed}).content.decode())) == 4, typed
    refused = client.get("/finance/findings/", {"unit": "第9村"}).content.decode()
    assert "第9村" in refused and 'class="field-error"' in refused


def test_batch_page_marks_new_gone_and_persisting(county, login):
    from cleangov.finance.models import AuditRun, ImportBatch

    old = make_sample_finding(county.villages["a"])  # found by an earlier run, not by the batch's run
    kept = make_sample_finding(county.villages["a"])
    new = make_sample_finding(county.villages["a"])
    batch = ImportBatch.objects.get(pk=new.lines.get().batch_id)
    run = new.first_run
    AuditRun.objects.filter(pk=run.pk).update(batch=batch, scope_unit=county.villages["a"])
    previous = kept.first_run  # the run just before the batch's run, over the same books
    Finding.objects.filter(pk=kept.pk).update(last_run=run)
    Finding.objects.filter(pk=old.pk).update(last_run=previous, current=False)
    AuditRun.objects.filter(pk__in=[previous.pk, old.first_run_id]).update(scope_unit=county.villages["a"])
    page = login(county.persona("accountant")).get(f"/finance/batches/{batch.pk}/").content.decode()
    section = page.split('id="batch-changes"', 1)[1].split("</section>", 1)[0]
    new_part, rest = section.split('id="findings-gone"', 1)
    gone_part, persisting_part = rest.split('id="findings-persisting"', 1)
    assert _ids(new_part) == [new.pk] and _ids(gone_part) == [old.pk] and _ids(persisting_part) == [kept.pk]


def test_person_picker_shows_posts_and_leaves_out_who_cannot_be_named(county, login):
    finding = make_sample_finding(county.villages["a"])
    reviewer = county.persona("township_discipline")
    client = login(reviewer)
    client.cookies.load({"django_language": "zh-hans"})
    relative = do_create_person(acting_user=None, code="P-REL", name="覃亲属", home_unit=county.villages["a"],
                                identity_number="110101198001017777")
    do_add_relation(acting_user=None, person=reviewer.person, relative=relative, kind="sibling")
    page = client.get(f"/finance/findings/{finding.pk}/").content.decode()
    picker = page.split('name="responsible_person"', 1)[1].split("</select>", 1)[0]
    secretary = county.persona("village_secretary").person
    assert re.search(rf'value="{secretary.pk}"[^>]*>{secretary.name}（[^<]+· 第1村）', picker), picker
    assert f'value="{relative.pk}"' not in picker
    assert f'value="{reviewer.person_id}"' not in picker


def test_a_step_refused_after_someone_else_decided_names_them(county, login):
    finding = make_sample_finding(county.villages["a"])
    other = county.persona("county_commission")
    do_dismiss_finding(finding, acting_user=other, reason="重复记账，已核实")
    client = login(county.persona("township_discipline"))
    client.cookies.load({"django_language": "en"})
    response = client.post(f"/finance/findings/{finding.pk}/action/", {"verb": "dismiss", "reason": "误报"})
    text = response.content.decode()
    assert other.person.name in text and "already reviewed this finding" in text
    assert "“dismiss”" not in text  # the step by its label, never its code


def test_home_panel_says_what_to_do_today(county, login):
    _findings(county)
    page = login(county.persona("township_discipline")).get("/").content.decode()
    panel = page.split('id="finance-todo"', 1)[1].split("</section>", 1)[0]
    assert "/finance/findings/?status=open" in panel
    assert len(re.findall(r'href="/finance/findings/\d+/"', panel)) == 3  # the three most serious
    accountant = login(county.persona("accountant")).get("/").content.decode()
    assert "/finance/import/" in accountant.split('id="finance-todo"', 1)[1]
    assert 'id="finance-todo"' not in login(county.persona("villager_representative")).get("/").content.decode()


def test_notification_is_shown_in_the_page_language_and_says_the_title_once(county, login):
    from cleangov.core.models import Notification
    from cleangov.deadlines.actions import NOTIFICATION_OVERDUE, _notify
    from cleangov.deadlines.models import Deadline

    user = county.persona("village_secretary")
    deadline = Deadline(title="开展村级“三资”清理", subject_repr="开展村级“三资”清理（第1镇）", rule="duties.item",
                        due_date=timezone.localdate() - timedelta(days=1), unit=county.villages["a"])
    note = _notify(user, kind=NOTIFICATION_OVERDUE, deadline=deadline)
    assert Notification.objects.get(pk=note.pk).text.count("开展村级") == 1
    client = login(user)
    client.cookies.load({"django_language": "en"})
    english = client.get("/").content.decode()
    assert "Overdue: 开展村级“三资”清理 was due on" in english.replace("&ldquo;", "“").replace("&rdquo;", "”")
