"""Sign-in, organisations, members and invitations. Paths in French, names in English."""

from django.urls import path

from . import signin, views

app_name = "accounts"
urlpatterns = [
    # Signing in and out.
    path("connexion/", signin.login, name="login"),
    path("deconnexion/", signin.logout, name="logout"),
    path("connexion/second-facteur/", signin.otp_verify, name="otp_verify"),
    path("connexion/second-facteur/activer/", signin.otp_setup, name="otp_setup"),
    path("connexion/second-facteur/codes-de-secours/", signin.recovery_codes, name="recovery_codes"),
    path("connexion/code-de-secours/", signin.otp_recovery, name="otp_recovery"),
    path("mot-de-passe/oublie/", signin.password_reset, name="password_reset"),
    path("mot-de-passe/oublie/envoye/", signin.password_reset_done, name="password_reset_done"),
    path("mot-de-passe/nouveau/<uidb64>/<token>/", signin.password_reset_confirm, name="password_reset_confirm"),
    path("mot-de-passe/change/", signin.password_reset_complete, name="password_reset_complete"),
    # Organisations.
    path("organisations/nouvelle/", views.organisation_create, name="organisation_create"),
    path("organisations/<int:org_id>/parametres/", views.organisation, name="organisation"),
    path("organisations/<int:org_id>/membres/", views.members, name="members"),
    path("organisations/<int:org_id>/membres/<int:membership_id>/role/", views.member_role, name="member_role"),
    path("organisations/<int:org_id>/membres/<int:membership_id>/retirer/", views.member_remove, name="member_remove"),
    path(
        "organisations/<int:org_id>/membres/invitations/<int:invitation_id>/retirer/",
        views.invitation_cancel,
        name="invitation_cancel",
    ),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
