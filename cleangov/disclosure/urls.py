from django.urls import path

from . import views

app_name = "disclosure"
urlpatterns = [
    path("", views.index, name="index"),
    path("village/<int:unit_id>/", views.village, name="village"),
    path("village/<int:unit_id>/event/", views.record_event, name="record_event"),
    path("<int:disclosure_id>/", views.detail, name="detail"),
    path("<int:disclosure_id>/step/", views.step, name="step"),
    path("question/<int:question_id>/answer/", views.answer_question, name="answer_question"),
    path("question/<int:question_id>/hide/", views.hide_question, name="hide_question"),
]
