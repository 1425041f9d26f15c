"""Writes that belong to no single area of the clinic."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.db import transaction

DEMO_MANAGER_USERNAME = "demo-manager"


@transaction.atomic
def demo_manager_upsert(*, password: str) -> tuple[AbstractUser, bool]:
    """Make ``demo-manager`` an active staff superuser with ``password``; return (user, created).

    Idempotent: a second call keeps the one user and only sets the password again.
    """
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(username=DEMO_MANAGER_USERNAME)
    user.is_active = True
    user.is_staff = True
    user.is_superuser = True
    user.role = "manager"  # type: ignore[attr-defined]
    user.set_password(password)
    user.full_clean()
    user.save()
    # The demo manager oversees every site, so every page of the demo is reachable.
    from mesoclinic.accounts.models import Site

    user.sites.set(Site.objects.all())  # type: ignore[attr-defined]
    return user, created
