"""``/ready``: whether this process can serve the clinic now, for a load balancer."""

from __future__ import annotations

import logging
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)

# Once every migration is applied it stays so for this process's code: a deployment that
# brings new migrations also starts new processes. Only a positive answer is remembered.
_migrated = False


@never_cache
@require_GET
def ready(request: HttpRequest) -> JsonResponse:
    """200 when the database answers, every migration is applied and storage takes a file.

    The body names each check and its outcome (``ok``, ``unavailable``, ``pending``), nothing
    else; 503 when any check fails, so the balancer sends no traffic to this process.
    """
    checks = {"database": _database(), "migrations": "unavailable", "storage": _storage()}
    if checks["database"] == "ok":
        checks["migrations"] = _migrations()
    healthy = all(outcome == "ok" for outcome in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("ready: the database did not answer")
        return "unavailable"
    return "ok"


def _migrations() -> str:
    global _migrated
    if _migrated:
        return "ok"
    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError:
        logger.exception("ready: the migration table could not be read")
        return "unavailable"
    if plan:
        logger.warning("ready: %d migrations are not applied", len(plan))
        return "pending"
    _migrated = True
    return "ok"


def _storage() -> str:
    """Write, read back and delete a small file through the storage that holds photos."""
    name = f".ready/{uuid.uuid4().hex}"
    try:
        saved = default_storage.save(name, ContentFile(b"ready"))
        try:
            with default_storage.open(saved) as stored:
                if stored.read() != b"ready":
                    return "unavailable"
        finally:
            default_storage.delete(saved)
    except OSError:
        logger.exception("ready: storage refused a file")
        return "unavailable"
    return "ok"
