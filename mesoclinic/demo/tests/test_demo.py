"""``mesoclinic demo`` and ``mesoclinic demo_code``: a clinic to click through at once."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django.fixtures import Settings

from mesoclinic.accounts.models import Role, Site, User
from mesoclinic.audit.models import AuditEvent
from mesoclinic.consent.models import ConsentRecord
from mesoclinic.consultations.models import Consultation
from mesoclinic.core.tests.helpers import run_python
from mesoclinic.demo.marker import MARKER_NAME
from mesoclinic.enquiries.models import Enquiry
from mesoclinic.patients.models import Patient
from mesoclinic.photos.models import Photo
from mesoclinic.plans.models import StoredPlan

pytestmark = pytest.mark.django_db


def _demo(settings: Settings, tmp_path: Path, password: str | None = None) -> str:
    settings.DEBUG = True
    settings.DATA_DIR = tmp_path
    settings.MEDIA_ROOT = str(tmp_path / "media")
    out = io.StringIO()
    if password is not None:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("MESOCLINIC_DEMO_PASSWORD", password)
            call_command("demo", stdout=out)
    else:
        call_command("demo", stdout=out)
    return out.getvalue()


def test_it_creates_a_clinic_with_every_role_and_full_records(
    settings: Settings, tmp_path: Path
) -> None:
    output = _demo(settings, tmp_path, password="demo-password-for-tests")  # noqa: S106 - test value

    assert list(Site.objects.values_list("code", flat=True)) == ["leeds", "marylebone"]
    staff = User.objects.exclude(username="demo-manager")
    assert sorted({u.role for u in staff}) == sorted(Role.values)
    assert all(u.check_password("demo-password-for-tests") for u in staff)
    assert Patient.objects.count() == 52  # 50, and one converted from an enquiry per site
    statuses = set(Enquiry.objects.values_list("status", flat=True))
    assert statuses == {"new", "contacted", "converted", "closed"}
    assert Enquiry.objects.filter(answers__isnull=False).count() == 8
    assert Consultation.objects.count() == 40
    assert StoredPlan.objects.count() == 40
    verdicts = {plan.current["verdict"] for plan in StoredPlan.objects.all()}
    assert verdicts == {"suitable", "suitable_with_cautions", "consult_required", "not_suitable"}
    assert ConsentRecord.objects.count() > 20
    assert Photo.objects.count() > 10
    # Made through the services, acting as staff: the audit trail names them.
    assert AuditEvent.objects.filter(actor__username="mary.doctor").exists()

    assert "Password for every demo login below: demo-password-for-tests" in output
    for username in (
        "demo-manager",
        "mary.manager",
        "mary.doctor",
        "mary.reception",
        "leeds.nurse",
    ):
        assert f"  {username} " in output
    assert "mesoclinic demo_code USERNAME" in output
    manager = User.objects.get(username="demo-manager")
    assert (manager.is_superuser, manager.role, manager.sites.count()) == (True, "manager", 2)


def test_it_is_idempotent_and_prints_a_new_random_password(
    settings: Settings, tmp_path: Path
) -> None:
    _demo(settings, tmp_path)
    second = _demo(settings, tmp_path)

    assert Patient.objects.count() == 52  # 50, and one converted from an enquiry per site
    statuses = set(Enquiry.objects.values_list("status", flat=True))
    assert statuses == {"new", "contacted", "converted", "closed"}
    assert Enquiry.objects.filter(answers__isnull=False).count() == 8
    assert second.startswith("Updated the demo clinic.")
    password = second.split("Password for every demo login below:")[1].split()[0]
    assert len(password) >= 16
    assert User.objects.get(username="mary.doctor").check_password(password)


def test_it_refuses_to_run_in_production(settings: Settings) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match="development machine"):
        call_command("demo")
    assert not User.objects.exists()


def test_it_prints_the_current_code_of_a_demo_login(settings: Settings, tmp_path: Path) -> None:
    _demo(settings, tmp_path)
    out = io.StringIO()
    call_command("demo_code", "mary.doctor", stdout=out)

    device = TOTPDevice.objects.get(user__username="mary.doctor")
    expected = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    assert out.getvalue().strip() == f"{expected:06d}"


def test_it_marks_its_data_directory_as_the_demos(settings: Settings, tmp_path: Path) -> None:
    _demo(settings, tmp_path)

    assert "mesoclinic demo" in (tmp_path / MARKER_NAME).read_text(encoding="utf-8")


def test_it_reads_a_code_from_the_demos_data_without_debug(
    settings: Settings, tmp_path: Path
) -> None:
    _demo(settings, tmp_path)
    settings.DEBUG = False
    out = io.StringIO()
    call_command("demo_code", "mary.doctor", stdout=out)

    assert re.fullmatch(r"\d{6}\n", out.getvalue())


@pytest.mark.parametrize("debug", [False, True])
def test_it_never_reveals_a_code_outside_the_demos_data(
    settings: Settings, tmp_path: Path, debug: bool
) -> None:
    # A clinic's real data directory has no marker, whatever the settings say.
    settings.DEBUG = debug
    settings.DATA_DIR = tmp_path
    with pytest.raises(CommandError, match="not the demo's"):
        call_command("demo_code", "anyone")


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_readme_command_prints_a_code_in_a_second_terminal(tmp_path: Path) -> None:
    # As the README says: `./demo` in one terminal (development settings), then
    # `mesoclinic demo_code USERNAME` in another with no Mesoclinic variable set at all.
    made = run_python(
        "-c",
        "from mesoclinic.cli import main; main(['demo'])",
        MESOCLINIC_DEBUG="1",
        MESOCLINIC_DATA_DIR=str(tmp_path),
    )
    assert made.returncode == 0, made.stderr

    code = run_python(
        "-c",
        "from mesoclinic.cli import main; main(['demo_code', 'mary.doctor'])",
        MESOCLINIC_DATA_DIR=str(tmp_path),
    )
    assert code.returncode == 0, code.stderr
    assert re.fullmatch(r"\d{6}\n", code.stdout)


def test_the_command_keeps_production_settings_outside_the_demos_data(tmp_path: Path) -> None:
    result = run_python(
        "-c",
        "from mesoclinic.cli import main; main(['demo_code', 'mary.doctor'])",
        MESOCLINIC_DATA_DIR=str(tmp_path),
    )
    assert result.returncode != 0
    assert "MESOCLINIC_SECRET_KEY is not set" in result.stderr
