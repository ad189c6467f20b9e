from django.urls import path

from . import views

app_name = "democracy"
urlpatterns = [
    path("", views.index, name="index"),
    path("villages/<int:unit_id>/", views.village, name="village"),
    path("decisions/<int:decision_id>/", views.decision_detail, name="decision_detail"),
    path("levies/<int:levy_id>/", views.levy_detail, name="levy_detail"),
    path("meetings/<int:meeting_id>/", views.meeting_detail, name="meeting_detail"),
    path("reviews/<int:review_id>/", views.review_detail, name="review_detail"),
    path("review-lines/<int:line_id>/", views.review_line, name="review_line"),
    path("appraisals/<int:appraisal_id>/", views.appraisal_detail, name="appraisal_detail"),
    path("concerns/<int:concern_id>/", views.concern_detail, name="concern_detail"),
    path("rules/<int:rule_id>/", views.rule_detail, name="rule_detail"),
]
