from django.urls import path

from . import public_views

app_name = "cases_public"

urlpatterns = [
    path("", public_views.outcomes, name="outcomes"),
    path("<str:reference>/", public_views.outcome, name="outcome"),
]
