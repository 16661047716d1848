"""URLs of the API (``/api/v1/``) and of its pages under ``organisations/<org_id>/api/``."""

from django.urls import path

from . import views
from .v1 import api

# ``api-v1``: the routes django-ninja makes from the routers, the schema, the documentation page, and a problem
# (not an HTML page) for any other path under /api/v1/.
api_patterns = (
    [
        path("docs/", views.docs, name="docs"),
        *api.urls[0],
        path("<path:rest>", views.api_not_found, name="not_found"),
    ],
    "api-v1",
)

app_name = "api"
urlpatterns = [
    path("jetons/", views.tokens, name="tokens"),
    path("jetons/<int:pk>/revoquer/", views.token_revoke, name="token_revoke"),
    path("webhooks/", views.webhooks, name="webhooks"),
    path("webhooks/<int:pk>/", views.webhook_detail, name="webhook_detail"),
    path("webhooks/<int:pk>/supprimer/", views.webhook_delete, name="webhook_delete"),
    path("webhooks/<int:pk>/secret/", views.webhook_rotate, name="webhook_rotate"),
    path("webhooks/<int:pk>/test/", views.webhook_test, name="webhook_test"),
    path("webhooks/<int:pk>/livraisons/<int:delivery_pk>/rejouer/", views.delivery_replay, name="delivery_replay"),
]
