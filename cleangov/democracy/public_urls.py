from django.urls import path

from . import public_views

app_name = "democracy_public"
urlpatterns = [
    path("democracy/", public_views.villages, name="villages"),
    path("democracy/<str:unit_code>/", public_views.village, name="village"),
    path("appraisal/", public_views.appraisal, name="appraisal"),
    path("concerns/follow/", public_views.concern_follow, name="concern_follow"),
]
