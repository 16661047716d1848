"""Incident URLs, under ``organisations/<org_id>/incidents/``: paths in French, route names in English."""

from django.urls import path

from . import views

app_name = "incidents"
urlpatterns: list = [
    path("", views.index, name="index"),
    path("nouveau/", views.declare, name="declare"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/fichier/", views.upload, name="upload"),
    path("fichiers/<int:pk>/", views.upload_detail, name="upload_detail"),
    path("fichiers/<int:pk>/avancement/", views.upload_progress, name="upload_progress"),
    path("<int:pk>/synthese.pdf", views.summary_pdf, name="summary_pdf"),
    path(
        "<int:pk>/responsables/<int:controller_id>/notification.pdf",
        views.processor_notice_pdf,
        name="processor_notice_pdf",
    ),
    path("hors-vigie/<int:pk>/notification.pdf", views.external_notice_pdf, name="external_notice_pdf"),
    path("hors-vigie/<int:pk>/renvoyer/", views.resend_external, name="resend_external"),
    path("hors-vigie/<int:pk>/repartitions/<int:split_id>.csv", views.external_rows_csv, name="external_rows_csv"),
    path("alertes/<int:pk>/", views.acknowledge, name="acknowledge"),
    path("alertes/<int:pk>/notification.pdf", views.notice_pdf, name="notice_pdf"),
]
