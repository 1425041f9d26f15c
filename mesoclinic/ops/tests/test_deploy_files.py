"""The deployment files of docs/deploy.md pass their tools' own checks.

``systemd-analyze verify`` checks the units (with ExecStart pointing at this checkout's
``mesoclinic``, since the guide's /opt path does not exist here) and ``nginx -t`` checks the
proxy configuration inside a minimal nginx.conf with a throwaway certificate. Where a tool is
not installed the test is skipped, except in CI (``CI=true``), which installs both.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from mesoclinic.core.tests.helpers import REPO_ROOT

DEPLOY = REPO_ROOT / "deploy"
GUIDE_BINARY = "/opt/mesoclinic/venv/bin/mesoclinic"
UNITS = ("mesoclinic.service", "mesoclinic-backup.service", "mesoclinic-backup.timer")


def _tool(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{name} is not installed; .ci/run installs it")
        pytest.skip(f"{name} is not installed")
    return found


def test_the_guide_names_the_files_that_exist() -> None:
    guide = (REPO_ROOT / "docs" / "deploy.md").read_text()
    for unit in UNITS:
        assert f"deploy/systemd/{unit}" in guide
    assert "deploy/nginx/mesoclinic.conf" in guide
    for unit in UNITS:
        assert GUIDE_BINARY in (DEPLOY / "systemd" / unit).read_text() or unit.endswith(".timer")


def test_the_systemd_units_verify(tmp_path: Path) -> None:
    analyze = _tool("systemd-analyze")
    here = str(Path(sys.executable).with_name("mesoclinic"))
    for unit in UNITS:
        text = (DEPLOY / "systemd" / unit).read_text().replace(GUIDE_BINARY, here)
        (tmp_path / unit).write_text(text)
    result = subprocess.run(
        [analyze, "verify", *(str(tmp_path / unit) for unit in UNITS)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    # Unknown keys and bad values are only warnings to systemd: refuse them here.
    problems = [line for line in result.stderr.splitlines() if str(tmp_path) in line]
    assert problems == []


def _certificate(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "clinic.example.org")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "fullchain.pem", directory / "privkey.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def test_the_nginx_configuration_passes_nginx_t(tmp_path: Path) -> None:
    nginx = _tool("nginx")
    cert, key = _certificate(tmp_path)
    site = (
        (DEPLOY / "nginx" / "mesoclinic.conf")
        .read_text()
        .replace("/etc/letsencrypt/live/clinic.example.org/fullchain.pem", str(cert))
        .replace("/etc/letsencrypt/live/clinic.example.org/privkey.pem", str(key))
        .replace("/var/log/nginx/", f"{tmp_path}/")
    )
    (tmp_path / "mesoclinic.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n  access_log off;\n  include {tmp_path}/mesoclinic.conf;\n}}\n"
    )
    result = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr


def test_the_guide_asks_the_application_itself_with_the_clinic_host_name() -> None:
    # The application answers 400 to a host not in MESOCLINIC_ALLOWED_HOSTS, 127.0.0.1 included.
    guide = (REPO_ROOT / "docs" / "deploy.md").read_text()
    asks = [
        line for line in guide.splitlines() if line.startswith("curl") and "127.0.0.1:8000" in line
    ]
    assert asks
    for line in asks:
        assert "-H 'Host: clinic.example.org'" in line, line


def test_nginx_passes_the_probes_over_plain_http() -> None:
    # The port 80 server redirects to HTTPS, except /health and /ready (the guide's promise).
    site = (DEPLOY / "nginx" / "mesoclinic.conf").read_text()
    plain = site.split("listen 443")[0]
    for probe in ("/health", "/ready"):
        block = plain.split(f"location = {probe} {{")[1].split("}")[0]
        assert "proxy_pass http://mesoclinic;" in block
        assert "proxy_set_header Host $server_name;" in block
        # Overwritten: a client's own X-Forwarded-Proto: https must never reach the application.
        assert "proxy_set_header X-Forwarded-Proto http;" in block


def test_the_guide_restarts_after_an_upgrade() -> None:
    # HUP forks new workers from the main process, which keeps the settings and models it loaded.
    guide = (REPO_ROOT / "docs" / "deploy.md").read_text()
    upgrades = guide.split("## 9. Upgrades")[1].split("## 10.")[0]
    assert "systemctl restart mesoclinic" in upgrades
    assert "systemctl reload mesoclinic" not in upgrades
