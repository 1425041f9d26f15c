"""Managers' writes of what is booked and where: services and rooms."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, TypeVar

from django.db import IntegrityError, transaction

from mesoclinic.accounts.access import Capability, require
from mesoclinic.accounts.models import User
from mesoclinic.audit.models import Action
from mesoclinic.audit.services import audit_denied, audit_record
from mesoclinic.core.db import violated_constraint
from mesoclinic.core.errors import Invalid, NotFound
from mesoclinic.planning.knowledge import default_knowledge
from mesoclinic.scheduling.models import (
    MAX_BUFFER,
    MAX_DURATION,
    Room,
    Service,
)
from mesoclinic.scheduling.selectors import (
    site_get_for_user,
)

if TYPE_CHECKING:
    pass

T = TypeVar("T")


def _pom_terms() -> list[tuple[str, str]]:
    """Each prescription-only medicine of the knowledge base as terms to look for: its name
    before any bracket, its code in words, and a bracketed short name (TXA, CCH, PC/DC)."""
    terms: list[tuple[str, str]] = []
    for substance in default_knowledge().substances.values():
        if not substance.prescription_only:
            continue
        head, _, rest = substance.name.partition("(")
        candidates = {head.strip(), substance.code.replace("_", " ")}
        short = rest.split(")")[0].strip()
        if short and short.replace("/", "").isupper():
            candidates.add(short)
        terms += [(term.lower(), substance.name) for term in candidates if len(term) >= 3]
    return terms


def prescription_only_named(text: str) -> list[str]:
    """The prescription-only medicines ``text`` names (whole words, any case)."""
    lowered = f" {re.sub(r'[^a-z0-9/]+', ' ', text.lower())} "
    found: list[str] = []
    for term, name in _pom_terms():
        if f" {term} " in lowered and name not in found:
            found.append(name)
    return found


def service_save(
    *,
    actor: User,
    code: str,
    name: str,
    patient_facing_name: str,
    duration: dt.timedelta,
    buffer_before: dt.timedelta = dt.timedelta(0),
    buffer_after: dt.timedelta = dt.timedelta(0),
    room_type: str = "",
    needs_prescriber: bool = False,
    active: bool = True,
    new: bool = False,
) -> Service:
    """Create or update the service ``code`` (managers only).

    ``patient_facing_name`` is shown on public pages, so it may name no prescription-only
    medicine (UK advertising rules): refused with the medicines it names. With ``new`` (a form
    that adds a service) an existing ``code`` is refused rather than overwritten: whoever typed
    it meant another service.
    """
    require(actor, Capability.MANAGE_SCHEDULE, what="service")
    bounds: dict[str, list[str]] = {}
    for field, value, high in (
        ("duration", duration, MAX_DURATION),
        ("buffer_before", buffer_before, MAX_BUFFER),
        ("buffer_after", buffer_after, MAX_BUFFER),
    ):
        if value > high:
            minutes = int(value.total_seconds() // 60)
            bounds[field] = [
                f"{field}: at most {int(high.total_seconds() // 60)} minutes, got {minutes}."
            ]
    if bounds:
        raise Invalid(bounds)
    named = prescription_only_named(patient_facing_name)
    if named:
        raise Invalid(
            {
                "patient_facing_name": [
                    "patient_facing_name: public pages may not name prescription-only "
                    f"medicines; “{patient_facing_name[:60]}” names {', '.join(named)}."
                ]
            }
        )
    if new and Service.objects.filter(code=code).exists():
        raise Invalid(
            {"code": [f"code: a service with code “{code[:40]}” exists already; choose another."]}
        )
    with transaction.atomic():
        service, created = Service.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "patient_facing_name": patient_facing_name,
                "duration": duration,
                "buffer_before": buffer_before,
                "buffer_after": buffer_after,
                "room_type": room_type,
                "needs_prescriber": needs_prescriber,
                "active": active,
            },
        )
        service.full_clean()
        audit_record(
            action=Action.CREATE if created else Action.UPDATE,
            object_type="service",
            object_id=service.pk,
            detail={"code": code},
        )
    return service


# A room type is matched against services' room types as typed, so it keeps to a slug's letters.
ROOM_TYPE = re.compile(r"[-a-zA-Z0-9_]+")
ROOM_NAME_MAX = 80
ROOM_TYPE_MAX = 40


def room_save(
    *,
    actor: User,
    site_id: int,
    room_id: int | None = None,
    name: str,
    room_type: str,
    active: bool = True,
) -> Room:
    """Add a room to one of the actor's sites, or change one (managers only).

    Names are unique within the site whatever their case ("Room 1" and "room 1" would be told
    apart by no one reading the diary): a taken name is ``Invalid`` naming ``name``. A room of
    another site, or none, is ``NotFound``. Appointments already in the room keep it when it
    is made inactive; new bookings do not use it.
    """
    require(actor, Capability.MANAGE_SCHEDULE, what="room")
    site = site_get_for_user(actor, site_id)
    name, room_type = name.strip(), room_type.strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = ["name: it is empty; give the room a name, e.g. Room 1."]
    elif len(name) > ROOM_NAME_MAX:
        errors["name"] = [f"name: is {len(name)} characters long; at most {ROOM_NAME_MAX}."]
    if not ROOM_TYPE.fullmatch(room_type) or len(room_type) > ROOM_TYPE_MAX:
        errors["room_type"] = [
            f"room_type: “{room_type[:40]}” is not a room type: letters, digits, - and _ only "
            f"(at most {ROOM_TYPE_MAX}), e.g. treatment."
        ]
    with transaction.atomic():
        if room_id is None:
            room = Room(site=site)
        else:
            found = Room.objects.select_for_update().filter(pk=room_id, site=site).first()
            if found is None:
                audit_denied(reason="no_such_room", object_type="room", object_id=room_id)
                raise NotFound("No such room.")
            room = found
        if (
            "name" not in errors
            and Room.objects.filter(site=site, name__iexact=name).exclude(pk=room.pk).exists()
        ):
            errors["name"] = [f"name: {site.name} already has a room named “{name[:40]}”."]
        if errors:
            raise Invalid(errors)
        before = {"name": room.name, "room_type": room.room_type, "active": room.active}
        room.name, room.room_type, room.active = name, room_type, active
        try:
            # A savepoint, so that a name taken by a concurrent writer leaves this
            # transaction usable for the refusal.
            with transaction.atomic():
                room.save()
        except IntegrityError as error:
            if violated_constraint(error) != "scheduling_room_unique_name":
                raise
            raise Invalid(
                {"name": [f"name: {site.name} already has a room named “{name[:40]}”."]}
            ) from None
        after = {"name": room.name, "room_type": room.room_type, "active": room.active}
        audit_record(
            action=Action.CREATE if room_id is None else Action.UPDATE,
            object_type="room",
            object_id=room.pk,
            site_id=site.pk,
            detail={"fields": sorted(k for k in after if after[k] != before[k])},
        )
    return room
