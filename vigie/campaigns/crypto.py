"""Encryption at rest of the affected persons' personal data (AES-256-GCM), and their blind index.

A stolen database dump must not leak the persons a second time, so their personal data never reaches the
database in clear: each recipient row holds ``payload`` = version ‖ key id ‖ nonce ‖ AES-GCM(JSON), and the
campaign id is bound as associated data (a payload copied to another campaign does not decrypt). The key lives
outside the database:

- ``VIGIE_DATA_KEY``: base64 of 32 bytes; during a rotation several, comma-separated, the first one encrypts;
- or ``VIGIE_DATA_KEY_FILE``: one base64 key per line, the first one encrypts;
- neither: in development ``var/data.key`` is created on first use (mode 0600); in tests a fixed key;
  in production nothing is encrypted with a made-up key: :class:`KeyMissing` is raised.

Rotation: put the new key first, keep the old ones after it, run ``vigie campaign rotate-key`` (re-encrypts
every row still under an old key, in chunks), then remove the old keys.

The blind index (``identity_hash``) is a keyed pseudo-random permutation (one AES block, under a key derived from
the data key) of a plain SHA-256 of the person's identity key: equal persons have equal hashes (de-duplication
across imports, and finding a person in the proof ledger after the purge) but nobody without the key can test a
guess against it. A permutation rather than an HMAC so that a rotation can re-key it *without* the identity key:
a purged row keeps only its hash, and :func:`rekey_index` moves it from the old key to the new one (the plain
SHA-256 exists only in memory meanwhile). The row's ``identity_key_id`` names the key its hash is under.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

VERSION = b"\x01"
NONCE_BYTES = 12
KEY_ID_BYTES = 4
# Not a secret: the key of the test suite only, so that tests are repeatable.
TEST_KEY = base64.b64encode(b"vigie-test-key-never-use-it-0000").decode()


class KeyMissing(ImproperlyConfigured):
    """No data key is configured where one is required (production)."""


class DecryptionFailed(Exception):
    """A payload does not decrypt with any known key (wrong key, or tampered data)."""


@dataclass(frozen=True)
class DataKey:
    id: bytes  # the first 4 bytes of SHA-256(key): names the key in each payload without revealing it
    aead: AESGCM
    index_key: bytes  # the blind-index key (AES-256, one block), derived from the data key

    @classmethod
    def from_b64(cls, text: str) -> DataKey:
        try:
            raw = base64.b64decode(text.strip(), validate=True)
        except (binascii.Error, ValueError) as error:
            raise ImproperlyConfigured("A data key is not valid base64.") from error
        if len(raw) != 32:
            raise ImproperlyConfigured("A data key must be 32 bytes (base64 of 32 random bytes).")
        return cls(
            id=hashlib.sha256(raw).digest()[:KEY_ID_BYTES],
            aead=AESGCM(raw),
            index_key=hmac.new(raw, b"vigie blind index v2", hashlib.sha256).digest(),
        )

    @property
    def hex_id(self) -> str:
        """The key id as stored beside an identity hash (``Recipient.identity_key_id``)."""
        return self.id.hex()


def new_key() -> str:
    """A fresh random key, as base64 (for ``VIGIE_DATA_KEY`` or a key file)."""
    return base64.b64encode(secrets.token_bytes(32)).decode()


def development_key_file() -> Path:
    return Path(settings.DATA_DIR) / "data.key"


def _key_texts() -> list[str]:
    if settings.VIGIE_DATA_KEY:
        return [part for part in settings.VIGIE_DATA_KEY.split(",") if part.strip()]
    path: Path | None = Path(settings.VIGIE_DATA_KEY_FILE) if settings.VIGIE_DATA_KEY_FILE else None
    if path is None:
        if settings.TESTING:
            return [TEST_KEY]
        if settings.PRODUCTION:
            raise KeyMissing("Set VIGIE_DATA_KEY or VIGIE_DATA_KEY_FILE: the persons' data is encrypted with it.")
        path = development_key_file()
        if not path.exists():
            # O_EXCL: two processes starting together cannot each write a different key.
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass
            else:
                with os.fdopen(fd, "w") as file:
                    file.write(new_key() + "\n")
    lines = [line.strip() for line in path.read_text().splitlines()]
    keys = [line for line in lines if line and not line.startswith("#")]
    if not keys:
        raise KeyMissing(f"The key file {path} holds no key.")
    return keys


@lru_cache(maxsize=1)
def _ring(texts: tuple[str, ...]) -> tuple[DataKey, ...]:
    return tuple(DataKey.from_b64(text) for text in texts)


def keyring() -> tuple[DataKey, ...]:
    """The configured keys, the encrypting one first (re-read each call: cheap, and follows a rotation)."""
    return _ring(tuple(_key_texts()))


def current_key() -> DataKey:
    return keyring()[0]


def _aad(campaign_id: int) -> bytes:
    return f"vigie-campaign:{campaign_id}".encode()


def encrypt(data: dict[str, Any], *, campaign_id: int, key: DataKey | None = None) -> bytes:
    """The JSON of ``data`` encrypted for one campaign: version ‖ key id ‖ nonce ‖ ciphertext+tag."""
    key = key or current_key()
    nonce = secrets.token_bytes(NONCE_BYTES)
    plain = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    return VERSION + key.id + nonce + key.aead.encrypt(nonce, plain, _aad(campaign_id))


def key_id_of(payload: bytes) -> bytes:
    return bytes(payload[1 : 1 + KEY_ID_BYTES])


def decrypt(
    payload: bytes | memoryview, *, campaign_id: int, ring: tuple[DataKey, ...] | None = None
) -> dict[str, Any]:
    payload = bytes(payload)
    if not payload:
        return {}  # purged
    if payload[:1] != VERSION:
        raise DecryptionFailed("unknown payload version")
    ring = ring or keyring()
    wanted = key_id_of(payload)
    start = 1 + KEY_ID_BYTES
    nonce, body = payload[start : start + NONCE_BYTES], payload[start + NONCE_BYTES :]
    for key in ring:
        if key.id == wanted:
            try:
                return json.loads(key.aead.decrypt(nonce, body, _aad(campaign_id)))
            except Exception as error:  # InvalidTag: tampered, or moved from another campaign
                raise DecryptionFailed("the payload does not decrypt") from error
    raise DecryptionFailed("the payload's key is not configured")


def _index_cipher(key: DataKey) -> Cipher[Any]:
    # ECB on exactly one block is the raw block cipher: a keyed permutation of 128-bit values, deterministic by
    # design (equal persons must have equal hashes); no pattern across blocks can leak since there is one block.
    return Cipher(algorithms.AES(key.index_key), modes.ECB())  # noqa: S305


def blind_index(identity_key: str, *, key: DataKey | None = None) -> str:
    """Keyed hash of a person's identity key (hex, 32 characters): equal for the same person, opaque otherwise."""
    key = key or current_key()
    digest = hashlib.sha256(b"vigie identity\0" + identity_key.encode()).digest()[:16]
    encryptor = _index_cipher(key).encryptor()
    return (encryptor.update(digest) + encryptor.finalize()).hex()


def blind_indexes(identity_keys: list[str], *, key: DataKey | None = None) -> list[str]:
    """``blind_index`` of each identity key, with one cipher for them all (ECB is block by block: the same values
    as one call each, without building a cipher per person)."""
    key = key or current_key()
    prefix = b"vigie identity\0"
    sha = hashlib.sha256
    digests = b"".join(sha(prefix + text.encode()).digest()[:16] for text in identity_keys)
    encryptor = _index_cipher(key).encryptor()
    out = (encryptor.update(digests) + encryptor.finalize()).hex()
    return [out[start : start + 32] for start in range(0, len(out), 32)]


def rekey_index(value: str, *, old: DataKey, new: DataKey) -> str:
    """The same person's blind index under ``new``, from their index under ``old`` (no identity key needed)."""
    decryptor = _index_cipher(old).decryptor()
    digest = decryptor.update(bytes.fromhex(value)) + decryptor.finalize()
    encryptor = _index_cipher(new).encryptor()
    return (encryptor.update(digest) + encryptor.finalize()).hex()


def key_by_hex_id(hex_id: str, ring: tuple[DataKey, ...] | None = None) -> DataKey | None:
    return next((key for key in ring or keyring() if key.hex_id == hex_id), None)


def encrypt_bytes(data: bytes, *, purpose: str) -> bytes:
    """A whole file (uploaded list, letters, manifest) encrypted; ``purpose`` (e.g. its path) is bound to it."""
    key = current_key()
    nonce = secrets.token_bytes(NONCE_BYTES)
    return VERSION + key.id + nonce + key.aead.encrypt(nonce, data, purpose.encode())


def decrypt_bytes(payload: bytes, *, purpose: str) -> bytes:
    wanted = key_id_of(payload)
    start = 1 + KEY_ID_BYTES
    for key in keyring():
        if key.id == wanted:
            try:
                return key.aead.decrypt(
                    payload[start : start + NONCE_BYTES], payload[start + NONCE_BYTES :], purpose.encode()
                )
            except Exception as error:
                raise DecryptionFailed("the file does not decrypt") from error
    raise DecryptionFailed("the file's key is not configured")
