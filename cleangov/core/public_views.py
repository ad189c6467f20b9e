"""The public portal's front page: what the installed apps offer villagers, without a login."""

from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from .declarations import declarations


@require_GET
@cache_control(public=True, max_age=60)
def portal_home(request):
    links = sorted((link for _label, d in declarations() for link in d.public_links), key=lambda link: link.position)
    panels = [{"template": panel.template, "panel": panel.context(request)}
              for _label, d in declarations() for panel in d.public_panels]
    return render(request, "core/public/home.html", {"links": links, "panels": panels})
