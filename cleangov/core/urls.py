from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("notifications/<int:notification_id>/read/", views.notification_read, name="notification_read"),
    path("audit/", views.audit_event_list, name="audit_event_list"),
    path("audit/<int:event_id>/", views.audit_event_detail, name="audit_event_detail"),
    path("audit/verify/", views.audit_verify_trail, name="audit_verify_trail"),
    path("tasks/<str:task_id>/progress/", views.task_progress, name="task_progress"),
    path("tasks/<str:task_id>/retry/", views.task_retry, name="task_retry"),
    path("healthz", views.healthz, name="healthz"),
    path("matters/<str:ref>/", views.matter_timeline, name="matter_timeline"),
]
