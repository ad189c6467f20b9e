from django.urls import path

from . import views

app_name = "rectification"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.item_new, name="item_new"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("items/<int:item_id>/", views.item_detail, name="item_detail"),
    path("items/<int:item_id>/work/", views.item_work, name="item_work"),
    path("items/<int:item_id>/decide/<str:verb>/", views.item_decide, name="item_decide"),
    path("items/<int:item_id>/repayments/", views.item_repayment, name="item_repayment"),
    path("items/<int:item_id>/recuse/", views.item_recuse, name="item_recuse"),
    path("items/<int:item_id>/evidence/<int:evidence_id>/", views.evidence_file, name="evidence_file"),
]
