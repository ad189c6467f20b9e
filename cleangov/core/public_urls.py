from django.urls import path

from . import public_views

app_name = "public"
urlpatterns = [
    path("", public_views.portal_home, name="home"),
]
