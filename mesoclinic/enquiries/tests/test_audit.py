"""Every read and write of an enquiry leaves an audit row, in order, naming who did it."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from mesoclinic.accounts.models import Site, User
from mesoclinic.audit.models import AuditEvent
from mesoclinic.enquiries.tests.helpers import form_data

ClientFor = Callable[[User], Client]


def test_it_audits_an_enquiry_from_sending_to_conversion(
    client_for: ClientFor, receptionist_a: User, site_a: Site
) -> None:
    assert Client().post("/enquiry/", form_data(site_a)).status_code == 302
    start = AuditEvent.objects.order_by("pk").last()
    assert start is not None
    enquiry_id = start.object_id
    staff = client_for(receptionist_a)
    staff.get("/enquiries/")
    staff.get(f"/enquiries/{enquiry_id}/")
    staff.post(f"/enquiries/{enquiry_id}/contacted/", {"note": "Called", "status": "new"})
    staff.get(f"/enquiries/{enquiry_id}/convert/")
    staff.post(
        f"/enquiries/{enquiry_id}/convert/",
        {
            "action": "new",
            "status": "contacted",
            "given_name": "Jane Q",
            "family_name": "Public",
            "date_of_birth": "02/05/1985",
        },
    )
    rows = (
        AuditEvent.objects.filter(
            pk__gte=start.pk, object_type__in=["enquiry", "patient_duplicates", "patient"]
        )
        .exclude(action="view", object_type="patient")
        .order_by("pk")
    )
    seen = [(row.action, row.object_type, row.actor_username) for row in rows]
    reception = receptionist_a.username
    assert seen == [
        ("create", "enquiry", ""),  # the person, online
        ("list", "enquiry", reception),
        ("view", "enquiry", reception),
        ("update", "enquiry", reception),
        ("view", "enquiry", reception),  # the convert page
        ("search", "patient_duplicates", reception),
        ("view", "enquiry", reception),  # the convert POST
        ("search", "patient_duplicates", reception),
        ("create", "patient", reception),
        ("update", "enquiry", reception),
    ]
