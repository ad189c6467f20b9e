"""Finance dashboards: scope per role, conflict of interest on every list, the summaries, Benford
(MAD against a hand computation, refusal under 300 amounts), charts, and fixed query counts."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cleangov.finance.dashboards import charts
from cleangov.finance.dashboards.models import BatchLineSummary, FindingMonth, SummarizedBatch
from cleangov.finance.dashboards.queries import (
    benford,
    build_dashboard,
    conformity,
    mean_absolute_deviation,
    risk_score,
)
from cleangov.finance.dashboards.summaries import first_digit_q, is_stale, refresh_summaries
from cleangov.finance.models import ImportBatch, VoucherLine
from tests.support.finance import make_sample_finding

pytestmark = pytest.mark.django_db
_sha = itertools.count(1)


def make_lines(unit, amounts, *, category="office", day=dt.date(2025, 3, 10), status="active"):
    """One stored batch of lines for ``unit`` with the given amounts (no engine, no import)."""
    now = timezone.now()
    batch = ImportBatch.objects.create(
        sha256=f"dash{next(_sha):060d}", file_name="t.csv", source="cli", scope_unit=unit, uploaded_at=now,
        period_start=day, period_end=day, rows_read=len(amounts), rows_imported=len(amounts), status=status)
    VoucherLine.objects.bulk_create([
        VoucherLine(batch=batch, unit=unit, row_no=i + 2, line_id=f"L{i}", org_code=unit.code, voucher_no=f"记-{i}",
                    voucher_date=day, category=category, amount=Decimal(str(a))) for i, a in enumerate(amounts)])
    return batch


def make_finding(unit, *, subject_person=None, status="open", rule="iou_receipt", severity="block", stake=None,
                 day=None):
    """A finding with its own voucher line and subject person, reusing one batch and run per unit."""
    from cleangov.finance.models import AuditRun, Finding, FindingLine, FindingPerson

    day = day or timezone.localdate()
    n = next(_sha)
    run = AuditRun.objects.filter(scope_unit=unit).first()
    batch = ImportBatch.objects.filter(scope_unit=unit, file_name="f.csv").first()
    if run is None:
        run = AuditRun.objects.create(scope_unit=unit, trigger="manual", created_at=timezone.now(), status="succeeded")
    if batch is None:
        batch = ImportBatch.objects.create(
            sha256=f"find{n:060d}", file_name="f.csv", source="cli", scope_unit=unit, uploaded_at=timezone.now(),
            period_start=day, period_end=day, rows_read=1, rows_imported=1)
    line = VoucherLine.objects.create(batch=batch, unit=unit, row_no=n, line_id=f"F{n}", org_code=unit.code,
                                      voucher_no=f"记-{n}", voucher_date=day, category="office", amount="100.00")
    finding = Finding.objects.create(
        fingerprint=f"fp{n}", rule=rule, severity=severity, unit=unit, year=day.year, amount_at_stake=stake,
        message_zh="测试", message_en="test", source="test", standards_version="central", first_run=run,
        last_run=run, status=status)
    FindingLine.objects.create(finding=finding, line=line)
    if subject_person is not None:
        FindingPerson.objects.create(finding=finding, person=subject_person, role="claimant")
    return finding


# ---------------------------------------------------------------- Benford


def test_mad_against_a_hand_computed_example():
    # 900 amounts, 100 per first digit: each observed share is 1/9 = 0.111111.
    # |0.111111 − P(d)| for P = .301030 .176091 .124939 .096910 .079181 .066947 .057992 .051153 .045757:
    #   .189919 + .064980 + .013828 + .014201 + .031930 + .044164 + .053119 + .059958 + .065354 = .537453
    # MAD = .537453 / 9 = .059717 → nonconformity (> 0.015).
    mad = mean_absolute_deviation([100] * 9)
    assert mad == pytest.approx(0.059717, abs=1e-6)
    assert conformity(mad) == "nonconformity"
    # Counts as close to Benford as whole numbers allow for N = 1000: 301 176 125 97 79 67 58 51 46.
    # Deviations .000030 .000091 .000061 .000090 .000181 .000053 .000008 .000153 .000243 sum .000910.
    close = mean_absolute_deviation([301, 176, 125, 97, 79, 67, 58, 51, 46])
    assert close == pytest.approx(0.000910 / 9, abs=1e-6)
    assert conformity(close) == "close"


@pytest.mark.parametrize(("mad", "label"), [(0.0, "close"), (0.006, "close"), (0.0061, "acceptable"),
                                            (0.012, "acceptable"), (0.0121, "marginal"), (0.015, "marginal"),
                                            (0.0151, "nonconformity")])
def test_nigrini_bands(mad, label):
    assert conformity(mad) == label


def test_benford_is_refused_under_300_amounts():
    refused = benford([100, 50, 40, 30, 25, 20, 14, 10, 10])  # 299
    assert refused.n == 299 and refused.refused and refused.mad is None and refused.conformity == ""
    accepted = benford([100, 50, 40, 30, 25, 20, 15, 10, 10])  # 300
    assert not accepted.refused and accepted.mad is not None and accepted.conformity


def test_first_digit_ranges_match_the_string_rule(county):
    amounts = ["10.00", "19.99", "20.00", "99.99", "100.00", "123456.78", "9.99", "5000", "70000.01", "1000000"]
    make_lines(county.villages["a"], amounts)
    for d in range(1, 10):
        want = sum(1 for a in amounts if Decimal(a) >= 10 and str(int(Decimal(a)))[0] == str(d))
        assert VoucherLine.objects.filter(first_digit_q(d)).count() == want, d


# ---------------------------------------------------------------- summaries


def test_summaries_group_lines_per_unit_year_and_expense_group(county):
    village = county.villages["a"]
    make_lines(village, ["120.00", "380.00"], category="travel_lodging")
    make_lines(village, ["55.50"], category="vehicle_fuel", day=dt.date(2024, 6, 1))
    old = make_lines(village, ["999.00"], category="reception", status="superseded")
    assert is_stale()
    refresh_summaries()
    assert not is_stale()
    rows = {(r.year, r.group): (r.lines, r.amount) for r in BatchLineSummary.objects.exclude(batch=old)}
    assert rows == {(2025, "travel"): (2, Decimal("500.00")), (2024, "vehicle"): (1, Decimal("55.50"))}
    dash = build_dashboard(county.persona("county_commission"), county.county)
    # The superseded batch is summarised but left out when read.
    assert [(p["year"], p["travel"], p["vehicle"], p["reception"]) for p in dash.three_public] == [
        (2024, 0, Decimal("55.50"), 0), (2025, Decimal("500.00"), 0, 0)]
    assert SummarizedBatch.objects.count() == 3
    assert refresh_summaries()["batches"] == 0  # idempotent


def test_a_finished_audit_run_refreshes_the_summaries(county, django_capture_on_commit_callbacks):
    batch = make_lines(county.villages["a"], ["10.00"])
    with django_capture_on_commit_callbacks(execute=True):
        finding = make_sample_finding(county.villages["a"])  # saves a succeeded AuditRun
        finding.first_run.save()
    assert SummarizedBatch.objects.filter(batch=batch).exists()
    assert FindingMonth.objects.get(finding=finding).month == timezone.localdate().replace(day=1)


def test_risk_score_is_documented_formula():
    # 6 weighted findings over 2,000 lines = 3 per 1,000; 500 at stake of 10,000 spent = 5 %.
    assert risk_score(6, Decimal(500), 2000, Decimal(10000)) == 8.0
    assert risk_score(4, Decimal(0), 0, Decimal(0)) == 4.0


# ---------------------------------------------------------------- pages per role and scope


def _findings(county):
    a = [make_finding(county.villages["a"]) for _ in range(3)]
    b = [make_finding(county.villages["b"]) for _ in range(2)]
    return a, b


@pytest.mark.parametrize("role", ["county_commission", "auditor"])
def test_county_roles_see_the_whole_county(county, login, role):
    _findings(county)
    client = login(county.persona(role))
    response = client.get(reverse("finance:dash_unit", args=[county.county.pk]))
    assert response.status_code == 200
    assert response.context["dash"].totals["findings"] == 5
    assert {c.unit.code for c in response.context["dash"].children} == {"T1", "T2"}
    assert client.get(reverse("finance:dash_unit", args=[county.townships["b"].pk])).status_code == 200


@pytest.mark.parametrize("role", ["township_discipline", "accountant"])
def test_township_roles_see_only_their_township(county, login, role):
    _findings(county)
    client = login(county.persona(role, "a"))
    response = client.get(reverse("finance:dash_unit", args=[county.townships["a"].pk]))
    assert response.status_code == 200
    assert response.context["dash"].totals["findings"] == 3
    for other in (county.townships["b"], county.county, county.villages["b"]):
        assert client.get(reverse("finance:dash_unit", args=[other.pk])).status_code == 404
    home = client.get(reverse("finance:dash_home"))
    assert [u.pk for u in home.context["roots"]] == [county.townships["a"].pk]


def test_village_supervision_member_sees_their_village_only(county, login):
    _findings(county)
    client = login(county.persona("supervision_member", "a"))
    assert client.get(reverse("finance:dash_unit", args=[county.villages["a"].pk])).context[
        "dash"].totals["findings"] == 3
    assert client.get(reverse("finance:dash_unit", args=[county.townships["a"].pk])).status_code == 404


@pytest.mark.parametrize("role", ["township_secretary", "village_secretary", "sysadmin", "county_leader"])
def test_roles_without_findings_get_404(county, login, role):
    client = login(county.persona(role, "a"))
    assert client.get(reverse("finance:dash_home")).status_code == 404
    assert client.get(reverse("finance:dash_unit", args=[county.county.pk])).status_code == 404


# ---------------------------------------------------------------- conflict of interest


def test_findings_about_the_user_or_a_relative_are_left_out_everywhere(county, login):
    from cleangov.orgs.actions import do_add_relation, do_create_person

    viewer = county.persona("township_discipline", "a")
    relative = do_create_person(acting_user=None, code="P-REL", name="亲属", home_unit=county.villages["a"],
                                identity_number="110101198001019999")
    do_add_relation(acting_user=None, person=viewer.person, relative=relative, kind="spouse")
    mine = make_finding(county.villages["a"], subject_person=viewer.person)
    theirs = make_finding(county.villages["a"], subject_person=relative)
    clean = make_finding(county.villages["a"])
    client = login(viewer)
    unit = county.townships["a"]

    dash = client.get(reverse("finance:dash_unit", args=[unit.pk])).context["dash"]
    assert dash.totals["findings"] == 1
    assert dash.by_rule[0]["findings"] == 1
    drill = client.get(reverse("finance:dash_findings", args=[unit.pk]), {"rule": "iou_receipt"})
    assert [f.pk for f in drill.context["page"].object_list] == [clean.pk]
    by_unit = client.get(reverse("finance:dash_findings", args=[unit.pk]), {"unit": county.villages["a"].code})
    assert [f.pk for f in by_unit.context["page"].object_list] == [clean.pk]
    month = timezone.localdate().strftime("%Y-%m")
    by_month = client.get(reverse("finance:dash_findings", args=[unit.pk]), {"month": month})
    assert [f.pk for f in by_month.context["page"].object_list] == [clean.pk]

    ids = _xlsx_ids(client.get(reverse("finance:dash_findings_xlsx", args=[unit.pk])))
    assert ids == [clean.pk]
    pdf = client.get(reverse("finance:dash_report_pdf", args=[unit.pk]))
    assert pdf.status_code == 200
    # The county commission, not conflicted, sees all three.
    other = login(county.persona("county_commission"))
    assert sorted(_xlsx_ids(other.get(reverse("finance:dash_findings_xlsx", args=[unit.pk])))) == sorted(
        [mine.pk, theirs.pk, clean.pk])


def _xlsx_ids(response):
    import io

    import openpyxl

    assert response.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(response) if response.streaming else response.content)).active
    return [row[0] for row in ws.iter_rows(min_row=2, values_only=True)]


def test_drill_down_filters_and_a_foreign_unit_code(county, login):
    _findings(county)
    client = login(county.persona("county_commission"))
    url = reverse("finance:dash_findings", args=[county.townships["a"].pk])
    assert len(client.get(url).context["page"].object_list) == 3
    # A unit code outside the dashboard's subtree matches nothing rather than widening the scope.
    assert len(client.get(url, {"unit": county.villages["b"].code}).context["page"].object_list) == 0
    assert len(client.get(url, {"rule": "no_such_rule"}).context["page"].object_list) == 0
    assert len(client.get(url, {"status": "dismissed"}).context["page"].object_list) == 0


# ---------------------------------------------------------------- charts and the Benford section


def test_dashboard_renders_svg_charts_without_scripts(county, login):
    _findings(county)
    make_lines(county.villages["a"], [10 + i for i in range(400)], category="reception")
    client = login(county.persona("county_commission"))
    html = client.get(reverse("finance:dash_unit", args=[county.county.pk])).content.decode()
    assert html.count('<svg class="chart') >= 5
    assert 'viewBox="0 0 320' in html and 'width="100%"' in html and "<title" in html
    assert "<script>" not in html and "style=\"" not in html.split("<main", 1)[-1]
    assert 'id="benford-result"' in html and "benford-refused" not in html


def test_benford_refusal_is_shown_under_300_amounts(county, login):
    make_lines(county.villages["a"], [10 + i for i in range(299)])
    client = login(county.persona("county_commission"))
    response = client.get(reverse("finance:dash_unit", args=[county.county.pk]))
    assert response.context["dash"].benford.n == 299
    html = response.content.decode()
    assert 'id="benford-refused"' in html and 'id="benford-result"' not in html


def test_bar_chart_escapes_labels():
    svg = charts.bar_chart([charts.Bar(label="<script>x</script>", value=3)], title="t & <b>")
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "t &amp; &lt;b&gt;" in svg


# ---------------------------------------------------------------- query counts


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", ["finance:dash_unit", "finance:dash_findings", "finance:finding_list"])
def test_query_count_does_not_grow_with_the_data(county, login, name):
    client = login(county.persona("township_discipline", "a"))
    url = reverse(name, args=[county.townships["a"].pk]) if name.startswith("finance:dash") else reverse(name)
    make_finding(county.villages["a"])
    refresh_summaries()
    small = _count(client, url)
    for i in range(12):
        make_finding(county.villages["a" if i % 2 else "b"], rule=f"rule_{i}", day=dt.date(2025, 1 + i, 1))
    make_lines(county.villages["a"], ["12.00"] * 50, category="travel_lodging")
    refresh_summaries()
    assert _count(client, url) == small


def test_dashboard_query_baseline(county, login, django_assert_max_num_queries):
    """Baseline (24), fixed whatever the volume: session, user, 2FA device (3); the gate: role
    assignments and the unit (2); freshness checks: batches, newest finding, stale units (3); units of
    the subtree inside the user's scope (2: role assignments, so that a township held without its
    subtree lists no village, then the units); role assignments for the scope of the two statistics
    (2); statistics per unit, rule and month (3); relatives and role assignments for the hidden
    findings, then those (3); line summaries and first digits (2); the ancestors' scope (1, with its
    assignments); the page frame's navigation (4). Raise it only with a reason."""
    for _ in range(5):
        make_finding(county.villages["a"])
    refresh_summaries()
    client = login(county.persona("county_commission"))
    with django_assert_max_num_queries(24):
        client.get(reverse("finance:dash_unit", args=[county.county.pk]))


def test_dashboard_numbers_equal_the_conflict_free_queue(county, login):
    """The statistics minus the hidden findings give exactly what findings_for gives, per status, rule
    and unit, also after a review decision changes a status."""
    from cleangov.finance.access import findings_for
    from cleangov.finance.actions import do_dismiss_finding

    viewer = county.persona("township_discipline", "a")
    village = county.villages["a"]
    made = [make_finding(village, rule=r, severity=sv, stake=st, subject_person=p, status=s)
            for r, sv, st, p, s in [("iou_receipt", "block", "10.00", viewer.person, "open"),
                                    ("iou_receipt", "block", "20.00", None, "open"),
                                    ("round_amounts", "info", None, viewer.person, "confirmed"),
                                    ("round_amounts", "info", "5.00", None, "escalated"),
                                    ("cash_over_limit", "block", "7.00", viewer.person, "dismissed"),
                                    ("cash_over_limit", "block", "9.00", None, "open")]]
    client = login(viewer)
    url = reverse("finance:dash_unit", args=[county.townships["a"].pk])
    queue = findings_for(viewer).filter(unit__path__startswith=county.townships["a"].path)

    def check():
        dash = client.get(url).context["dash"]
        kept = queue.exclude(status="dismissed")
        assert dash.totals["findings"] == kept.count()
        assert dash.totals["dismissed"] == queue.filter(status="dismissed").count()
        assert dash.totals["stake"] == sum((f.amount_at_stake or 0) for f in kept)
        assert {r["rule"]: r["findings"] for r in dash.by_rule} == {
            rule: kept.filter(rule=rule).count() for rule in set(kept.values_list("rule", flat=True))}
        assert sum(n for _, n in dash.by_month) == kept.count()
        return dash

    dash = check()
    assert dash.totals["findings"] == 3 and dash.totals["stake"] == Decimal("34.00")
    do_dismiss_finding(made[1], acting_user=county.persona("county_commission"), reason="误报，凭证齐全")
    dash = check()
    assert dash.totals["findings"] == 2 and dash.totals["dismissed"] == 1
