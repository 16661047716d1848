from django.urls import path

from . import views, views_register

app_name = "breaches"
urlpatterns: list = [
    path("", views.index, name="list"),
    path("nouvelle/", views.new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    # Before the step pattern, which would take « pre-remplir » for a step.
    path("<int:pk>/questionnaire/pre-remplir/", views.intake_prefill, name="intake_prefill"),
    path("<int:pk>/questionnaire/<slug:step>/", views.intake_step, name="intake"),
    path("<int:pk>/obligations/", views.obligations, name="obligations"),
    path("<int:pk>/obligations/<slug:obligation>/", views.obligation_done, name="obligation_done"),
    path("<int:pk>/obligations/<slug:obligation>/rouvrir/", views.obligation_reopen, name="obligation_reopen"),
    path("<int:pk>/decision/", views.overrule, name="overrule"),
    path("<int:pk>/notes/", views.note, name="note"),
    path("<int:pk>/cloture/", views.close, name="close"),
    path("registre/", views_register.register, name="register"),
    path("registre.<str:fmt>", views_register.register_export, name="register_export"),
    path("statistiques/", views_register.stats, name="stats"),
]
