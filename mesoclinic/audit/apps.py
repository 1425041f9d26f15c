from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


def _install_triggers(*, using: str, **_: Any) -> None:
    from mesoclinic.audit import triggers

    connection = connections[using]
    # A migrate to a point before the audit table exists (``migrate audit zero``) has no
    # table to guard.
    if "audit_auditevent" in connection.introspection.table_names():
        triggers.install(connection)


class AuditConfig(AppConfig):
    name = "mesoclinic.audit"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # After every migrate and flush, whatever migration last rebuilt the table.
        post_migrate.connect(_install_triggers, sender=self, dispatch_uid="audit_triggers")
