"""What the persons receive: the e-mail and the letter, in French (GDPR art. 34(2) contents).

The breach-wide text is composed once per campaign (:class:`Composer`); each person's message only fills in
their name and the categories of their data that were affected, so building 500,000 messages costs little.
The text gives what article 34(2) requires: the nature of the breach, the contact point (DPO), the likely
consequences and the measures taken or proposed, plus advice and the right to complain to the CNIL.

This is the default text. When the documents layer (``vigie/documents``) offers a rendering of the patient
information from the breach dossier, the composer should take its wording from there.
"""

from __future__ import annotations

import html
from email.utils import formataddr, parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .models import Campaign

# Never put the breach or the person's health in the subject: it shows in notification previews.
SUBJECT = "Information importante concernant vos données personnelles — {org}"

ADVICE = (
    "Restez vigilant face aux courriels, SMS ou appels qui se réclameraient de nous, de votre caisse "
    "d'assurance maladie ou de votre banque et vous demanderaient des informations personnelles, des codes "
    "ou un paiement : nous ne vous les demanderons jamais. En cas de doute, contactez-nous par les moyens "
    "habituels. Vous pouvez adresser une réclamation à la CNIL (www.cnil.fr)."
)

_DATA_LABELS_FR = {
    "identity": "données d'identité",
    "contact": "coordonnées",
    "birth_date": "date de naissance",
    "national_id": "numéro de sécurité sociale (NIR) ou INS",
    "official_id": "pièces d'identité",
    "financial": "données financières ou bancaires",
    "payment_card": "données de carte de paiement",
    "credentials": "identifiants de connexion",
    "location": "données de localisation",
    "communications": "contenu de communications",
    "professional": "vie professionnelle",
    "behavioural": "habitudes et comportement",
    "social_welfare": "situation sociale",
    "health": "données de santé",
    "genetic": "données génétiques",
    "biometric": "données biométriques",
    "sexual_life": "vie sexuelle ou orientation sexuelle",
    "racial_ethnic": "origine raciale ou ethnique",
    "political_religious": "opinions politiques, convictions religieuses ou philosophiques",
    "criminal": "condamnations et infractions pénales",
    "other": "autres données",
}


class NoMailDomain(ValueError):
    """Neither the organisation nor the installation has an e-mail domain to put in Message-IDs."""


def _domain(address: str) -> str:
    _name, email = parseaddr(address or "")
    domain = email.rpartition("@")[2].strip().lower()
    if (
        "." not in domain
        or domain in {"localhost", "localhost.localdomain"}
        or domain.endswith((".local", ".localhost"))
    ):
        return ""
    if domain.replace(".", "").isdigit():
        return ""  # an IP address
    return domain


def mail_domain(campaign: Campaign) -> str:
    """The organisation's mail domain, for Message-IDs: its e-mail, its DPO's, or the sender's; never localhost."""
    org = campaign.breach.organisation
    for address in (org.email, org.dpo_email, settings.VIGIE_CAMPAIGN_FROM_EMAIL, settings.DEFAULT_FROM_EMAIL):
        domain = _domain(address)
        if domain:
            return domain
    raise NoMailDomain("no e-mail domain")


def message_id(campaign_id: int, recipient_id: int, domain: str) -> str:
    """The Message-ID of one person's e-mail: the same every time it is (re)sent, so that a resend after a crash
    can be recognised as the same message by mail systems, and unguessable from the ids alone."""
    tag = salted_hmac("vigie.campaigns.message-id", f"{campaign_id}.{recipient_id}").hexdigest()[:12]
    return f"<vigie.{campaign_id}.{recipient_id}.{tag}@{domain}>"


def full_name(data: dict[str, Any]) -> str:
    last = data.get("usage_name") or data.get("birth_name") or ""
    first = (data.get("given_names") or "").split(" ")[0]
    return " ".join(part for part in (first, last.upper()) if part)


def salutation(data: dict[str, Any]) -> str:
    name = (data.get("usage_name") or data.get("birth_name") or "").upper()
    sex = (data.get("sex") or "").upper()[:1]
    if name and sex in {"F", "2"}:
        return f"Madame {name}"
    if name and sex in {"M", "H", "1"}:
        return f"Monsieur {name}"
    return "Madame, Monsieur"


def categories_text(codes: list[str]) -> str:
    labels = [_DATA_LABELS_FR.get(code, code) for code in codes if code]
    return ", ".join(dict.fromkeys(labels))


class Composer:
    """Builds each person's e-mail and letter data for one campaign; the breach-wide part is prepared once."""

    def __init__(self, campaign: Campaign) -> None:
        breach = campaign.breach
        org = breach.organisation
        self.campaign_id = campaign.pk
        self.domain = mail_domain(campaign)
        self.org_name = org.name
        _name, from_address = parseaddr(settings.VIGIE_CAMPAIGN_FROM_EMAIL)
        self.from_email = formataddr((org.name, from_address or "vigie@" + self.domain))
        self.reply_to = [org.dpo_email or org.email] if (org.dpo_email or org.email) else []
        self.subject = SUBJECT.format(org=org.name)
        self.default_categories = categories_text(list(breach.data_categories))
        contact = [org.dpo_name, org.dpo_email or org.email, org.dpo_phone or org.phone]
        self.contact = " — ".join(part for part in contact if part)
        self.sections = [
            (
                "Ce qui s'est passé",
                breach.description.strip()
                or "Un incident de sécurité a exposé des données personnelles que nous détenons à votre sujet.",
            ),
            (
                "Les conséquences possibles",
                breach.consequences.strip()
                or "Ces données pourraient être utilisées pour des tentatives d'escroquerie ou d'hameçonnage.",
            ),
            (
                "Ce que nous avons fait",
                " ".join(part for part in (breach.measures_taken.strip(), breach.measures_planned.strip()) if part)
                or "Nous avons pris les mesures nécessaires pour mettre fin à l'incident et en limiter les effets.",
            ),
            ("Nos conseils", ADVICE),
        ]
        self.aware = timezone.localtime(breach.became_aware_at).strftime("%d/%m/%Y")

    def paragraphs(self, data: dict[str, Any]) -> list[tuple[str, str]]:
        categories = categories_text(data.get("categories") or []) or self.default_categories
        intro = (
            f"Nous vous informons, conformément à l'article 34 du règlement général sur la protection des données "
            f"(RGPD), d'une violation de données personnelles dont nous avons eu connaissance le {self.aware} et "
            f"qui concerne des données vous concernant détenues par {self.org_name}."
        )
        parts = [("", intro)]
        if categories:
            parts.append(("Les données vous concernant", f"Sont concernées : {categories}."))
        parts.extend(self.sections)
        parts.append(("Pour toute question", f"Contactez notre délégué à la protection des données : {self.contact}."))
        return parts

    def email(self, recipient_id: int, data: dict[str, Any]) -> EmailMultiAlternatives:
        greeting = salutation(data)
        paragraphs = self.paragraphs(data)
        text = [f"{greeting},", ""]
        markup = [f"<p>{html.escape(greeting)},</p>"]
        for title, body in paragraphs:
            if title:
                text.append(title.upper())
                markup.append(f"<h2>{html.escape(title)}</h2>")
            text.extend([body, ""])
            markup.append(f"<p>{html.escape(body)}</p>")
        text.extend(["Veuillez agréer nos salutations distinguées.", "", self.org_name])
        markup.append(f"<p>Veuillez agréer nos salutations distinguées.</p><p>{html.escape(self.org_name)}</p>")
        message = EmailMultiAlternatives(
            subject=self.subject,
            body="\n".join(text),
            from_email=self.from_email,
            to=[data["email"]],
            reply_to=self.reply_to,
            headers={
                "Message-ID": message_id(self.campaign_id, recipient_id, self.domain),
                "Auto-Submitted": "auto-generated",
            },
        )
        message.attach_alternative(
            '<!doctype html><html lang="fr"><body>' + "".join(markup) + "</body></html>", "text/html"
        )
        return message

    def sms(self, data: dict[str, Any]) -> str:
        """No health detail and no link in an SMS (secret médical, and links look like smishing)."""
        return (
            f"{self.org_name} : vos données personnelles ont été concernées par un incident de sécurité. "
            f"Un courrier d'information suit ; contact : {self.contact}."
        )

    def letter(self, data: dict[str, Any]) -> dict[str, Any]:
        return {
            "address": list(data.get("address") or []),
            "salutation": salutation(data),
            "paragraphs": [{"title": title, "body": body} for title, body in self.paragraphs(data)],
        }

    def letter_common(self) -> dict[str, Any]:
        return {"organisation": self.org_name, "contact": self.contact, "subject": self.subject}
