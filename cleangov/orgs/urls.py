from django.urls import path

from . import views

app_name = "orgs"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("units/search/", views.unit_search, name="unit_search"),
    path("units/<int:unit_id>/", views.unit_detail, name="unit_detail"),
    path("units/<int:unit_id>/children/", views.unit_children, name="unit_children"),
    path("people/<int:person_id>/", views.person_detail, name="person_detail"),
]
