"""``mesoclinic demo``: a ready-to-try instance on a development machine."""

from __future__ import annotations

import os
import secrets
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from mesoclinic.core.services import DEMO_MANAGER_USERNAME, demo_manager_upsert


class Command(BaseCommand):
    help = (
        "Migrate the database and create the demo-manager superuser, then print where to sign "
        "in. The password is MESOCLINIC_DEMO_PASSWORD, or a new random one printed each run."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000, help="the port runserver will use")

    def handle(self, *args: Any, **options: Any) -> None:
        # A superuser with a printed password has no place on a production server.
        if not settings.DEBUG:
            raise CommandError("demo is for a development machine: set MESOCLINIC_DEBUG=1")

        call_command("migrate", interactive=False, verbosity=0)
        password = os.environ.get("MESOCLINIC_DEMO_PASSWORD") or secrets.token_urlsafe(12)
        _, created = demo_manager_upsert(password=password)

        base = f"http://127.0.0.1:{options['port']}"
        verb = "Created" if created else "Updated"
        self.stdout.write(
            "\n".join(
                [
                    f"{verb} the demo staff superuser.",
                    "",
                    f"  Mesoclinic:  {base}/",
                    f"  API docs:    {base}/api/v1/docs",
                    f"  Admin:       {base}/admin/",
                    "",
                    f"  Username:    {DEMO_MANAGER_USERNAME}",
                    f"  Password:    {password}",
                    "",
                    f"  Sign in:     {base}/accounts/login/",
                    f"  2nd factor:  the first sign-in leads to {base}/accounts/mfa/;",
                    "               scan its QR code with an authenticator app, type the code.",
                    "",
                ]
            )
        )
