from django.urls import path

from . import views

app_name = "ledgers"
urlpatterns = [
    path("", views.index, name="index"),
    path("kinds/", views.kind_catalog, name="kind_catalog"),
    path("units/<int:unit_id>/", views.unit_book, name="unit_book"),
    path("units/<int:unit_id>/completeness/", views.unit_completeness, name="unit_completeness"),
    path("units/<int:unit_id>/export.jsonl", views.unit_export, name="unit_export"),
    path("units/<int:unit_id>/record/<slug:kind_code>/", views.entry_record, name="entry_record"),
    path("townships/<int:unit_id>/", views.township_overview, name="township_overview"),
    path("entries/<int:entry_id>/", views.entry_detail, name="entry_detail"),
    path("entries/<int:entry_id>/revise/", views.entry_revise, name="entry_revise"),
    path("attachments/<int:attachment_id>/", views.attachment_download, name="attachment_download"),
    # Public, no login (the portal will link here): hashes, signatures and public keys only.
    path("checkpoints/<str:unit_code>.json", views.checkpoints_json, name="checkpoints_json"),
]
