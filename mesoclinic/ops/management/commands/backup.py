"""``mesoclinic backup DEST``: a consistent backup of the database and files, while the app runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from mesoclinic.ops.backup import BackupError, backup_create, new_key


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite online backup or pg_dump) and the media files into one "
        "archive with a manifest of SHA-256 checksums; encrypted when MESOCLINIC_BACKUP_KEY is "
        "set. DEST is a file, or a directory to put a dated file in."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("destination", nargs="?", type=Path)
        parser.add_argument(
            "--new-key", action="store_true", help="print a new key for MESOCLINIC_BACKUP_KEY"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["new_key"]:
            self.stdout.write(new_key())
            return
        if options["destination"] is None:
            raise CommandError("give the backup's destination: a file or a directory")
        try:
            written = backup_create(destination=options["destination"], key=settings.BACKUP_KEY)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Backed up to {written.path}: the database and {written.files} files, "
            f"{written.size:,} bytes{', encrypted' if written.encrypted else ''}."
        )
