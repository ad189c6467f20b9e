from django.urls import path

from . import views

app_name = "duties"
urlpatterns = [
    path("", views.my_duties, name="my_duties"),
    path("keypoints/", views.keypoints_list, name="keypoints_list"),
    path("keypoints/<int:doc_id>/", views.keypoints_detail, name="keypoints_detail"),
    path("keypoints/<int:doc_id>/publish/", views.keypoints_publish, name="keypoints_publish"),
    path("units/<int:unit_id>/<int:year>/", views.unit_plan, name="unit_plan"),
    path("units/<int:unit_id>/<int:year>/letters/", views.letters_generate, name="letters_generate"),
    path("items/<int:item_id>/", views.item_detail, name="item_detail"),
    path("items/<int:item_id>/step/<slug:step>/", views.item_transition, name="item_transition"),
    path("items/<int:item_id>/progress/", views.item_progress, name="item_progress"),
    path("items/<int:item_id>/roll-down/", views.item_rolldown, name="item_rolldown"),
    path("evidence/<int:file_id>/", views.evidence_file, name="evidence_file"),
    path("letters/", views.letter_list, name="letter_list"),
    path("letters/<int:letter_id>/", views.letter_detail, name="letter_detail"),
    path("letters/<int:letter_id>/sign/", views.letter_sign, name="letter_sign"),
    path("letters/<int:letter_id>/revise/", views.letter_revise, name="letter_revise"),
    path("letters/<int:letter_id>/pdf/", views.letter_pdf, name="letter_pdf"),
]
