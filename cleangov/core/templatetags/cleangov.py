"""Template helpers shared by every page."""

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from cleangov.core.declarations import declarations

register = template.Library()


@register.filter
def unit_name(unit, language):
    """A unit's name in the current language (English name when present and English is active)."""
    return unit.display_name(language) if unit is not None else ""


@register.simple_tag(takes_context=True)
def nav_links(context):
    """The main navigation for the current user: the entries the apps declare (cleangov.core.declarations),
    each shown only to the roles of the app's own access table, so no link leads to a 404."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    roles = {a.role for a in user.active_assignments()}
    entries = sorted((link for _label, d in declarations() for link in d.nav if link.shown_to(roles)),
                     key=lambda link: link.position)
    links = [(link.key, reverse(link.url_name), link.label) for link in entries]
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
