"""``mesoclinic demo_code USERNAME``: the current second-factor code of a demo login."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from mesoclinic.demo.marker import is_demo_data


class Command(BaseCommand):
    help = "Print the current TOTP code of a demo login's device (the demo clinic's data only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        # Reading a second factor off the server defeats it: only for the demo's made-up staff.
        if not is_demo_data(settings.DATA_DIR):
            raise CommandError(
                f"demo_code reads codes only from the demo clinic's data, and {settings.DATA_DIR} "
                "is not the demo's (`mesoclinic demo` makes it, on a development machine)"
            )
        device = (
            TOTPDevice.objects.filter(user__username=options["username"])
            .order_by("-confirmed", "-id")
            .first()
        )
        if device is None:
            raise CommandError(
                f"{options['username']!r} has no authenticator yet: sign in once to set one up"
            )
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{totp.token():0{device.digits}d}")
