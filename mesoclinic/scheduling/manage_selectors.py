"""Reads of the managers' schedule setup: their sites' rooms, practitioners, hours, exceptions.

Each needs ``MANAGE_SCHEDULE``: these pages show inactive rooms and services and everyone's
leave and sickness, which the diary's readers (``BOOK``) need not see. A site outside the
manager's reach, or a row of one, is ``NotFound`` (audited).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from mesoclinic.accounts.access import Capability, require, site_ids
from mesoclinic.accounts.models import Role, Site, User
from mesoclinic.audit.services import audit_denied
from mesoclinic.core.errors import NotFound
from mesoclinic.core.time import today_in
from mesoclinic.scheduling.models import Room, Service, TimeOff, WorkingHours
from mesoclinic.scheduling.selectors import practitioners_at, site_get_for_user


@dataclass(frozen=True)
class SiteSetup:
    site: Site
    rooms: list[Room]
    practitioners: list[User]


@dataclass(frozen=True)
class Overview:
    sites: list[SiteSetup]
    services: list[Service]


def schedule_overview(user: User) -> Overview:
    """Each of the manager's sites with its rooms (inactive ones too) and practitioners, and
    the clinic's services. Five queries, whatever the number of sites."""
    require(user, Capability.MANAGE_SCHEDULE, what="schedule")
    sites = list(Site.objects.filter(pk__in=site_ids(user)).order_by("name", "pk"))
    rooms: dict[int, list[Room]] = {site.pk: [] for site in sites}
    for room in Room.objects.filter(site__in=sites).order_by("name", "pk"):
        rooms[room.site_id].append(room)
    people: dict[int, list[User]] = {site.pk: [] for site in sites}
    staff = {
        person.pk: person
        for person in User.objects.filter(
            role=Role.PRACTITIONER, is_active=True, sites__in=sites
        ).distinct()
    }
    for who, where in (
        User.sites.through.objects.filter(user_id__in=list(staff), site_id__in=list(people))
        .order_by("user__last_name", "user__first_name", "user_id")
        .values_list("user_id", "site_id")
    ):
        people[where].append(staff[who])
    return Overview(
        sites=[SiteSetup(site, rooms[site.pk], people[site.pk]) for site in sites],
        services=list(Service.objects.order_by("name", "code")),
    )


def schedule_site(user: User, site_id: int) -> Site:
    """One of the manager's sites."""
    require(user, Capability.MANAGE_SCHEDULE, what="schedule")
    return site_get_for_user(user, site_id)


def room_list_for_manager(user: User, site_id: int) -> tuple[Site, list[Room]]:
    """The site's rooms, inactive ones too, by name."""
    site = schedule_site(user, site_id)
    return site, list(Room.objects.filter(site=site).order_by("name", "pk"))


def room_get_for_manager(user: User, site_id: int, room_id: int) -> Room:
    """One room of one of the manager's sites."""
    site = schedule_site(user, site_id)
    room = Room.objects.filter(pk=room_id, site=site).select_related("site").first()
    if room is None:
        audit_denied(reason="no_such_room", object_type="room", object_id=room_id)
        raise NotFound("No such room.")
    return room


def room_types(user: User) -> list[str]:
    """The room types of the manager's sites, to suggest when a room or service is typed."""
    require(user, Capability.MANAGE_SCHEDULE, what="room")
    return sorted(
        set(Room.objects.filter(site_id__in=site_ids(user)).values_list("room_type", flat=True))
    )


def service_list_for_manager(user: User) -> list[Service]:
    """Every service, inactive ones too, by name (services are the clinic's, not a site's)."""
    require(user, Capability.MANAGE_SCHEDULE, what="service")
    return list(Service.objects.order_by("name", "code"))


def service_get_for_manager(user: User, service_id: int) -> Service:
    require(user, Capability.MANAGE_SCHEDULE, what="service")
    service = Service.objects.filter(pk=service_id).first()
    if service is None:
        audit_denied(reason="no_such_service", object_type="service", object_id=service_id)
        raise NotFound("No such service.")
    return service


def practitioner_at(user: User, site_id: int, practitioner_id: int) -> tuple[Site, User]:
    """The site and one of its active practitioners."""
    site = schedule_site(user, site_id)
    practitioner = practitioners_at(site).filter(pk=practitioner_id).first()
    if practitioner is None:
        audit_denied(reason="no_such_practitioner", object_type="user", object_id=practitioner_id)
        raise NotFound("No such practitioner.")
    return site, practitioner


def hours_for_manager(
    user: User, site_id: int, practitioner_id: int
) -> tuple[Site, User, list[WorkingHours]]:
    """A practitioner's weekly hours at the site, by weekday and start."""
    site, practitioner = practitioner_at(user, site_id, practitioner_id)
    rows = list(
        WorkingHours.objects.filter(site=site, practitioner=practitioner).order_by(
            "weekday", "start", "pk"
        )
    )
    return site, practitioner, rows


@dataclass(frozen=True)
class SiteExceptions:
    site: Site
    today: dt.date
    upcoming: list[TimeOff]
    practitioners: list[User]


def time_off_upcoming(user: User, site_id: int) -> SiteExceptions:
    """The site's exceptions that have not ended by today (the site's today), by first day:
    the practitioners' and the site's public holidays. Two queries."""
    site = schedule_site(user, site_id)
    today = today_in(site.zone)
    rows = list(
        TimeOff.objects.filter(site=site, last_day__gte=today)
        .select_related("practitioner")
        .order_by("first_day", "start", "pk")
    )
    people = list(practitioners_at(site).order_by("last_name", "first_name", "pk"))
    return SiteExceptions(site, today, rows, people)
