"""Public pages (no sign-in): the patient information notice of each organisation, behind an unguessable token."""

from django.urls import path

from . import views_public

app_name = "public"
urlpatterns = [
    path("<slug:token>/", views_public.notice, name="notice"),
]
