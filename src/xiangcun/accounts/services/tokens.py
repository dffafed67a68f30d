"""API tokens: issued, checked on each API call, revoked."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from xiangcun.accounts.models import ApiToken, User
from xiangcun.accounts.types import IssuedApiToken

# A token's last use is recorded at most this often, so each API call is not also a write.
TOKEN_USE_RESOLUTION = timedelta(minutes=1)


def _token_hash(token: str) -> str:
    # Unkeyed SHA-256 is enough: the token has 256 random bits, nothing to brute-force.
    # "surrogatepass": a malformed token hashes to a key no token has, rather than raising.
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


@transaction.atomic
def api_token_issue(*, user: User) -> IssuedApiToken:
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    expires_at = now + timedelta(days=settings.API_TOKEN_TTL_DAYS)
    ApiToken.objects.create(
        user=user, key_hash=_token_hash(token), created_at=now, expires_at=expires_at
    )
    return IssuedApiToken(token=token, expires_at=expires_at)


@transaction.atomic
def api_token_authenticate(*, token: str) -> User | None:
    """The active user a live token belongs to, or None. Records when the token was used."""
    if not token:
        return None
    now = timezone.now()
    api_token = (
        ApiToken.objects.select_related("user")
        .filter(
            key_hash=_token_hash(token),
            revoked_at__isnull=True,
            expires_at__gt=now,
            user__is_active=True,
        )
        .first()
    )
    if api_token is None:
        return None
    if api_token.last_used_at is None or api_token.last_used_at <= now - TOKEN_USE_RESOLUTION:
        # Conditional, so concurrent requests with one token write once.
        ApiToken.objects.filter(pk=api_token.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - TOKEN_USE_RESOLUTION)
        ).update(last_used_at=now)
    return api_token.user


@transaction.atomic
def api_token_revoke(*, token: str) -> bool:
    """Revoke a token; False when it was unknown or already revoked."""
    revoked = ApiToken.objects.filter(key_hash=_token_hash(token), revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    return revoked > 0
