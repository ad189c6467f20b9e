from django.urls import path

from . import public_views

app_name = "public_report"
urlpatterns = [
    path("", public_views.report_form, name="report"),
    path("follow/", public_views.follow, name="follow"),
    path("follow/reply/", public_views.reply, name="reply"),
    path("cleared/", public_views.cleared_names, name="cleared"),
]
