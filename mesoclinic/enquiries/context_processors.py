"""The header's count of new enquiries, for the roles that handle them."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from mesoclinic.accounts.access import Capability, can
from mesoclinic.core.http import staff
from mesoclinic.enquiries.selectors import new_enquiry_count


def new_enquiries(request: HttpRequest) -> dict[str, object]:
    """``new_enquiries``: the count, read only when a template shows it (one COUNT), and only
    for a signed-in user who may handle enquiries; None otherwise."""
    if not can(request.user, Capability.HANDLE_ENQUIRIES):
        return {"new_enquiries": None}
    user = staff(request)
    return {"new_enquiries": SimpleLazyObject(lambda: new_enquiry_count(user))}
