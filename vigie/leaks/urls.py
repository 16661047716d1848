"""Leak URLs, under ``organisations/<org_id>/``: paths in French, route names in English."""

from django.urls import path

from . import views

app_name = "leaks"
urlpatterns: list = [
    path("violations/<int:breach_pk>/fichiers-divulgues/", views.index, name="index"),
    path("violations/<int:breach_pk>/fichiers-divulgues/nouveau/", views.new, name="new"),
    path("fichiers-divulgues/<int:pk>/", views.detail, name="detail"),
    path("fichiers-divulgues/<int:pk>/avancement/", views.progress, name="progress"),
    path("fichiers-divulgues/<int:pk>/colonnes/", views.mapping, name="mapping"),
    path("fichiers-divulgues/<int:pk>/verification/", views.review, name="review"),
    path("fichiers-divulgues/<int:pk>/paires/<int:pair_pk>/", views.decide, name="decide"),
    path("fichiers-divulgues/<int:pk>/informer/", views.inform, name="inform"),
    path("fichiers-divulgues/<int:pk>/purger/", views.purge, name="purge"),
    path("fichiers-divulgues/<int:pk>/correspondances.csv", views.matches_csv, name="matches_csv"),
]
