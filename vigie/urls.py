"""Root URL configuration. Paths in French, route names in English; organisation data lives under
``organisations/<org_id>/`` and every such view is wrapped in ``vigie.accounts.scoping.org_view``."""

from django.urls import include, path
from django.views.i18n import set_language

from vigie.api.urls import api_patterns

urlpatterns = [
    path("langue/", set_language, name="set_language"),
    path("", include("vigie.core.urls")),
    path("", include("vigie.accounts.urls")),
    path("organisations/<int:org_id>/violations/", include("vigie.breaches.urls")),
    path("organisations/<int:org_id>/", include("vigie.documents.urls")),
    path("organisations/<int:org_id>/", include("vigie.campaigns.urls")),
    path("organisations/<int:org_id>/", include("vigie.leaks.urls")),
    path("organisations/<int:org_id>/conformite/", include("vigie.compliance.urls")),
    path("organisations/<int:org_id>/api/", include("vigie.api.urls")),
    path("public/", include("vigie.compliance.urls_public")),
    # The REST API: a bearer token names the organisation (no org_id in the path, no session).
    path("api/v1/", include(api_patterns, namespace="api-v1")),
]
