"""The Django admin audited like the app: its sign-ins, and every change it makes.

The admin is Django's own code, with no service of ours to call, so it is audited at its two
edges: the sign-in signals (for requests to the admin's sign-in page only; the app's sign-in
page records its own steps) and the ``log_*`` hooks every admin change goes through. Details
keep Django's change message, which names the fields changed, never their values.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.models import ADDITION, CHANGE, DELETION
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from mesoclinic.accounts.models import User
from mesoclinic.audit.models import Action
from mesoclinic.audit.services import audit_record

ADMIN_LOGIN_PATH = "/admin/login/"
_CHANGES = {ADDITION: "added", CHANGE: "changed", DELETION: "deleted"}


def _admin_change(obj: Model, flag: int, message: object) -> None:
    audit_record(
        # The audit's actions have no "delete": a deletion is an UPDATE that says so.
        action=Action.CREATE if flag == ADDITION else Action.UPDATE,
        object_type=f"admin:{obj._meta.label_lower}",
        object_id=obj.pk,
        detail={"admin": _CHANGES[flag], "change": message},
    )


class AuditedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Every addition, change and deletion through this admin is an audit event."""

    def log_addition(self, request: HttpRequest, obj: Model, message: Any) -> Any:
        _admin_change(obj, ADDITION, message)
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: Model, message: Any) -> Any:
        _admin_change(obj, CHANGE, message)
        return super().log_change(request, obj, message)

    # Every deletion goes through log_deletions (log_deletion is deprecated in Django 5.1).
    def log_deletions(self, request: HttpRequest, queryset: QuerySet[Any]) -> Any:
        for obj in queryset:
            _admin_change(obj, DELETION, str(obj))
        return super().log_deletions(request, queryset)


def _on_login(sender: object, request: HttpRequest | None, user: User, **_: Any) -> None:
    if request is not None and request.path == ADMIN_LOGIN_PATH:
        from mesoclinic.accounts.services import login_record

        login_record(staff=user, step="admin_password")


def _on_login_failed(
    sender: object, credentials: dict[str, Any], request: HttpRequest | None = None, **_: Any
) -> None:
    if request is not None and request.path == ADMIN_LOGIN_PATH:
        from mesoclinic.accounts.services import login_failure_record

        locked = getattr(request, "axes_locked_out", False)
        login_failure_record(
            username=str(credentials.get("username", "")),
            step="admin_password",
            reason="locked_out" if locked else "wrong_credentials",
        )


def connect() -> None:
    user_logged_in.connect(_on_login, dispatch_uid="audit_admin_login")
    user_login_failed.connect(_on_login_failed, dispatch_uid="audit_admin_login_failed")
