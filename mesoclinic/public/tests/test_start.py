"""The self-assessment form: POST-redirect-GET, nothing stored, bad input kept and named."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import signing
from django.test import Client

from mesoclinic.audit.models import AuditEvent
from mesoclinic.planning.model import NeedleFear
from mesoclinic.public.answers import SALT, Answers, answers_load, answers_sign
from mesoclinic.public.tests.helpers import post_start, visible_text

pytestmark = pytest.mark.django_db


def token_of(response: object) -> str:
    location: str = response["Location"]  # type: ignore[index]
    assert urlsplit(location).path == "/start/answer/"
    return parse_qs(urlsplit(location).query)["answers"][0]


def test_it_shows_the_form_and_says_nothing_typed_is_stored(client: Client) -> None:
    response = client.get("/start/")
    text = visible_text(response.content.decode())
    assert response.status_code == 200
    assert "Nothing you type here is stored" in text
    html = response.content.decode()
    assert 'type="checkbox" name="zones" value="periorbital_lateral"' in html
    assert 'type="checkbox" name="concerns" value="hair_loss"' in html
    assert 'type="checkbox" name="allergies" value="hyaluronic_acid"' in html
    assert 'type="radio" name="needle_fear" value="none" id="id_needle_fear_0" checked' in html
    assert 'type="radio" name="acne_tablet" value="never" id="id_acne_tablet_0" checked' in html


def test_it_redirects_a_valid_form_to_its_answer_and_stores_nothing(client: Client) -> None:
    events = AuditEvent.objects.count()
    response = post_start(
        client,
        age="41",
        concerns=["hair_loss", "fine_lines"],
        claims=["detox"],
        zones=["scalp", "periorbital_lateral"],
        blood_thinners="on",
        allergies=["amide_local_anaesthetics"],
        acne_tablet="6_to_12_months",
        needle_fear="mild",
    )
    assert response.status_code == 302
    assert answers_load(token_of(response)) == Answers(
        age=41,
        concerns=("hair_loss", "fine_lines", "detox"),
        zones=("scalp", "periorbital_lateral"),
        needle_fear=NeedleFear.MILD,
        blood_thinners=True,
        isotretinoin_weeks=39,
        allergies=("amide_local_anaesthetics",),
    )
    assert AuditEvent.objects.count() == events
    assert "sessionid" not in response.cookies


def test_it_keeps_every_typed_value_and_names_the_bad_one(client: Client) -> None:
    response = post_start(
        client,
        age="abc",
        concerns=["fine_lines"],
        zones=["cheeks", "scalp"],
        keloid_scars="on",
        needle_fear="severe",
        acne_tablet="now",
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "Your age: Enter a whole number. (you entered “abc”)" in visible_text(html)
    assert 'value="abc"' in html
    for kept in (
        'value="fine_lines" id="id_concerns_1" checked',
        'value="cheeks" id="id_zones_cheeks" checked',
        'value="scalp" id="id_zones_scalp" checked',
        'name="keloid_scars" id="id_keloid_scars" checked',
        'value="severe" id="id_needle_fear_2" checked',
        'value="now" id="id_acne_tablet_1" checked',
    ):
        assert kept in html.replace("required ", ""), kept
    assert 'value="cheeks" id="id_zones_cheeks" checked' in html


def test_it_asks_for_a_concern_and_an_area_from_an_adult(client: Client) -> None:
    text = visible_text(post_start(client, age="30").content.decode())
    assert "What would you like help with?: tick at least one." in text
    assert "Which areas?: tick at least one area." in text


def test_it_refuses_an_age_out_of_range_with_the_value(client: Client) -> None:
    text = visible_text(post_start(client, age="430", concerns=["fine_lines"]).content.decode())
    assert "Your age: Ensure this value is less than or equal to 120. (you entered “430”)" in text


def test_it_answers_an_under_18_without_asking_the_rest(client: Client) -> None:
    response = post_start(client, age="16")
    assert response.status_code == 302
    assert answers_load(token_of(response)).age == 16


def test_it_fills_the_form_from_a_token_to_change_the_answers(client: Client) -> None:
    token = answers_sign(Answers(age=52, concerns=("laxity", "detox"), zones=("neck",)))
    html = client.get("/start/", {"answers": token}).content.decode()
    assert 'value="52"' in html
    assert 'value="neck" id="id_zones_neck" checked' in html
    assert 'value="detox" id="id_claims_0" checked' in html


def test_it_shows_an_empty_form_for_a_bad_token(client: Client) -> None:
    response = client.get("/start/", {"answers": "nonsense"})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "token",
    [
        "",
        "nonsense",
        answers_sign(Answers(age=40, concerns=("fine_lines",), zones=("cheeks",)))[:-3] + "abc",
        signing.dumps({"age": 40}, salt=SALT),
        signing.dumps({"age": 40}, salt="another salt"),
    ],
)
def test_it_answers_a_kind_400_for_a_tampered_or_malformed_token(
    client: Client, token: str
) -> None:
    response = client.get("/start/answer/", {"answers": token})
    assert response.status_code == 400
    assert 'href="/start/"' in response.content.decode()


def test_it_answers_400_for_an_expired_token(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = answers_sign(Answers(age=40, concerns=("fine_lines",), zones=("cheeks",)))
    # Two days on, by the signer's clock (the token lives a day).
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 2 * 24 * 3600)
    assert client.get("/start/answer/", {"answers": token}).status_code == 400
