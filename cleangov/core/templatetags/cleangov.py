"""Template helpers shared by every page."""

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from cleangov.core.access import can_view_audit_trail

register = template.Library()


@register.simple_tag
def optional_url(name, *args):
    """``{% optional_url "orgs:tree" as tree_url %}``: the URL, or "" while the page does not exist.

    Lets the shell link to pages that other modules provide without breaking before they land.
    """
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@register.filter
def unit_name(unit, language):
    """A unit's name in the current language (English name when present and English is active)."""
    return unit.display_name(language) if unit is not None else ""


@register.simple_tag(takes_context=True)
def nav_links(context):
    """The main navigation for the current user: only links to pages that exist and they may use."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    assignments = list(user.active_assignments())
    links = [("home", reverse("core:home"), _("Home"))]
    if assignments:
        tree = optional_url("orgs:tree")
        if tree:
            links.append(("orgs", tree, _("Organisation")))
        duties = optional_url("duties:my_duties")
        if duties:
            links.append(("duties", duties, _("Duties")))
        ledgers = optional_url("ledgers:index")
        if ledgers and _has_role_in(assignments, "cleangov.ledgers.access", "VIEW_ROLES"):
            links.append(("ledgers", ledgers, _("Record books")))
        finance = optional_url("finance:home")
        if finance and _has_role_in(assignments, "cleangov.finance.access", "BATCH_VIEW_ROLES", "FINDING_VIEW_ROLES",
                                    "RULE_STATS_ROLES"):
            links.append(("finance", finance, _("Voucher audit")))
        unreached = optional_url("deadlines:unreached")
        if unreached and _has_role_in(assignments, "cleangov.deadlines.access", "UNREACHED_VIEW_ROLES"):
            links.append(("deadlines", unreached, _("Clocks nobody receives")))
        assessment = optional_url("assessment:run_list")
        if assessment and _sees_assessments(assignments):
            links.append(("assessment", assessment, _("Assessments")))
    if can_view_audit_trail(user):
        links.append(("audit", reverse("core:audit_event_list"), _("Audit trail")))
    links.append(("security", reverse("accounts:security"), _("Security")))
    if user.is_staff:
        links.append(("admin", reverse("admin:index"), _("Administration")))
    path = request.path
    out = []
    for key, url, label in links:
        current = path == url if key == "home" else path.startswith(url)
        out.append({"key": key, "url": url, "label": label, "current": current})
    return out


@register.filter
def minutes(duration):
    """Whole minutes in a timedelta, rounded up (a lock of 30 minutes reads "30")."""
    seconds = int(duration.total_seconds())
    return max(1, -(-seconds // 60))


def _sees_assessments(assignments) -> bool:
    """Only roles that read assessment results get the link (the page answers 404 to the others)."""
    try:
        from cleangov.assessment.access import VIEW_ROLES
    except ImportError:  # the assessment app is not installed
        return False
    return any(a.role in VIEW_ROLES for a in assignments)


def _has_role_in(assignments, module: str, *names: str) -> bool:
    """Whether one of the user's roles is in the named role tables of an app's access module (False when
    the app is not installed), so a link is shown only to those whom the page would not answer 404."""
    import importlib

    try:
        access = importlib.import_module(module)
    except ImportError:
        return False
    roles = set().union(*(getattr(access, name) for name in names))
    return any(a.role in roles for a in assignments)
