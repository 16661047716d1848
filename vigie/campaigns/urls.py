"""Campaign URLs, under ``organisations/<org_id>/``: paths in French, route names in English."""

from django.urls import path

from . import views

app_name = "campaigns"
urlpatterns: list = [
    path("violations/<int:breach_pk>/campagnes/", views.index, name="index"),
    path("violations/<int:breach_pk>/campagnes/nouvelle/", views.new, name="new"),
    path("campagnes/<int:pk>/", views.detail, name="detail"),
    path("campagnes/<int:pk>/avancement/", views.progress, name="progress"),
    path("campagnes/<int:pk>/correspondance/", views.mapping, name="mapping"),
    path("campagnes/<int:pk>/canaux/", views.rules, name="rules"),
    path("campagnes/<int:pk>/demarrer/", views.start, name="start"),
    path("campagnes/<int:pk>/pause/", views.pause, name="pause"),
    path("campagnes/<int:pk>/reprendre/", views.resume, name="resume"),
    path("campagnes/<int:pk>/purger/", views.purge, name="purge"),
    path("campagnes/<int:pk>/depot-des-courriers/", views.deposit, name="deposit"),
    path("campagnes/<int:pk>/depots/<int:deposit_pk>/recepisse/", views.deposit_receipt, name="deposit_receipt"),
    path("campagnes/<int:pk>/erreurs.csv", views.errors_csv, name="errors_csv"),
    path("campagnes/<int:pk>/personnes/", views.persons, name="persons"),
    path("campagnes/<int:pk>/preuve.<str:fmt>", views.ledger, name="ledger"),
    path("campagnes/<int:pk>/courriers/<int:number>/<str:kind>/", views.letter_file, name="letter_file"),
]
