"""What the persons receive: the e-mail, the letter and the SMS, in French (GDPR art. 34(2) contents).

The words come from the documents layer (``vigie.documents``): the same breach dossier, the same plain-French
content adapted to the facts (what happened, which data, the risks, what was done, what to do, the DPO, the right
to complain to the CNIL) and the organisation's own versions of the texts (``LetterTemplate``), exactly as the
documents app renders its « Courriel » and « Lettre aux personnes concernées ».

Cost: 500,000 messages must cost little. The dossier is built once per :class:`Composer` (one per sender or
letter renderer), and each *variant* — a set of affected data categories — is composed and rendered once, with
marks where the person's greeting goes. A person's message is then two ``str.replace`` calls. Persons without
categories of their own share the breach's variant; a list with per-person categories typically has a handful.

Personalisation: the greeting (« Madame DUPONT, ») replaces the text's opening « Madame, Monsieur, », and the
closing formula addresses the person the same way; ``Person.categories``, when given, replaces the breach's data
categories, so that the data, the risks and the advice are the person's own. An organisation's text that does
not use « Madame, Monsieur » keeps its own greeting.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import hmac
import html
import logging
from email.utils import formataddr, parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from vigie.breaches.models import Breach
from vigie.documents.content import persons
from vigie.documents.content.common import View
from vigie.documents.dossier import build_dossier, validate_dossier
from vigie.documents.render import french, plain_text
from vigie.documents.render import html as html_page
from vigie.risk import DATA_CATEGORIES

from .mime import MessageBytes, MessageTemplate, Prepared
from .models import Campaign

logger = logging.getLogger(__name__)

GENERIC_GREETING = "Madame, Monsieur"
# Marks standing for the person's words in the rendered variants: one word each, so that line wrapping, French
# typography and HTML escaping leave them intact.
GREETING_MARK = "VIGIEGREETING0MARK"
ADDRESS_MARK = "VIGIEADDRESS0MARK"
MAX_VARIANTS = 256  # distinct category sets kept composed; beyond, the oldest is composed again when needed


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


MESSAGE_ID_SALT = "vigie.campaigns.message-id"


@functools.lru_cache(maxsize=4)
def _message_id_key(secret: str) -> bytes:
    """The key ``salted_hmac(MESSAGE_ID_SALT, …)`` derives from the secret key, derived once per process."""
    return hashlib.sha1((MESSAGE_ID_SALT + secret).encode()).digest()  # noqa: S324 (salted_hmac's own derivation)


def message_id(campaign_id: int, recipient_id: int, domain: str) -> str:
    """The Message-ID of one person's e-mail: the same every time it is (re)sent, so that a resend after a crash
    can be recognised as the same message by mail systems, and unguessable from the ids alone.

    The tag is Django's ``salted_hmac(MESSAGE_ID_SALT, "<campaign>.<recipient>")`` (tested), computed with the
    derived key kept: it is asked twice per message and a resend must find the very same value.
    """
    value = f"{campaign_id}.{recipient_id}".encode()
    tag = hmac.new(_message_id_key(settings.SECRET_KEY), value, hashlib.sha1).hexdigest()[:12]
    return f"<vigie.{campaign_id}.{recipient_id}.{tag}@{domain}>"


def full_name(data: dict[str, Any]) -> str:
    last = data.get("usage_name") or data.get("birth_name") or ""
    first = (data.get("given_names") or "").split(" ")[0]
    return " ".join(part for part in (first, last.upper()) if part)


def salutation(data: dict[str, Any]) -> str:
    """How the person is addressed in the closing formula: « Madame DUPONT », else « Madame, Monsieur »."""
    name = (data.get("usage_name") or data.get("birth_name") or "").upper()
    sex = (data.get("sex") or "").upper()[:1]
    if name and sex in {"F", "2"}:
        return f"Madame {name}"
    if name and sex in {"M", "H", "1"}:
        return f"Monsieur {name}"
    return GENERIC_GREETING


def greeting(data: dict[str, Any]) -> str:
    """The opening line, always with the person's name when it is known (« Bonjour Jean DUPONT » without a sex)."""
    formal = salutation(data)
    name = full_name(data)
    return f"Bonjour {name}" if formal == GENERIC_GREETING and name else formal


def person_categories(codes: Any) -> tuple[str, ...]:
    """The person's data categories, known codes only, in the decision core's order (one variant per set)."""
    given = {str(code) for code in codes or () if code}
    return tuple(code for code in DATA_CATEGORIES if code in given)


def persons_view(breach: Breach) -> View:
    """The breach's dossier read for the persons' texts, as the documents app reads it.

    A breach not yet assessed has no valid dossier (its assessment is missing), yet the persons must be told:
    their texts read the facts and the decision, never the assessment's details, so they are composed from the
    dossier as it is. A dossier that breaks the schema otherwise is logged, not allowed to stop the sending.
    """
    dossier = build_dossier(breach)
    if dossier["assessment"] is None:
        logger.info("breach %s is not assessed: the persons' texts use the facts known so far", breach.pk)
        dossier["assessment"] = {}
    elif problems := validate_dossier(dossier):
        logger.warning("dossier of breach %s breaks the schema: %s", breach.pk, "; ".join(map(str, problems[:5])))
    return View(dossier)


def _with_categories(view: View, categories: tuple[str, ...]) -> View:
    if not categories:
        return view
    facts = view.d["facts"]
    return View({**view.d, "facts": {**facts, "data": {**facts.get("data", {}), "categories": list(categories)}}})


def _mark_greetings(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Marks where the person is addressed: the opening « Madame, Monsieur, » and the closing formula."""
    out = []
    for block in blocks:
        text = block.get("text") or ""
        if block["type"] == "p" and GENERIC_GREETING in text:
            block = dict(block)
            if text.strip() == GENERIC_GREETING + ",":
                block["text"] = GREETING_MARK + ","
            else:
                block["text"] = text.replace(GENERIC_GREETING, ADDRESS_MARK)
        out.append(block)
    return out


class Variant:
    """The e-mail and the letter for one set of data categories, rendered once, with marks for the person."""

    def __init__(self, view: View) -> None:
        email = french(persons.email(view))
        email["sections"] = [{**section, "blocks": _mark_greetings(section["blocks"])} for section in email["sections"]]
        email["generated"] = ""  # « document établi à partir du dossier… » is for the organisation's files
        self.subject: str = email["subject"]
        self.text = plain_text(email)
        self.html = html_page(email)
        letter = french(persons.letter(view))
        self.letter_blocks = [block for section in letter["sections"] for block in _mark_greetings(section["blocks"])]
        self.letter_common = {
            key: letter[key] for key in ("subject", "references", "signature", "footnote", "mention", "letterhead")
        }
        self.personal = [index for index, block in enumerate(self.letter_blocks) if _has_mark(block)]
        self.template: MessageTemplate | None = None  # the e-mail's bytes, made when first sent


def _has_mark(block: dict[str, Any]) -> bool:
    text = block.get("text") or ""
    return GREETING_MARK in text or ADDRESS_MARK in text


def _personalise(text: str, opening: str, closing: str) -> str:
    return text.replace(GREETING_MARK, opening).replace(ADDRESS_MARK, closing)


class Composer:
    """Builds each person's e-mail, SMS and letter data for one campaign; the breach-wide part is prepared once."""

    def __init__(self, campaign: Campaign) -> None:
        breach = campaign.breach
        org = breach.organisation
        self.campaign_id = campaign.pk
        self.domain = mail_domain(campaign)
        self.org_name = org.name
        _name, from_address = parseaddr(settings.VIGIE_CAMPAIGN_FROM_EMAIL)
        self.from_email = formataddr((org.name, from_address or "vigie@" + self.domain))
        self.reply_to = [org.dpo_email or org.email] if (org.dpo_email or org.email) else []
        self.view = persons_view(breach)
        self.variants: dict[tuple[str, ...], Variant] = {}
        self.default = self.variant(())
        self.subject = self.default.subject
        self.sms_text = persons.sms(self.view)
        self.encoder = MessageBytes()

    def variant(self, categories: tuple[str, ...]) -> Variant:
        found = self.variants.get(categories)
        if found is None:
            if len(self.variants) >= MAX_VARIANTS:
                oldest = next(key for key in self.variants if key)  # keep the breach's own variant
                del self.variants[oldest]
            found = self.variants[categories] = Variant(_with_categories(self.view, categories))
        return found

    def variant_of(self, data: dict[str, Any]) -> Variant:
        return self.variant(person_categories(data.get("categories")))

    def email(self, recipient_id: int, data: dict[str, Any]) -> EmailMultiAlternatives:
        variant = self.variant_of(data)
        opening, closing = greeting(data), salutation(data)
        return self._email(
            variant,
            data["email"],
            message_id(self.campaign_id, recipient_id, self.domain),
            _personalise(variant.text, opening, closing),
            _personalise(variant.html, html.escape(opening), html.escape(closing)),
        )

    def prepared(self, recipient_id: int, data: dict[str, Any]) -> Prepared:
        """The person's e-mail as :meth:`email` makes it, ready for SMTP: its bytes are the variant's, serialised
        once, with the person's address, Message-ID and name spliced in (``mime.MessageTemplate``)."""
        variant = self.variant_of(data)
        if variant.template is None:
            sample = self._email(variant, "vigie-sample@example.invalid", "<sample@example.invalid>", variant.text,
                                 variant.html)  # fmt: skip
            variant.template = MessageTemplate(self.encoder, sample, (GREETING_MARK, ADDRESS_MARK))
        opening, closing = greeting(data), salutation(data)
        return variant.template.prepared(
            data["email"],
            message_id(self.campaign_id, recipient_id, self.domain),
            ((opening, closing), (html.escape(opening), html.escape(closing))),
            lambda: self.email(recipient_id, data),
        )

    def _email(self, variant: Variant, to: str, mid: str, text: str, markup: str) -> EmailMultiAlternatives:
        message = EmailMultiAlternatives(
            subject=variant.subject,
            body=text,
            from_email=self.from_email,
            to=[to],
            reply_to=self.reply_to,
            headers={"Message-ID": mid, "Auto-Submitted": "auto-generated"},
        )
        message.attach_alternative(markup, "text/html")
        return message

    def sms(self, data: dict[str, Any]) -> str:
        """The documents' SMS: no health detail and no link (secret médical; links look like smishing)."""
        return self.sms_text

    def letter(self, data: dict[str, Any]) -> dict[str, Any]:
        variant = self.variant_of(data)
        opening, closing = greeting(data), salutation(data)
        blocks = copy.copy(variant.letter_blocks)
        for index in variant.personal:
            block = blocks[index]
            blocks[index] = {**block, "text": _personalise(block["text"], opening, closing)}
        return {"address": list(data.get("address") or []), "salutation": closing, "blocks": blocks}

    def letter_common(self) -> dict[str, Any]:
        """What every letter of a batch shares: organisation, subject, references, signature, footnote, the
        mention above the address (« Personnel et confidentiel »)."""
        return {"organisation": self.org_name, **self.default.letter_common}
