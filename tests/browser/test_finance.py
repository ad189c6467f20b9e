"""Finance in a real browser: an accountant uploads an XLSX, watches the progress bar while a real
``cleangov worker`` imports and audits it, and sees the findings appear; the township discipline
secretary confirms one with a reason; the claimant named on it gets 404 for it."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cleangov.accounts.actions import do_assign_role, do_create_user
from cleangov.finance.models import Finding
from cleangov.orgs.actions import do_create_person
from tests.deadlines.helpers import env_for_test_database, run_cleangov
from tests.support.county import PASSWORD, _persona_password_hash
from tests.support.finance import sample_rows, write_xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(context, base_url, username):
    page = context.new_page()
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    return page


def test_upload_audit_confirm_and_conflict_of_interest(browser, live_server, county, tmp_path, artifacts):
    claimant = do_create_person(acting_user=None, code="P-CLAIM", name="覃报销", home_unit=county.villages["a"],
                                identity_number="110101198001019999")
    claimant_user = do_create_user(acting_user=None, username="claimant", password=None, person=claimant)
    claimant_user.password = _persona_password_hash()
    claimant_user.save(update_fields=["password"])
    do_assign_role(acting_user=None, user=claimant_user, role="supervision_member", unit=county.villages["a"])
    xlsx = write_xlsx(tmp_path / "凭证2025-03.xlsx", sample_rows(county.villages["a"].code, claimant_code="P-CLAIM"))

    # 1. The township accountant uploads, checks the preview and imports.
    ctx = browser.new_context(locale="en-US")
    page = _login(ctx, live_server.url, county.persona("accountant").username)
    page.goto(f"{live_server.url}/finance/import/")
    page.select_option("select[name=unit]", str(county.townships["a"].pk))
    page.set_input_files("input[name=file]", str(xlsx))
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/finance/import/\d+/$"))
    # The preview is computed once, by the worker; the page shows its progress and then the result.
    expect(page.locator("#preview-progress")).to_be_visible()
    preview = run_cleangov("worker", "--once", "--no-startup-delay", "--no-reload", "--tick-seconds", "0",
                           env=env_for_test_database(), timeout=300)
    assert preview.returncode == 0, preview.stderr[-2000:]
    expect(page.locator("#rows-to-import")).to_have_text("6", timeout=30_000)
    expect(page.locator("#invalid-rows")).to_have_text("0")
    page.screenshot(path=str(artifacts / "finance-01-preview.png"), full_page=True)
    page.locator("#start-import").click()
    page.wait_for_url(re.compile(r"/finance/tasks/[^/]+/$"))
    expect(page.locator("progress").first).to_be_visible()
    page.screenshot(path=str(artifacts / "finance-02-progress.png"), full_page=True)

    # 2. A real worker imports, then audits (the import enqueues the audit run).
    env = env_for_test_database()
    results = []

    def work():
        for _ in range(2):
            results.append(run_cleangov("worker", "--once", "--no-startup-delay", "--no-reload", "--tick-seconds",
                                        "0", env=env, timeout=300))

    worker = threading.Thread(target=work)
    worker.start()
    expect(page.locator("#run-findings")).to_be_visible(timeout=120_000)
    worker.join()
    assert all(r.returncode == 0 for r in results), [r.stderr[-2000:] for r in results]
    expect(page.locator("#findings-count")).to_contain_text("2 findings")
    page.screenshot(path=str(artifacts / "finance-03-findings.png"), full_page=True)
    iou = Finding.objects.get(rule="iou_receipt")
    ctx.close()

    # 3. The township discipline secretary confirms it with a reason.
    ctx = browser.new_context(locale="en-US")
    page = _login(ctx, live_server.url, county.persona("township_discipline").username)
    page.goto(f"{live_server.url}/finance/findings/?status=open")
    page.locator(f'#findings a[href="/finance/findings/{iou.pk}/"]').click()
    expect(page.locator("#finding-lines")).to_contain_text("IOU (no invoice)")  # the invoice type, by its label
    page.select_option("#id_verb", "confirm")
    page.fill("textarea[name=reason]", "白条入账属实，责令补开发票")
    page.select_option("select[name=responsible_person]", str(county.persona("village_secretary").person_id))
    page.fill("input[name=due_date]", (timezone.localdate() + timedelta(days=20)).isoformat())
    page.locator("#review button[type=submit]").click()
    expect(page.locator("#finding-history")).to_contain_text("白条入账属实")
    page.screenshot(path=str(artifacts / "finance-04-confirmed.png"), full_page=True)
    iou.refresh_from_db()
    assert iou.status == "confirmed"
    ctx.close()

    # 4. The claimant named on the lines cannot open it.
    ctx = browser.new_context(locale="en-US")
    page = _login(ctx, live_server.url, "claimant")
    response = page.goto(f"{live_server.url}/finance/findings/{iou.pk}/")
    assert response.status == 404
    page.goto(f"{live_server.url}/finance/findings/")
    expect(page.locator(f'a[href="/finance/findings/{iou.pk}/"]')).to_have_count(0)
    ctx.close()
