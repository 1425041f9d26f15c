"""Assertions shared by the page tests of consent and photos."""

from __future__ import annotations

import re
from typing import Protocol

from django.test import Client

from mesoclinic.consent.tests.factories import XSS_CORPUS, XSS_ESCAPED


class Response(Protocol):
    """What the tests read of a test client's response."""

    status_code: int
    content: bytes

    def __getitem__(self, header: str) -> str: ...


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<[^>]+\sstyle\s*=", re.IGNORECASE)


def html(response: Response) -> str:
    return response.content.decode()


def assert_login_redirect(response: Response) -> None:
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def assert_csp_clean(page: str) -> None:
    """Nothing the Content Security Policy would block: no inline script, handler or style."""
    assert INLINE_SCRIPT.search(page) is None
    assert INLINE_HANDLER.search(page) is None
    assert INLINE_STYLE.search(page) is None


def assert_escaped(page: str) -> None:
    """The XSS corpus, stored in a text field, is shown as text."""
    assert XSS_CORPUS[0] not in page
    assert XSS_CORPUS[1] not in page
    assert 'href="javascript:' not in page
    for escaped in XSS_ESCAPED:
        assert escaped in page


def assert_anonymous_redirected(url: str, *, method: str = "get") -> None:
    response = getattr(Client(), method)(url)
    assert_login_redirect(response)
