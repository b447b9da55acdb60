"""Photos of the programme's records (visits, activities, hand-outs, articles): checked, re-encoded without
metadata (EXIF carries the phone, the time and often the place), scaled down. The records' own photos are
stored encrypted under the instance folder of the app that owns them and served only through a scoped view."""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from PIL import Image, ImageOps, UnidentifiedImageError

from .crypto import decrypt_bytes, encrypt_bytes

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_PHOTOS = 6
MAX_SIDE = 1600
MAX_PIXELS = 40_000_000  # a decompression bomb is refused before it is decoded


@dataclass(frozen=True)
class CleanPhoto:
    data: bytes  # JPEG, no metadata
    width: int
    height: int


def clean_photo(upload, *, label: str = "照片") -> CleanPhoto:
    """An uploaded image as a plain JPEG at most MAX_SIDE pixels on its long side, or a Chinese error."""
    name = getattr(upload, "name", "") or label
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(f"{label}“{name}”超过 {MAX_UPLOAD_BYTES // 1024 // 1024} MB，请压缩后再上传。")
    try:
        image = Image.open(upload)
        if image.width * image.height > MAX_PIXELS:
            raise ValidationError(f"{label}“{name}”像素过大，请压缩后再上传。")
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise ValidationError(f"{label}“{name}”不是可识别的图片（支持 JPEG、PNG、WebP 等）。") from None
    image = ImageOps.exif_transpose(image)  # keep the orientation the phone meant, then drop the EXIF
    if image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    # A fresh image from the pixels only: no EXIF, GPS, XMP or ICC comment survives.
    Image.frombytes(image.mode, image.size, image.tobytes()).save(out, "JPEG", quality=82, optimize=True)
    return CleanPhoto(out.getvalue(), image.width, image.height)


class EncryptedPhotoStore:
    """Cleaned photos, encrypted, under MEDIA_ROOT/<folder>/<county code>/."""

    def __init__(self, folder: str) -> None:
        self.folder = folder

    def root(self) -> Path:
        return Path(settings.MEDIA_ROOT) / self.folder

    def store(self, photo: CleanPhoto, county_code: str) -> str:
        """Write the encrypted photo; returns its path relative to the root."""
        relative = f"{county_code}/{uuid.uuid4().hex}.jpg.enc"
        target = self.root() / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(encrypt_bytes(photo.data))
        return relative

    def load(self, relative: str) -> bytes:
        return decrypt_bytes((self.root() / relative).read_bytes())


class StoredPhoto(models.Model):
    """A record's photo, cleaned and stored encrypted (EncryptedPhotoStore); the concrete model adds the record
    it belongs to and its scoping."""

    path = models.CharField(max_length=200, editable=False)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField("大小（字节）")
    caption = models.CharField("说明", max_length=100, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.caption or f"照片{self.pk}"
