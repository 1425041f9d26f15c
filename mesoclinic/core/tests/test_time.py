"""One age calculation, today at the clinic, and a site's zone that is always a zone."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client

from mesoclinic.accounts.models import Site, User
from mesoclinic.accounts.services import site_create
from mesoclinic.core.time import age_on, today_in, validate_time_zone
from mesoclinic.patients.models import Patient


@pytest.mark.parametrize(
    ("born", "day", "age"),
    [
        (dt.date(1984, 3, 14), dt.date(2027, 3, 13), 42),
        (dt.date(1984, 3, 14), dt.date(2027, 3, 14), 43),
        (dt.date(2000, 2, 29), dt.date(2027, 2, 28), 26),
        (dt.date(2000, 2, 29), dt.date(2027, 3, 1), 27),
        (dt.date(2000, 2, 29), dt.date(2028, 2, 29), 28),
        (dt.date(2030, 1, 1), dt.date(2027, 1, 1), -3),
    ],
)
def test_it_counts_whole_years_of_age(born: dt.date, day: dt.date, age: int) -> None:
    assert age_on(born, day) == age


@time_machine.travel("2027-03-13 23:30:00+00:00", tick=False)
def test_today_is_the_clinics_date_not_the_servers() -> None:
    assert today_in(zoneinfo.ZoneInfo("Europe/London")) == dt.date(2027, 3, 13)
    assert today_in(zoneinfo.ZoneInfo("Asia/Dubai")) == dt.date(2027, 3, 14)


@pytest.mark.parametrize("name", ["Europe/Lundon", "", "../etc/passwd", "x" * 64])
def test_it_refuses_a_name_that_is_no_time_zone(name: str) -> None:
    with pytest.raises(ValidationError, match="is not a time zone"):
        validate_time_zone(name)


@pytest.mark.django_db
def test_a_site_is_saved_only_with_a_real_zone() -> None:
    with pytest.raises(ValidationError) as refused:
        site_create(name="Dubai Clinic", code="dubai", time_zone="Asia/Dubay")
    assert refused.value.message_dict == {
        "time_zone": ["'Asia/Dubay' is not a time zone; use an IANA name such as Europe/London."]
    }
    assert not Site.objects.filter(code="dubai").exists()
    site = site_create(name="Dubai Clinic", code="dubai", time_zone="Asia/Dubai")
    assert site.zone == zoneinfo.ZoneInfo("Asia/Dubai")


@pytest.mark.django_db
def test_a_row_written_before_the_check_falls_back_to_the_deployments_zone(
    site_a: Site, settings: object
) -> None:
    Site.objects.filter(pk=site_a.pk).update(time_zone="Mars/Olympus")
    site_a.refresh_from_db()
    assert site_a.zone == zoneinfo.ZoneInfo("Europe/London")


@pytest.mark.django_db
@time_machine.travel("2027-03-13 21:30:00+00:00", tick=False)
def test_the_patient_page_counts_the_age_at_the_clinics_today(
    site_a: Site, receptionist_a: User, client_for: object
) -> None:
    # 01:30 on the 14th in Dubai, still the 13th in London and in UTC: a birthday there.
    Site.objects.filter(pk=site_a.pk).update(time_zone="Asia/Dubai")
    patient = Patient.objects.create(
        site=site_a, given_name="Dana", family_name="Date", date_of_birth=dt.date(1984, 3, 14)
    )
    client: Client = client_for(receptionist_a)  # type: ignore[operator]
    response = client.get(f"/patients/{patient.pk}/")
    assert response.context["age"] == 43
