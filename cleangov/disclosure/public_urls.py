"""The disclosure's public pages, mounted at /public/ (no login).

A unit code always starts with a capital letter or a digit ("QH-T01-V03"), and every other app's
public prefix is a lowercase word (report, outcomes, appraisal, concerns, ...), so the unit-code
routes below can never take another app's page, whatever order the includes come in.
"""

from django.urls import path, register_converter

from . import public_views


class UnitCodeConverter:
    regex = "[A-Z0-9][A-Za-z0-9_-]{0,39}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(UnitCodeConverter, "unitcode")

app_name = "disclosure_public"
urlpatterns = [
    path("search/", public_views.search, name="search"),
    path("questions/", public_views.question, name="question"),
    path("verify/<int:item_id>/<int:number>/<str:digest>/", public_views.verify, name="verify"),
    path("<unitcode:code>/", public_views.village, name="village"),
    path("<unitcode:code>/feed.json", public_views.feed, name="feed"),
    path("<unitcode:code>/item/<int:item_id>/", public_views.item, name="item"),
    path("<unitcode:code>/item/<int:item_id>/ask/", public_views.ask, name="ask"),
    path("<unitcode:code>/item/<int:item_id>/v<int:number>.pdf", public_views.sheet, name="sheet"),
    path("<unitcode:code>/item/<int:item_id>/file/<str:sha256>/", public_views.attachment, name="attachment"),
    path("<unitcode:code>/item/<int:item_id>/v<int:number>.<str:fmt>", public_views.table, name="table"),
]
