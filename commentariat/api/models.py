import hashlib
import secrets

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    """A staff member's key to the moderation endpoints; only its hash is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.name or 'token'} for {self.user}"

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, user, name: str = "") -> tuple["ApiToken", str]:
        """A new token and its key (shown once, never stored)."""
        key = f"cmt_{secrets.token_urlsafe(32)}"
        return cls.objects.create(user=user, name=name, key_hash=cls.hash(key)), key
