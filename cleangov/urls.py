from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("cleangov.accounts.urls")),
    path("orgs/", include("cleangov.orgs.urls")),
    path("deadlines/", include("cleangov.deadlines.urls")),
    path("duties/", include("cleangov.duties.urls")),
    path("ledgers/", include("cleangov.ledgers.urls")),
    path("assessment/", include("cleangov.assessment.urls")),
    path("finance/", include("cleangov.finance.urls")),
    path("rectification/", include("cleangov.rectification.urls")),
    path("cases/", include("cleangov.cases.urls")),
    path("whistleblowing/", include("cleangov.whistleblowing.urls")),
    path("democracy/", include("cleangov.democracy.urls")),
    path("disclosure/", include("cleangov.disclosure.urls")),
    # Public pages (no login): apps mount theirs at public/<prefix>/ above this line; the portal's
    # front page comes last so that a prefix is never taken for something else.
    path("public/outcomes/", include("cleangov.cases.public_urls")),
    path("public/report/", include("cleangov.whistleblowing.public_urls")),
    path("public/", include("cleangov.democracy.public_urls")),
    path("public/", include("cleangov.disclosure.public_urls")),  # unit codes never match a lowercase prefix
    path("public/", include("cleangov.core.public_urls")),
    path("django-admin/", admin.site.urls),
    path("", include("cleangov.core.urls")),
]
