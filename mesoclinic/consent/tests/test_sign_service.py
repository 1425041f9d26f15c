"""consent_record_sign: what is stored, and every refusal, named by field."""

from __future__ import annotations

import base64
import datetime as dt
import io
from pathlib import Path

import pytest
import time_machine
from PIL import Image, PngImagePlugin

from mesoclinic.accounts.models import User
from mesoclinic.audit.context import acting_as
from mesoclinic.audit.models import Action, AuditEvent, Outcome
from mesoclinic.consent.models import ConsentRecord, ConsentTemplate
from mesoclinic.consent.services import consent_record_sign
from mesoclinic.consent.tests.factories import drawn_signature, png_data_url, publish
from mesoclinic.core.errors import Forbidden, Invalid, NotFound
from mesoclinic.patients.models import Patient

SIGNED_AT = dt.datetime(2027, 3, 1, 9, 30, tzinfo=dt.UTC)


def attempt(user: User, patient: Patient, **fields: object) -> ConsentRecord:
    values: dict[str, object] = {
        "template_id": None,
        "signed_name": "Alice Anderson",
        "method": "typed",
        "signature": "",
        "confirmed": True,
    }
    values.update(fields)
    with acting_as(user, ip="198.51.100.7"):
        return consent_record_sign(actor=user, patient_id=patient.pk, **values)  # type: ignore[arg-type]


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


@time_machine.travel(SIGNED_AT, tick=False)
def test_it_records_a_typed_signature_with_time_ip_and_staff(
    practitioner_a: User, patient_a: Patient, face_template: ConsentTemplate
) -> None:
    record = attempt(
        practitioner_a, patient_a, template_id=face_template.pk, signed_name=" Alice  Anderson "
    )
    assert (record.signed_name, record.method, record.signature.name) == (
        "Alice Anderson",
        "typed",
        "",
    )
    assert (record.signed_at, record.ip, record.taken_by) == (
        SIGNED_AT,
        "198.51.100.7",
        practitioner_a,
    )
    assert record.template == face_template
    event = AuditEvent.objects.get(action=Action.SIGN)
    assert (event.patient_id, event.object_id, event.ip) == (
        patient_a.pk,
        str(record.pk),
        "198.51.100.7",
    )
    assert event.detail == {
        "template_id": face_template.pk,
        "treatment": "mesotherapy_face",
        "version": 1,
        "method": "typed",
    }


def test_it_stores_a_drawn_signature_re_encoded_under_a_private_path(
    practitioner_a: User, patient_a: Patient, face_template: ConsentTemplate, media_root: Path
) -> None:
    # A tEXt chunk and bytes after the image: neither may reach storage.
    image = Image.open(io.BytesIO(base64.b64decode(drawn_signature().split(",", 1)[1])))
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "<script>alert(1)</script>")
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=info)
    data = out.getvalue() + b"<html><script>alert(2)</script></html>"
    data_url = "data:image/png;base64," + base64.b64encode(data).decode()

    record = attempt(
        practitioner_a, patient_a, template_id=face_template.pk, method="drawn", signature=data_url
    )

    assert record.signature.name.startswith(f"consent/signatures/{patient_a.pk}/")
    assert record.signature.name.endswith(".png")
    stored = (media_root / record.signature.name).read_bytes()
    assert b"script" not in stored
    assert Image.open(io.BytesIO(stored)).mode == "L"


@pytest.mark.parametrize(
    ("signature", "message"),
    [
        ("", "Signature is empty"),
        (drawn_signature(ink=False), "Signature is blank (0 pixels drawn)"),
        ("data:image/jpeg;base64,AAAA", "Signature starts with 'data:image/jpeg;base64,AAAA'"),
        ("data:image/png;base64,@@@@", "Signature is not valid base64 data."),
        (
            "data:image/png;base64," + base64.b64encode(b"not a png").decode(),
            "Signature is not a readable PNG image.",
        ),
        (drawn_signature(60, 30), "Signature is 60x30 pixels"),
        ("data:image/png;base64," + "A" * 800_000, "Signature is larger than 512 KB."),
    ],
)
def test_it_refuses_a_drawn_signature_that_is_not_one(
    practitioner_a: User,
    patient_a: Patient,
    face_template: ConsentTemplate,
    media_root: Path,
    signature: str,
    message: str,
) -> None:
    with pytest.raises(Invalid) as refused:
        attempt(
            practitioner_a,
            patient_a,
            template_id=face_template.pk,
            method="drawn",
            signature=signature,
        )
    assert refused.value.errors["signature"][0].startswith(message)
    assert not ConsentRecord.objects.exists()
    assert stored_files(media_root) == []


def test_it_refuses_a_dot_and_a_filled_box(
    practitioner_a: User, patient_a: Patient, face_template: ConsentTemplate
) -> None:
    dot = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    dot.paste((0, 0, 0, 255), (100, 100, 112, 112))
    filled = Image.new("RGB", (600, 200), (0, 0, 0))
    for image, message in ((dot, "is too small"), (filled, "covers 100% of the box")):
        with pytest.raises(Invalid) as refused:
            attempt(
                practitioner_a,
                patient_a,
                template_id=face_template.pk,
                method="drawn",
                signature=png_data_url(image),
            )
        assert message in refused.value.errors["signature"][0]


def test_it_refuses_every_missing_part_at_once(
    practitioner_a: User, patient_a: Patient, face_template: ConsentTemplate
) -> None:
    with pytest.raises(Invalid) as refused:
        attempt(
            practitioner_a,
            patient_a,
            template_id=face_template.pk,
            signed_name="   ",
            confirmed=False,
            method="drawn",
            signature="",
        )
    assert set(refused.value.errors) == {"signed_name", "confirmed", "signature"}
    assert refused.value.errors["signed_name"] == [
        "Full name is blank: the patient types their full name."
    ]
    assert refused.value.errors["confirmed"][0].startswith("Confirmation is not ticked")


def test_it_refuses_an_unknown_method_and_template(
    practitioner_a: User, patient_a: Patient
) -> None:
    with pytest.raises(Invalid) as refused:
        attempt(practitioner_a, patient_a, template_id=999_999, method="inked")
    assert refused.value.errors["method"] == [
        "Signature method 'inked' is not one of: drawn, typed."
    ]
    assert refused.value.errors["template_id"] == [
        "Consent form '999999' does not exist; open the form again."
    ]


def test_it_refuses_a_version_that_is_no_longer_current(
    practitioner_a: User, patient_a: Patient, face_template: ConsentTemplate
) -> None:
    publish(practitioner_a, body="New wording, version two")
    with pytest.raises(Invalid) as refused:
        attempt(practitioner_a, patient_a, template_id=face_template.pk)
    assert refused.value.errors["template_id"][0].startswith(
        "Consent form version 1 of “Mesotherapy of the face” has been replaced by version 2"
    )
    assert not ConsentRecord.objects.exists()


def test_it_refuses_other_sites_and_roles_and_audits_it(
    practitioner_b: User,
    receptionist_a: User,
    manager_a: User,
    patient_a: Patient,
    face_template: ConsentTemplate,
) -> None:
    with pytest.raises(NotFound):
        attempt(practitioner_b, patient_a, template_id=face_template.pk)
    for user in (receptionist_a, manager_a):
        with pytest.raises(Forbidden):
            attempt(user, patient_a, template_id=face_template.pk)
    assert not ConsentRecord.objects.exists()
    assert (
        AuditEvent.objects.filter(outcome=Outcome.DENIED, object_type="consent_record").count() == 3
    )
