from django.urls import path

from . import views

app_name = "assessment"
urlpatterns = [
    path("", views.run_list, name="run_list"),
    path("runs/<int:run_id>/", views.run_detail, name="run_detail"),
    path("runs/<int:run_id>/results.xlsx", views.run_export_xlsx, name="run_xlsx"),
    path("runs/<int:run_id>/results.pdf", views.run_export_pdf, name="run_pdf"),
    path("runs/<int:run_id>/publish/", views.run_publish, name="run_publish"),
    path("scores/<int:snapshot_id>/", views.snapshot_detail, name="snapshot_detail"),
    path("scores/<int:snapshot_id>/adjust/", views.snapshot_adjust, name="snapshot_adjust"),
    path("scores/<int:snapshot_id>/findings/", views.finding_create, name="finding_create"),
    path("findings/", views.finding_list, name="finding_list"),
    path("frameworks/", views.framework_list, name="framework_list"),
    path("frameworks/upload/", views.framework_upload, name="framework_upload"),
]
