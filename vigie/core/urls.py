"""The chooser of organisations and the dashboard, at the root of the site."""

from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("organisations/<int:org_id>/", views.dashboard, name="dashboard"),
]
