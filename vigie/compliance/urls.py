"""Prevention pages of one organisation, under ``organisations/<org_id>/conformite/``."""

from django.urls import path

from . import views, views_processors, views_security

app_name = "compliance"
urlpatterns = [
    path("", views.index, name="index"),
    path("registre/", views.record, name="record"),
    path("registre/modele/", views.record_template, name="record_template"),
    path("registre/revue/", views.record_review, name="record_review"),
    path("registre/activites/nouvelle/", views.activity_new, name="activity_new"),
    path("registre/activites/<int:pk>/", views.activity, name="activity"),
    path("registre/activites/<int:pk>/supprimer/", views.activity_delete, name="activity_delete"),
    path("registre/preremplissage/", views.prefill, name="prefill"),
    path("registre.<str:fmt>", views.record_export, name="record_export"),
    path("affiche/", views.poster, name="poster"),
    path("autoevaluation/", views_security.assessments, name="assessments"),
    path("autoevaluation/nouvelle/", views_security.assessment_start, name="assessment_start"),
    path("autoevaluation/<int:pk>/", views_security.assessment, name="assessment"),
    path("autoevaluation/<int:pk>/resultats/", views_security.assessment_result, name="assessment_result"),
    path("plan-d-action/", views_security.actions, name="actions"),
    path("plan-d-action/<int:pk>/", views_security.action_update, name="action_update"),
    path("sous-traitants/", views_processors.processors, name="processors"),
    path("sous-traitants/nouveau/", views_processors.processor_new, name="processor_new"),
    path("sous-traitants/<int:pk>/", views_processors.processor, name="processor"),
    path("sous-traitants/<int:pk>/supprimer/", views_processors.processor_delete, name="processor_delete"),
    path("hds/", views_processors.hds_search, name="hds_search"),
    path("hds/importer/", views_processors.hds_import, name="hds_import"),
]
