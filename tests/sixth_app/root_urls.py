"""The URL root with the sixth app added: the one line a new app adds to cleangov/urls.py."""

from django.urls import include, path

from cleangov.urls import urlpatterns as cleangov_urlpatterns

urlpatterns = [path("wells/", include("tests.sixth_app.urls")), *cleangov_urlpatterns]
