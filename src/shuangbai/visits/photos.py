"""Visit photos: cleaned by core.photos and stored encrypted under the instance folder's visits/."""

from __future__ import annotations

from shuangbai.core.photos import MAX_PHOTOS, EncryptedPhotoStore, clean_photo

__all__ = ["MAX_PHOTOS", "clean_photo", "load", "photo_root", "store"]

_store = EncryptedPhotoStore("visits")
photo_root, store, load = _store.root, _store.store, _store.load
