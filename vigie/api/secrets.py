"""Webhook signing secrets: made, shown, encrypted at rest, and used to sign (Standard Webhooks).

A signing secret must be readable by Vigie to sign each message, so it cannot be hashed like a token; it is
stored as AES-256-GCM under a key derived from ``SECRET_KEY`` (HKDF), and decrypted with ``SECRET_KEY`` or one
of ``SECRET_KEY_FALLBACKS``, so that rotating the Django secret key keeps the endpoints working. A database dump
alone does not let anyone sign a message that the organisation's tools would trust.

Signature (https://www.standardwebhooks.com): ``webhook-signature: v1,<base64 HMAC-SHA256(key, id.timestamp.body)>``
where the key is the base64-decoded part of ``whsec_<base64>``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets as random

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

PREFIX = "whsec_"
_INFO = b"vigie.api.webhook-secret"
_NONCE = 12


def new_secret() -> str:
    """A fresh signing secret, ``whsec_`` and 32 random bytes in base64."""
    return PREFIX + base64.b64encode(random.token_bytes(32)).decode()


def _key(secret_key: str) -> AESGCM:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(secret_key.encode())
    return AESGCM(derived)


def encrypt_secret(secret: str) -> bytes:
    nonce = os.urandom(_NONCE)
    return nonce + _key(settings.SECRET_KEY).encrypt(nonce, secret.encode(), _INFO)


def decrypt_secret(blob: bytes) -> str:
    """The secret in clear; ``ValueError`` when no current or former secret key opens it."""
    blob = bytes(blob)
    nonce, sealed = blob[:_NONCE], blob[_NONCE:]
    for secret_key in [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]:
        try:
            return _key(secret_key).decrypt(nonce, sealed, _INFO).decode()
        except Exception:  # noqa: S112 (InvalidTag: try the next key)
            continue
    raise ValueError("The webhook secret does not decrypt with SECRET_KEY or SECRET_KEY_FALLBACKS.")


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` header value of one message."""
    key = base64.b64decode(secret.removeprefix(PREFIX))
    signed = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
