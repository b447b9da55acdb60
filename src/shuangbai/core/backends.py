"""Logging in: Django's model backend, except that the system account never logs in, whatever its password."""

from django.contrib.auth.backends import ModelBackend

from .models import Role


class ShuangbaiBackend(ModelBackend):
    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and getattr(user, "role", None) != Role.SYSTEM
