from django.urls import path

from . import views

app_name = "whistleblowing"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("keys/", views.unlock, name="unlock"),
    path("keys/lock/", views.lock, name="lock"),
    path("statistics/", views.statistics, name="statistics"),
    path("<int:report_id>/", views.report_detail, name="report_detail"),
    path("<int:report_id>/identity/", views.reporter_identity, name="reporter_identity"),
    path("<int:report_id>/do/<slug:step>/", views.report_step, name="report_step"),
    path("<int:report_id>/files/<int:attachment_id>/<slug:which>/", views.attachment, name="attachment"),
]
