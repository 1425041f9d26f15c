from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from mesoclinic.accounts.models import Site, User


@admin.register(User)
class StaffAdmin(UserAdmin):  # type: ignore[type-arg]
    fieldsets = (
        *UserAdmin.fieldsets,  # type: ignore[misc]
        ("Clinic", {"fields": ("role", "is_prescriber", "registration_number", "sites")}),
    )
    list_display = ("username", "first_name", "last_name", "role", "is_prescriber", "is_active")
    list_filter = ("role", "is_active", "sites")


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "code", "time_zone")
