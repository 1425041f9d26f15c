"""Error reports: off without a DSN; every event scrubbed of patient data before it leaves."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mesoclinic.core.tests.helpers import run_python
from mesoclinic.ops.logs import request_id
from mesoclinic.ops.sentry import scrub

PATIENT = ("Quintrell", "alice@example.org", "+44 7700 900123", "1984-03-14")


def _event() -> dict[str, Any]:
    """An event shaped as sentry-sdk's Django integration builds it for a failed request."""
    return {
        "event_id": "9f2b",
        "level": "error",
        "platform": "python",
        "environment": "production",
        "logger": "django.request",
        "logentry": {"message": "Internal Server Error: %s", "params": ["/patients/"]},
        "exception": {
            "values": [
                {
                    "type": "IntegrityError",
                    "module": "django.db.utils",
                    "value": "Key (email)=(alice@example.org) already exists.",
                    "mechanism": {"type": "django", "handled": False},
                    "stacktrace": {
                        "frames": [
                            {
                                "filename": "mesoclinic/patients/services.py",
                                "function": "patient_create",
                                "lineno": 88,
                                "context_line": "    family_name='Quintrell',",
                                "pre_context": ["# +44 7700 900123"],
                                "vars": {"details": "Quintrell 1984-03-14"},
                                "in_app": True,
                            }
                        ]
                    },
                }
            ]
        },
        "request": {
            "method": "POST",
            "url": "https://clinic.example.org/patients/new/?q=Quintrell",
            "query_string": "q=Quintrell",
            "data": {"family_name": "Quintrell", "phone": "+44 7700 900123"},
            "cookies": {"sessionid": "abc"},
            "headers": {"User-Agent": "Safari", "Referer": "/patients/?q=Quintrell"},
            "env": {"REMOTE_ADDR": "192.0.2.7"},
        },
        "user": {"id": "7", "email": "alice@example.org", "ip_address": "192.0.2.7"},
        "breadcrumbs": {"values": [{"message": "SELECT ... 'Quintrell'"}]},
        "extra": {"sys.argv": ["Quintrell"]},
        "contexts": {"trace": {"data": "Quintrell"}},
    }


def test_it_drops_everything_that_could_describe_a_patient() -> None:
    token = request_id.set("req-5a7c9e1b")
    try:
        event = scrub(_event(), {})
    finally:
        request_id.reset(token)
    text = json.dumps(event)
    for detail in (*PATIENT, "192.0.2.7", "sessionid", "Referer"):
        assert detail not in text
    (exception,) = event["exception"]["values"]
    assert exception["type"] == "IntegrityError"
    (frame,) = exception["stacktrace"]["frames"]
    assert frame == {
        "filename": "mesoclinic/patients/services.py",
        "function": "patient_create",
        "lineno": 88,
        "in_app": True,
    }
    assert event["request"] == {
        "method": "POST",
        "url": "https://clinic.example.org/patients/new/",
        "headers": {"User-Agent": "Safari"},
    }
    assert event["tags"] == {"request_id": "req-5a7c9e1b"}
    assert event["level"] == "error"


def test_it_is_off_without_a_dsn_and_on_with_one_without_sending_personal_data(
    tmp_path: Path,
) -> None:
    script = (
        "import django; django.setup(); import sentry_sdk;"
        "client = sentry_sdk.get_client();"
        "print(client.is_active(), client.options.get('send_default_pii'),"
        " client.options.get('include_local_variables'),"
        " getattr(client.options.get('before_send'), '__name__', None))"
    )
    off = run_python("-c", script, MESOCLINIC_DEBUG="1", MESOCLINIC_DATA_DIR=str(tmp_path))
    assert off.stdout.split()[0] == "False"
    # A DSN for a host that does not exist: nothing is sent by starting up.
    on = run_python(
        "-c",
        script,
        MESOCLINIC_DEBUG="1",
        MESOCLINIC_DATA_DIR=str(tmp_path),
        MESOCLINIC_SENTRY_DSN="https://public@sentry.invalid/1",
    )
    assert on.stdout.split() == ["True", "False", "False", "scrub"], on.stderr
