"""Typed readers for environment variables that fail loudly.

Every helper takes the variable's name, returns a typed value and raises ``ImproperlyConfigured``
naming the variable and the bad value when the value cannot mean what the caller expects: a typo
in a deployment must stop the process, not quietly fall back to a default.

An empty value counts as unset, so the blanks of ``.env.example`` mean "use the default".
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


def _raw(name: str) -> str | None:
    """The variable's value, or None when it is unset or empty."""
    value = os.environ.get(name, "")
    return value if value.strip() else None


def env_str(name: str, default: str = "") -> str:
    """The value without surrounding whitespace, or ``default``."""
    value = _raw(name)
    return default if value is None else value.strip()


def data_dir(base: Path) -> Path:
    """``MESOCLINIC_DATA_DIR`` (default ``data``), relative paths taken from ``base``.

    Read by the settings and, before Django is set up, by the ``mesoclinic`` command.
    """
    return base / Path(env_str("MESOCLINIC_DATA_DIR", "data")).expanduser()


def env_bool(name: str, default: bool) -> bool:
    """1/0, true/false, yes/no, on/off in any case; anything else raises."""
    value = _raw(name)
    if value is None:
        return default
    word = value.strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is not a boolean: use 1/0, true/false, yes/no or on/off"
    )


def env_int(name: str, default: int, *, min: int | None = None, max: int | None = None) -> int:
    """A decimal integer within [min, max] (each bound optional, both inclusive).

    The default is returned as given, unchecked: bounds guard what an operator writes.
    """
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value.strip(), 10)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not an integer") from None
    if min is not None and number < min:
        raise ImproperlyConfigured(f"{name}={value!r} is below the minimum of {min}")
    if max is not None and number > max:
        raise ImproperlyConfigured(f"{name}={value!r} is above the maximum of {max}")
    return number


def env_list(name: str, default: Iterable[str] = ()) -> list[str]:
    """Comma-separated items, each stripped; empty items are dropped."""
    value = _raw(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: Iterable[str]) -> str:
    """One of ``choices`` (compared case-sensitively after stripping); anything else raises."""
    allowed = tuple(choices)
    value = _raw(name)
    if value is None:
        return default
    if value.strip() not in allowed:
        raise ImproperlyConfigured(f"{name}={value!r} is not one of: {', '.join(allowed)}")
    return value.strip()


def env_secret(name: str) -> str | None:
    """A secret from ``<name>`` or from the file named by ``<name>_FILE`` (stripped), or None.

    The ``_FILE`` form keeps secrets out of the process environment (Docker and systemd
    credentials). Setting both forms, naming a missing file or an empty file raises.
    """
    file_var = f"{name}_FILE"
    value, path = _raw(name), _raw(file_var)
    if value is not None and path is not None:
        raise ImproperlyConfigured(f"{name} and {file_var} are both set: set only one")
    if path is None:
        return value
    try:
        secret = Path(path).read_text(encoding="utf-8").strip()
    except OSError as error:
        raise ImproperlyConfigured(
            f"{file_var}={path!r} cannot be read: {error.strerror}"
        ) from None
    if not secret:
        raise ImproperlyConfigured(f"{file_var}={path!r} names an empty file")
    return secret


def env_proxy_ssl_header(name: str) -> tuple[str, str] | None:
    """A ``Header-Name: value`` pair for ``SECURE_PROXY_SSL_HEADER``, or None when unset.

    ``X-Forwarded-Proto: https`` becomes ``("HTTP_X_FORWARDED_PROTO", "https")``, the WSGI key
    Django compares. Set it only behind a proxy that always overwrites that header.
    """
    value = _raw(name)
    if value is None:
        return None
    header, colon, expected = (part.strip() for part in value.partition(":"))
    if not colon or not header or not expected or " " in header:
        raise ImproperlyConfigured(
            f"{name}={value!r} is not a header and value: write e.g. 'X-Forwarded-Proto: https'"
        )
    return "HTTP_" + header.upper().replace("-", "_"), expected
