"""Documents URLs, under ``organisations/<org_id>/``: paths in French, route names in English."""

from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("violations/<int:pk>/documents/", views.index, name="index"),
    path("violations/<int:pk>/documents/cnil/assistant/", views.cnil_assistant, name="cnil_assistant"),
    path("violations/<int:pk>/documents/elements/", views.details, name="details"),
    path("violations/<int:pk>/documents/cybermalveillance/", views.cybermalveillance, name="cybermalveillance"),
    path("violations/<int:pk>/documents/<slug:kind>/", views.preview, name="preview"),
    path("violations/<int:pk>/documents/<slug:kind>/apercu.png", views.preview_png, name="preview_png"),
    path("violations/<int:pk>/documents/<slug:kind>.<str:fmt>", views.download, name="download"),
    path("documents/modeles/", views.templates, name="templates"),
    path("documents/modeles/<slug:kind>/", views.template_edit, name="template_edit"),
    path("documents/en-tete/", views.letterhead, name="letterhead"),
    path("documents/en-tete/supprimer/", views.letterhead_remove, name="letterhead_remove"),
    path("documents/en-tete/logo.png", views.logo, name="logo"),
]
