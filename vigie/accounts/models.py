"""People, organisations and who may do what in which organisation."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    """Users sign in with their e-mail address; there is no separate user name."""

    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: object) -> User:
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person who signs in to Vigie. Identified by e-mail; always with a second factor."""

    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []  # type: ignore[misc]

    objects = UserManager()  # type: ignore[assignment, misc]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class OrganisationKind(models.TextChoices):
    """Kinds of health structure; the values are those of the decision core's ``controller.kind``."""

    CABINET_MEDICAL = "cabinet_medical", _("Medical practice")
    CENTRE_SANTE = "centre_sante", _("Health centre")
    LABORATOIRE = "laboratoire", _("Medical laboratory")
    ETABLISSEMENT_SANTE = "etablissement_sante", _("Health establishment (hospital, clinic)")
    PHARMACIE = "pharmacie", _("Pharmacy")
    MEDICO_SOCIAL = "medico_social", _("Social or medico-social establishment")
    OTHER_HEALTH = "other_health", _("Other health professional")
    OTHER = "other", _("Other organisation")


class Profession(models.TextChoices):
    """The Ordre whose council (departmental, regional or central, by profession) receives the courtesy letter."""

    MEDECINS = "medecins", _("Physicians")
    PHARMACIENS = "pharmaciens", _("Pharmacists")
    CHIRURGIENS_DENTISTES = "chirurgiens_dentistes", _("Dental surgeons")
    SAGES_FEMMES = "sages_femmes", _("Midwives")
    INFIRMIERS = "infirmiers", _("Nurses")
    MASSEURS_KINESITHERAPEUTES = "masseurs_kinesitherapeutes", _("Physiotherapists")
    PEDICURES_PODOLOGUES = "pedicures_podologues", _("Chiropodists")
    NONE = "", _("None (no Ordre)")


class Civility(models.TextChoices):
    """How a person is addressed, and the gender the documents' words agree with (« déléguée », « Madame »)."""

    UNKNOWN = "", _("Not given")
    MME = "mme", _("Ms")
    M = "m", _("Mr")


class Organisation(models.Model):
    """A data controller (or processor): a practice, a lab, a clinic… Everything else belongs to one."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices, default=OrganisationKind.OTHER)
    profession = models.CharField(_("profession (Ordre)"), max_length=32, choices=Profession.choices, blank=True)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True)
    # The CNIL's online form asks for the SIREN, or a box ticked when the organisation has none.
    siren = models.CharField(_("SIREN"), max_length=9, blank=True)
    no_siren = models.BooleanField(_("no SIREN number"), default=False)
    finess = models.CharField(_("FINESS"), max_length=9, blank=True)
    address = models.TextField(_("postal address"), blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    phone = models.CharField(_("telephone"), max_length=30, blank=True)
    email = models.EmailField(_("contact e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    dpo_name = models.CharField(_("DPO or contact person"), max_length=150, blank=True)
    dpo_email = models.EmailField(_("DPO e-mail"), blank=True)
    dpo_phone = models.CharField(_("DPO telephone"), max_length=30, blank=True)
    dpo_civility = models.CharField(_("DPO civility"), max_length=3, choices=Civility.choices, blank=True)
    # The legal representative (CNIL form, complaint, Ordre letter): the person who signs for the organisation.
    legal_rep_name = models.CharField(_("legal representative"), max_length=150, blank=True)
    legal_rep_civility = models.CharField(
        _("legal representative's civility"), max_length=3, choices=Civility.choices, blank=True
    )
    legal_rep_function = models.CharField(_("legal representative's function"), max_length=100, blank=True)
    legal_rep_email = models.EmailField(_("legal representative's e-mail"), blank=True)
    legal_rep_phone = models.CharField(_("legal representative's telephone"), max_length=30, blank=True)
    legal_rep_rpps = models.CharField(_("legal representative's RPPS number"), max_length=11, blank=True)
    legal_rep_ordre_member = models.BooleanField(_("the legal representative is a member of this Ordre"), default=False)
    # The person the CNIL and the ARS call about the breach, when it is not the DPO.
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    contact_civility = models.CharField(
        _("contact person's civility"), max_length=3, choices=Civility.choices, blank=True
    )
    contact_function = models.CharField(_("contact person's function"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact person's telephone"), max_length=30, blank=True)
    contact_email = models.EmailField(_("contact person's e-mail"), blank=True)
    cyber_insurance = models.BooleanField(
        _("insured against cyber attacks"),
        default=False,
        help_text=_("A police complaint within 72 hours is then a condition of compensation."),
    )
    nis2_entity = models.BooleanField(_("essential or important entity under NIS2"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    """What a member may do, from least to most."""

    READONLY = "readonly", _("Read-only")
    MEMBER = "member", _("Member")
    DPO = "dpo", _("DPO")
    OWNER = "owner", _("Owner")


ROLE_RANK = {Role.READONLY: 0, Role.MEMBER: 1, Role.DPO: 2, Role.OWNER: 3}


class MembershipQuerySet(models.QuerySet["Membership"]):
    def for_user(self, user: User) -> MembershipQuerySet:
        return self.filter(user=user).select_related("organisation")

    def owners(self) -> MembershipQuerySet:
        return self.filter(role=Role.OWNER)


class Membership(models.Model):
    """A user's place in an organisation. A DPO firm's staff have one per client organisation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_org")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.role})"

    def has_role(self, minimum: str) -> bool:
        return ROLE_RANK[Role(self.role)] >= ROLE_RANK[Role(minimum)]

    @property
    def can_edit(self) -> bool:
        """Declare breaches, answer the intake, add notes, generate documents."""
        return self.has_role(Role.MEMBER)

    @property
    def can_decide(self) -> bool:
        """Overrule the assessment, mark legal obligations done."""
        return self.has_role(Role.DPO)

    @property
    def can_manage(self) -> bool:
        """Edit the organisation and its members."""
        return self.has_role(Role.OWNER)


def hash_token(token: str) -> str:
    """The SHA-256 of an invitation token: only this is stored, so that the database never holds a usable link."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_invitation_token() -> str:
    return secrets.token_urlsafe(32)


_invitation_token = new_invitation_token  # referenced by migration 0001


def _unusable_token_hash() -> str:
    # The hash of a token nobody ever sees: an invitation created without going through the service that e-mails
    # the token cannot be accepted, and the unique constraint still holds.
    return hash_token(new_invitation_token())


INVITATION_VALIDITY = timedelta(days=7)


def _invitation_expiry() -> datetime:
    return timezone.now() + INVITATION_VALIDITY


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def pending(self) -> InvitationQuerySet:
        """Not yet accepted and not expired."""
        return self.filter(accepted_at__isnull=True, expires_at__gt=timezone.now())

    def for_token(self, token: str) -> InvitationQuerySet:
        return self.filter(token_hash=hash_token(token))


class Invitation(models.Model):
    """An e-mailed invitation to join an organisation with a role; valid seven days, usable once.

    The link carries a random token; only its SHA-256 is stored (``token_hash``), like a password.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    token_hash = models.CharField(max_length=64, unique=True, default=_unusable_token_hash, editable=False)
    invited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=_invitation_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and timezone.now() < self.expires_at
