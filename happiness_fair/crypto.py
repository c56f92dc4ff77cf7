"""Encryption at rest for small secrets kept in the database (TOTP secrets; later ID numbers),
with cryptography's Fernet (AES-128-CBC and HMAC-SHA256, authenticated).

The keys are derived from the app's SECRET_KEY with HKDF, one key per purpose (so a value
encrypted for one purpose is never readable as another). Changing SECRET_KEY does not lose
anything: the old key goes into SECRET_KEY_FALLBACKS (Flask's own setting), which are tried for
decryption (MultiFernet), and `flask --app wsgi rotate-keys` re-encrypts every value under the
current key, after which the fallbacks can be removed.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

__all__ = ["InvalidToken", "decrypt", "encrypt", "is_encrypted", "rotate"]

TOTP = "totp-secret"
ID_NUMBER = "volunteer-id-number"
FERNET_PREFIX = "gAAAAA"  # every Fernet token starts with its version byte 0x80, base64


def _key(secret: str | bytes, purpose: str) -> Fernet:
    material = secret.encode() if isinstance(secret, str) else secret
    derived = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=None,
        info=f"happiness-fair/{purpose}".encode(),
    ).derive(material)
    return Fernet(base64.urlsafe_b64encode(derived))


def _keys(purpose: str) -> MultiFernet:
    """The current key first (it encrypts), then the fallbacks (they only decrypt)."""
    config = current_app.config
    secrets = [config["SECRET_KEY"], *(config.get("SECRET_KEY_FALLBACKS") or [])]
    return MultiFernet([_key(secret, purpose) for secret in secrets if secret])


def is_encrypted(value: str | None) -> bool:
    return bool(value) and value.startswith(FERNET_PREFIX)


def encrypt(value: str, purpose: str) -> str:
    return _keys(purpose).encrypt(value.encode()).decode()


def decrypt(token: str, purpose: str) -> str:
    """The plain value; InvalidToken when no key (current or fallback) opens it."""
    return _keys(purpose).decrypt(token.encode()).decode()


def rotate(value: str, purpose: str) -> str:
    """The value encrypted under the current key (a value kept in plain text before encryption
    was introduced is encrypted now)."""
    if not is_encrypted(value):
        return encrypt(value, purpose)
    return _keys(purpose).rotate(value.encode()).decode()
