"""Authentication backend for applicants: phone number + password (ID-1).

Call it through ``django.contrib.auth.authenticate(request, **phone_credentials(phone, password))``
so that django-axes, listed before it, counts failures and locks out. The
credentials carry ``username`` only for django-axes: it is ``phone:<keyed hash>``,
so each phone has its own failure count and the lockout table never holds a
phone number in clear. A wrong password raises ``PermissionDenied``, which ends
the backend chain: Django's ``ModelBackend`` never looks that name up.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import BaseBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from tongban.core import crypto
from tongban.identity.models import Person, User

PHONE_USERNAME_PREFIX = "phone:"


def phone_credentials(phone: str, password: str) -> dict[str, str]:
    """The keyword arguments for ``authenticate`` that this backend answers."""
    axes_username = PHONE_USERNAME_PREFIX + crypto.lookup_hash("phone", phone)
    return {"phone": phone, "password": password, "username": axes_username}


class PhonePasswordBackend(BaseBackend):
    """Finds the person by the phone's keyed hash and checks the account's password."""

    def authenticate(self, request: HttpRequest | None, phone: str | None = None,  # type: ignore[override]
                     password: str | None = None, **kwargs: Any) -> User | None:
        """The user whose person has ``phone`` and whose password is ``password``; refuses otherwise."""
        if phone is None or password is None:
            return None  # not a phone login: let the next backend try
        person = Person.objects.select_related("user").filter(phone_hash=crypto.lookup_hash("phone", phone)).first()
        if person is None:
            # Hash anyway, so the response time does not tell which phones are registered.
            User().set_password(password)
            raise PermissionDenied
        user = person.user
        if not user.check_password(password) or not user.is_active:
            raise PermissionDenied
        return user

    def get_user(self, user_id: int) -> User | None:
        """The active user with ``user_id`` (the session refers to users by id and backend)."""
        user = User.objects.filter(pk=user_id).first()
        return user if user is not None and user.is_active else None
