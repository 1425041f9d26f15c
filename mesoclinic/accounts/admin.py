from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.http import HttpRequest

from mesoclinic.accounts.admin_audit import AuditedAdmin
from mesoclinic.accounts.models import ApiToken, Site, User

# Groups carry permissions, that is roles in the admin: their changes are audited too.
admin.site.unregister(Group)


@admin.register(Group)
class AuditedGroupAdmin(AuditedAdmin, GroupAdmin):
    pass


@admin.register(User)
class StaffAdmin(AuditedAdmin, UserAdmin):  # type: ignore[type-arg]
    fieldsets = (
        *UserAdmin.fieldsets,  # type: ignore[misc]
        ("Clinic", {"fields": ("role", "is_prescriber", "registration_number", "sites")}),
    )
    list_display = ("username", "first_name", "last_name", "role", "is_prescriber", "is_active")
    list_filter = ("role", "is_active", "sites")


@admin.register(Site)
class SiteAdmin(AuditedAdmin):
    list_display = ("name", "code", "time_zone")


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdmin):
    """Read-only: tokens are made and revoked on the tokens page, where they are audited."""

    list_display = ("name", "prefix", "user", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "prefix", "user__username")
    readonly_fields = ("user", "name", "prefix", "created_at", "last_used_at", "revoked_at")
    exclude = ("secret_hash",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
