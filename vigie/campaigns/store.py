"""Storing imported persons: encrypt each one and write the rows in bulk, 500,000 in about a minute.

The reader (the ``importing`` package) yields chunks of validated, de-duplicated ``Person`` objects; each chunk is
encrypted and written in one statement: PostgreSQL ``COPY`` (about five times faster than INSERT), elsewhere
``executemany``. Memory stays flat: only one chunk is held at a time.

Only what informing needs is kept (GDPR art. 5(1)(c)): names, sex, birth date (to tell homonyms apart in the
list), e-mail, mobile, postal address, the affected categories and the identity key. The NIR is not stored:
it served the de-duplication, through the identity key, and nothing else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models import Exists, OuterRef

from vigie.identity.phones import is_mobile  # SMS goes to mobiles only: identity's rule

from . import crypto
from .models import Campaign, Recipient, State

FIELDS = (
    "campaign_id",
    "line",
    "state",
    "channel",
    "payload",
    "identity_hash",
    "identity_key_id",
    "has_email",
    "has_address",
    "has_mobile",
    "message_id",
    "attempts",
    "smtp_response",
    "bounce_reason",
    "claimed_by",
    "in_doubt",
)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def person_data(person: Any) -> dict[str, Any]:
    """The encrypted part of a recipient: the fields of a ``Person`` that informing needs."""
    address = [line for line in (getattr(person, "address_lines", None) or ()) if line]
    categories = getattr(person, "categories", None) or ()
    if isinstance(categories, str):
        categories = [part.strip() for part in categories.split(",") if part.strip()]
    return {
        "birth_name": _text(getattr(person, "birth_name", "")),
        "usage_name": _text(getattr(person, "usage_name", "")),
        "given_names": _text(getattr(person, "given_names", "")),
        "sex": _text(getattr(person, "sex", "")),
        "birth_date": _text(getattr(person, "birth_date", "")),
        "email": _text(getattr(person, "email", "")),
        "phone": _text(getattr(person, "phone", "")),
        "address": [str(line) for line in address],
        "categories": [str(category) for category in categories],
        "identity_key": _text(getattr(person, "identity_key", "")),
    }


def encrypted_rows(campaign_id: int, persons: Sequence[Any], key: crypto.DataKey) -> list[tuple[Any, ...]]:
    """The database rows (``FIELDS``) of a chunk of persons: each one's data encrypted, their identity hashed."""
    datas = [person_data(person) for person in persons]
    for person, data in zip(persons, datas, strict=True):
        # Without an identity key (the reader always gives one), the person is only equal to themselves.
        data["identity_key"] = data["identity_key"] or f"line:{getattr(person, 'line', 0)}"
    hashes = crypto.blind_indexes([data["identity_key"] for data in datas], key=key)
    encrypt, pending, hex_id = crypto.encrypt, State.PENDING, key.hex_id
    return [
        (
            campaign_id,
            int(getattr(person, "line", 0) or 0),
            pending,
            "none",
            encrypt(data, campaign_id=campaign_id, key=key),
            identity_hash,
            hex_id,
            bool(data["email"]),
            len(data["address"]) >= 2,
            is_mobile(data["phone"]),
            "",
            0,
            "",
            "",
            "",
            False,
        )
        for person, data, identity_hash in zip(persons, datas, hashes, strict=True)
    ]


def _copy(rows: list[tuple[Any, ...]]) -> None:
    table = Recipient._meta.db_table
    columns = ", ".join(FIELDS)
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg 3 cursor under Django's wrapper
        with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:  # noqa: S608 (constant identifiers)
            for row in rows:
                copy.write_row(row)


def _insert_many(rows: list[tuple[Any, ...]]) -> None:
    """One prepared INSERT run over the chunk (``executemany``): about seven times faster than ``bulk_create``
    (which builds a model instance per row) on this machine. The values are those of ``FIELDS``, already in database form."""
    table = Recipient._meta.db_table
    placeholders = ", ".join(["%s"] * len(FIELDS))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({', '.join(FIELDS)}) VALUES ({placeholders})", rows)  # noqa: S608


def store_persons(
    campaign: Campaign,
    chunks: Iterable[Sequence[Any]],
    *,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Encrypt and store every person of ``chunks``; return how many were stored.

    Each chunk is written in its own transaction (a crash leaves whole chunks; the import service deletes a
    half-imported campaign's rows before importing again). ``progress`` is called with the running total.
    """
    key = crypto.current_key()
    return write_rows((encrypted_rows(campaign.pk, chunk, key) for chunk in chunks if chunk), progress=progress)


def write_rows(chunks: Iterable[list[tuple[Any, ...]]], *, progress: Callable[[int], None] | None = None) -> int:
    """Write chunks of rows made by ``encrypted_rows`` (perhaps in another process), one transaction each."""
    use_copy = connection.vendor == "postgresql"
    total = 0
    for rows in chunks:
        if not rows:
            continue
        with transaction.atomic():
            (_copy if use_copy else _insert_many)(rows)
        total += len(rows)
        if progress is not None:
            progress(total)
    return total


def mark_cross_campaign_duplicates(campaign: Campaign) -> int:
    """Mark as duplicates the persons already in another campaign of the same breach: nobody told twice.

    Runs in the database on the blind index (no decryption), one index lookup per person (``Exists``), after
    refreshing the planner's statistics on PostgreSQL (a table just filled by COPY looks empty to it, and a
    nested loop over two "empty" tables is quadratic). Persons of a purged campaign still count: their identity
    hash is kept for this very reason. Persons of a rehearsal do not: it informed nobody.
    """
    others = Recipient.objects.filter(campaign__breach_id=campaign.breach_id, campaign__rehearsal=False)
    others = others.exclude(campaign=campaign)
    others = others.filter(state__in=(State.PENDING, State.SENDING, State.SENT, State.LETTER))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Recipient._meta.db_table}")
    if not others.exists():
        return 0
    already = others.filter(identity_hash=OuterRef("identity_hash"))
    return (
        Recipient.objects.filter(campaign=campaign, state=State.PENDING)
        .filter(Exists(already))
        .update(state=State.DUPLICATE)
    )
