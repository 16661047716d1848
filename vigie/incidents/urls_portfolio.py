"""The portfolio: every open obligation of every organisation the signed-in user belongs to (no ``org_id``)."""

from django.urls import path

from . import views

app_name = "portfolio"
urlpatterns: list = [path("", views.portfolio, name="index")]
