"""Activity photos: cleaned by the visits' helper (re-encoded, no metadata, scaled down) and stored encrypted
under their own folder of the instance. Served only through a scoped view."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings

from shuangbai.core.crypto import decrypt_bytes, encrypt_bytes
from shuangbai.visits.photos import MAX_PHOTOS, CleanPhoto, clean_photo

__all__ = ["MAX_PHOTOS", "MAX_PER_ACTIVITY", "clean_photo", "load", "store"]

MAX_PER_ACTIVITY = 12


def photo_root() -> Path:
    return Path(settings.MEDIA_ROOT) / "activities"


def store(photo: CleanPhoto, county_code: str) -> str:
    relative = f"{county_code}/{uuid.uuid4().hex}.jpg.enc"
    target = photo_root() / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(encrypt_bytes(photo.data))
    return relative


def load(relative: str) -> bytes:
    return decrypt_bytes((photo_root() / relative).read_bytes())
