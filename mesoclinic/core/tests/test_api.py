from __future__ import annotations

import re

from django.test import Client

from mesoclinic.accounts.models import User
from mesoclinic.conftest import verified_client


def test_it_serves_the_openapi_schema(receptionist_a: User) -> None:
    response = verified_client(receptionist_a).get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"] == {"title": "Mesoclinic API", "version": "1", "description": ""}
    assert schema["openapi"].startswith("3.")


def test_it_serves_the_docs_from_its_own_static_files(receptionist_a: User) -> None:
    response = verified_client(receptionist_a).get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    # Health-data pages load nothing from third parties: no CDN.
    assert re.search(r"(src|href)=\"(https?:)?//", html) is None


def test_it_redirects_the_admin_to_its_login(client: Client) -> None:
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/"
