"""``mesoclinic demo``: a ready-to-try clinic on a development machine."""

from __future__ import annotations

import os
import secrets
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from mesoclinic.demo.clinic import demo_clinic_seed
from mesoclinic.demo.marker import demo_data_mark
from mesoclinic.demo.services import DEMO_MANAGER_USERNAME, demo_manager_upsert


class Command(BaseCommand):
    help = (
        "Migrate the database, create the demo clinic (two sites, staff of every role, 50 "
        "patients with consultations, plans, consents and photos, and a diary of appointments) "
        "once, and print where and how to sign in. The password is MESOCLINIC_DEMO_PASSWORD, "
        "or a new random one."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000, help="the port the server will use")

    def handle(self, *args: Any, **options: Any) -> None:
        # Staff with printed passwords have no place on a production server.
        if not settings.DEBUG:
            raise CommandError("demo is for a development machine: set MESOCLINIC_DEBUG=1")

        call_command("migrate", interactive=False, verbosity=0)
        password = os.environ.get("MESOCLINIC_DEMO_PASSWORD") or secrets.token_urlsafe(12)
        staff = demo_clinic_seed(password=password)
        _, created = demo_manager_upsert(password=password)
        demo_data_mark(settings.DATA_DIR)

        base = f"http://127.0.0.1:{options['port']}"
        verb = "Created" if created else "Updated"
        lines = [
            f"{verb} the demo clinic.",
            "",
            f"  Mesoclinic:  {base}/",
            f"  Sign in:     {base}/accounts/login/",
            f"  API docs:    {base}/api/v1/docs",
            f"  Admin:       {base}/admin/  (as {DEMO_MANAGER_USERNAME})",
            "",
            f"  Password for every demo login below: {password}",
            "",
            f"  {'Username':<18} {'Role':<16} Site",
            f"  {DEMO_MANAGER_USERNAME:<18} {'Clinic manager':<16} all sites (superuser)",
            *(f"  {s.username:<18} {s.role:<16} {s.site} {s.note}".rstrip() for s in staff),
            "",
            "  Second factor: after the password, type the code that",
            "      .venv/bin/mesoclinic demo_code USERNAME",
            "  prints (demo only; real staff scan a QR code with an authenticator app).",
            "",
        ]
        self.stdout.write("\n".join(lines))
