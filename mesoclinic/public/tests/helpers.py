"""What the public pages' tests share: posting the self-assessment, reading a page's text."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

from django.test import Client

from mesoclinic.public.answers import Answers, answers_sign

FORM_DEFAULTS = {"acne_tablet": "never", "needle_fear": "none"}


def post_start(client: Client, **fields: Any) -> Any:
    return client.post("/start/", {**FORM_DEFAULTS, **fields})


def answer_page(client: Client, answers: Answers) -> Any:
    return client.get("/start/answer/", {"answers": answers_sign(answers)})


def visible_text(html: str) -> str:
    """The text a reader sees (and a screen reader reads): tags, attributes and scripts
    removed, entities decoded. The token in a link's address is not text, and base64 can
    spell anything."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.DOTALL)
    text = re.sub(r"<[^>]+>", " ", html)
    return re.sub(r"\s+", " ", unescape(text))
