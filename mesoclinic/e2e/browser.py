"""Browser-test fixtures and helpers, made project-wide by ``mesoclinic/conftest.py``.

Debian's Chromium, driven by Playwright, against the live test server.

Playwright's own browser download is never used: the browser is the system's ``chromium``
(``apt-get install chromium``). Without it these tests are skipped with the reason, except in
CI (``CI=true``), where a missing browser fails the run.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings

CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # The machine has no route to the internet; background connections only add noise.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TABLET = {"width": 1024, "height": 768}


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Chromium for one test module: Playwright's sync API allows one instance at a time."""
    path = chromium_path()
    if path is None:
        message = "Chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test code around it still
    # uses the ORM synchronously, which Django allows only with this flag. It is unset again
    # afterwards: later tests start subprocesses (the deploy check) that must not inherit it.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            instance = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
            yield instance
            instance.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh tablet-sized, touch-capable page (practitioners chart on iPads)."""
    context = browser.new_context(viewport=TABLET, has_touch=True, locale="en-GB")
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    context.close()


def serious_accessibility_violations(page: Any) -> list[str]:
    """axe-core's serious and critical violations on the current page, one line each."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + ", ".join(str(n.get("target")) for n in v.get("nodes", [])[:5])
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]


def session_cookie(url: str, session_key: str) -> Any:  # Playwright's SetCookieParam
    """The staff session cookie for the browser at ``url`` (the live server's).

    Spelled out field by field: a ``__Host-`` cookie (production's name) must be Secure, for
    path ``/``, with no Domain attribute, and Chromium accepts it from http://localhost only so.
    """
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": session_key,
        "domain": urlsplit(url).hostname,
        "path": "/",
        "secure": True,
        "httpOnly": True,
    }
