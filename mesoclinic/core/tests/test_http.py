"""``staff(request)``: the member of staff of a page or an API request, never nobody."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from mesoclinic.accounts.models import User
from mesoclinic.core.errors import Forbidden
from mesoclinic.core.http import staff

pytestmark = pytest.mark.django_db


def test_it_is_the_signed_in_user_of_a_page(practitioner_a: User) -> None:
    request = RequestFactory().get("/")
    request.user = practitioner_a
    assert staff(request) == practitioner_a


def test_it_is_the_token_holder_of_an_api_request(practitioner_a: User, manager_a: User) -> None:
    request = RequestFactory().get("/api/v1/patients")
    request.user = AnonymousUser()
    request.auth = manager_a  # type: ignore[attr-defined]  # ninja sets it on the request
    assert staff(request) == manager_a


def test_it_refuses_an_anonymous_request() -> None:
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with pytest.raises(Forbidden, match="Sign in"):
        staff(request)
