"""Who is asking: the signed-in member of staff of a page or API request."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.http import HttpRequest

from mesoclinic.core.errors import Forbidden

if TYPE_CHECKING:
    # A type only: core imports no app at run time (the project's user model is accounts').
    from mesoclinic.accounts.models import User


def staff(request: HttpRequest) -> User:
    """The member of staff making the request, typed as the project's user.

    The API's token authentication puts them in ``request.auth``; pages have ``request.user``
    (behind ``login_required``). An anonymous request raises ``Forbidden``: a view that forgot
    its decorator refuses instead of acting for nobody.
    """
    user = getattr(request, "auth", None) or request.user
    if not getattr(user, "is_authenticated", False):
        raise Forbidden("Sign in first.")
    return cast("User", user)
