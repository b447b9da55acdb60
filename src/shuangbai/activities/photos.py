"""Activity photos: cleaned by core.photos and stored encrypted under the instance folder's activities/."""

from __future__ import annotations

from shuangbai.core.photos import MAX_PHOTOS, EncryptedPhotoStore, clean_photo

__all__ = ["MAX_PHOTOS", "MAX_PER_ACTIVITY", "clean_photo", "load", "photo_root", "store"]

MAX_PER_ACTIVITY = 12

_store = EncryptedPhotoStore("activities")
photo_root, store, load = _store.root, _store.store, _store.load
