"""Incident URLs, under ``organisations/<org_id>/incidents/``: paths in French, route names in English."""

from django.urls import path

from . import views

app_name = "incidents"
urlpatterns: list = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.detail, name="detail"),
    path("alertes/<int:pk>/", views.acknowledge, name="acknowledge"),
]
