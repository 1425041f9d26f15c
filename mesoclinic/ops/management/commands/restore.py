"""``mesoclinic restore SRC``: a backup back into an empty installation, checksums verified."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from mesoclinic.ops.backup import BackupError
from mesoclinic.ops.restore import backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `mesoclinic backup` into this installation (stop the app "
        "first). Every file is checked against the manifest before anything is replaced. An "
        "installation that is not empty is refused unless --force is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", type=Path)
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace a non-empty installation (the SQLite file and media kept aside)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            restored = backup_restore(
                source=options["source"], key=settings.BACKUP_KEY, force=options["force"]
            )
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Restored the backup of {restored.created_at}: the database and "
            f"{restored.files} files, every checksum verified."
        )
        for path in restored.replaced:
            self.stdout.write(f"Kept what it replaced at {path}; delete it when satisfied.")
        self.stdout.write("Next: `mesoclinic migrate` (a backup of an older release is upgraded).")
