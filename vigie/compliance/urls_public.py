"""Public pages (no sign-in): the patient information notice of each organisation."""

from django.urls import path  # noqa: F401

app_name = "public"
urlpatterns: list = []
