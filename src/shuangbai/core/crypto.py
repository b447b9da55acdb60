"""Encryption of personal-data fields (AES-256-GCM) and the keyed hash used to look them up.

The key is settings.FIELD_ENCRYPTION_KEY (32 bytes, url-safe base64, from SHUANGBAI_FIELD_KEY or the instance
folder). The look-up key is derived from it (HKDF), so one secret is kept; the database alone reveals neither the
numbers nor, without the key, which rows share one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import models

PREFIX = "g1:"  # format version: AES-GCM, 12-byte nonce, base64(nonce + ciphertext + tag)


@cache
def _keys(material: str) -> tuple[AESGCM, bytes]:
    key = base64.urlsafe_b64decode(material.encode())
    if len(key) != 32:
        raise ValueError("SHUANGBAI_FIELD_KEY 必须是 32 字节密钥的 url-safe base64 编码。")
    lookup = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"shuangbai lookup hash").derive(key)
    return AESGCM(key), lookup


def encrypt(text: str) -> str:
    if not text:
        return ""
    aead, _ = _keys(settings.FIELD_ENCRYPTION_KEY)
    nonce = os.urandom(12)
    return PREFIX + base64.b64encode(nonce + aead.encrypt(nonce, text.encode(), None)).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    if not token.startswith(PREFIX):
        raise ValueError("unknown encrypted field format")
    aead, _ = _keys(settings.FIELD_ENCRYPTION_KEY)
    raw = base64.b64decode(token[len(PREFIX) :])
    return aead.decrypt(raw[:12], raw[12:], None).decode()


FILE_MAGIC = b"SBG1"  # format version of encrypted files: magic, 12-byte nonce, ciphertext + tag


def encrypt_bytes(data: bytes) -> bytes:
    """A file's content encrypted at rest (AES-GCM, the field key); the magic is bound in as associated data."""
    aead, _ = _keys(settings.FIELD_ENCRYPTION_KEY)
    nonce = os.urandom(12)
    return FILE_MAGIC + nonce + aead.encrypt(nonce, data, FILE_MAGIC)


def decrypt_bytes(data: bytes) -> bytes:
    if not data.startswith(FILE_MAGIC):
        raise ValueError("unknown encrypted file format")
    aead, _ = _keys(settings.FIELD_ENCRYPTION_KEY)
    start = len(FILE_MAGIC)
    return aead.decrypt(data[start : start + 12], data[start + 12 :], FILE_MAGIC)


def lookup_hash(text: str) -> str:
    """HMAC-SHA256 of a normalised value: equal values give equal hashes, for unique constraints and look-up."""
    _, key = _keys(settings.FIELD_ENCRYPTION_KEY)
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """A text column holding AES-GCM ciphertext; Python sees the clear text. Not searchable or sortable."""

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value else ""

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt(value) if value else ""
