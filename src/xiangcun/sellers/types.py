"""Plain values the sellers app shares with other apps."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser

# Whoever is acting: a logged-in user or a visitor. Same shape as accounts.selectors uses.
AnyUser = AbstractBaseUser | AnonymousUser
