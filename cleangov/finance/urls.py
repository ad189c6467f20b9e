from django.urls import include, path

from . import api, views

app_name = "finance"
urlpatterns = [
    path("", views.home, name="home"),
    path("import/", views.import_upload, name="import_upload"),
    # The sample voucher files, one fixed address each (nothing of the request names a file on disk).
    *(path(f"import/samples/{name}", views.import_sample, {"name": name}, name=url_name)
      for url_name, name in views.SAMPLE_URLS.items()),
    path("import/<int:staged_id>/", views.import_preview, name="import_preview"),
    path("import/<int:staged_id>/problems.csv", views.import_problems, name="import_problems"),
    path("tasks/<str:task_id>/", views.task_status, name="task_status"),
    path("batches/", views.batch_list, name="batch_list"),
    path("batches/<int:batch_id>/", views.batch_detail, name="batch_detail"),
    path("runs/", views.run_list, name="run_list"),
    path("runs/start/", views.run_start, name="run_start"),
    path("runs/<int:run_id>/", views.run_detail, name="run_detail"),
    path("findings/", views.finding_list, name="finding_list"),
    path("findings/<int:finding_id>/", views.finding_detail, name="finding_detail"),
    path("findings/<int:finding_id>/action/", views.finding_action, name="finding_action"),
    path("rules/", views.rule_stats, name="rule_stats"),
    path("api-tokens/", views.api_tokens, name="api_tokens"),
    path("api/v1/openapi.json", api.schema, name="api_schema"),
    path("api/v1/batches", api.batches, name="api_batches"),
    path("api/v1/batches/<str:batch_id>", api.batch, name="api_batch"),
    path("dash/", include("cleangov.finance.dashboards.urls")),  # dashboards and exports (docs/finance-dashboards.md)
]
