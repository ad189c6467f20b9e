from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("", views.index, name="index"),
    path("export.csv", views.export_csv, name="export"),
    path("register/", views.register, name="register"),
    path("<int:case_id>/", views.case_detail, name="case_detail"),
    path("<int:case_id>/step/<str:step>/", views.case_step, name="case_step"),
    path("<int:case_id>/subjects/", views.case_subject_add, name="subject_add"),
    path("<int:case_id>/subjects/<int:subject_id>/statement/", views.case_statement, name="statement"),
    path("<int:case_id>/team/", views.case_member_add, name="member_add"),
    path("<int:case_id>/recuse/", views.case_recuse, name="recuse"),
    path("<int:case_id>/appeals/", views.case_appeal_file, name="appeal_file"),
    path("appeals/<int:appeal_id>/<str:step>/", views.appeal_decide, name="appeal_decide"),
    path("<int:case_id>/correct/", views.case_correct, name="correct"),
    path("<int:case_id>/publish/", views.case_publish, name="publish"),
]
