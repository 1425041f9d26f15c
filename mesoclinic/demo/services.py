"""Writes of the demo clinic that no other area owns: the demo manager."""

from __future__ import annotations

from django.db import transaction

from mesoclinic.accounts.models import Role, Site, User

DEMO_MANAGER_USERNAME = "demo-manager"


@transaction.atomic
def demo_manager_upsert(*, password: str) -> tuple[User, bool]:
    """Make ``demo-manager`` an active superuser and manager of every site; return (user, created).

    Idempotent: a second call keeps the one user and only sets the password (and sites) again.
    """
    user, created = User.objects.get_or_create(username=DEMO_MANAGER_USERNAME)
    user.is_active = True
    user.is_staff = True
    user.is_superuser = True
    user.role = Role.MANAGER
    user.set_password(password)
    user.full_clean()
    user.save()
    # The demo manager oversees every site, so every page of the demo is reachable.
    user.sites.set(Site.objects.all())
    return user, created
