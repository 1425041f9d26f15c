"""Writes for sites and staff."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from mesoclinic.accounts.models import Role, Site, User


@transaction.atomic
def site_create(*, name: str, code: str, time_zone: str = "Europe/London", address: str = "") -> Site:
    site = Site(name=name, code=code, time_zone=time_zone, address=address)
    site.full_clean()
    site.save()
    return site


@transaction.atomic
def staff_create(
    *,
    username: str,
    password: str,
    role: Role,
    sites: Iterable[Site],
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    is_prescriber: bool = False,
    registration_number: str = "",
) -> User:
    """A member of staff with a hashed password (Argon2id), working at ``sites``."""
    user = User(
        username=username,
        role=role,
        first_name=first_name,
        last_name=last_name,
        email=email,
        is_prescriber=is_prescriber,
        registration_number=registration_number,
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    user.sites.set(list(sites))
    return user
