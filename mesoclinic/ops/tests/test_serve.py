"""``mesoclinic serve`` as a real gunicorn process on a fresh installation."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from mesoclinic.core.tests.helpers import REPO_ROOT, clean_env
from mesoclinic.ops.tests.installation import MESOCLINIC, Installation, free_port, installation


@dataclass
class Served:
    base: str
    process: subprocess.Popen[str]
    log: Path

    def get(self, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
        request = urllib.request.Request(self.base + path, headers=headers)  # noqa: S310 - ours
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - ours
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def stop(self) -> list[dict[str, object]]:
        """Stop the server and return its log lines, each parsed as JSON."""
        self.process.terminate()
        self.process.wait(timeout=30)
        return [json.loads(line) for line in self.log.read_text().splitlines()]


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    """A migrated SQLite installation served on a free port; always stopped afterwards."""
    with installation(tmp_path, postgres=False) as site:
        site.run("migrate", "--noinput")
        yield from _serve(site, tmp_path / "serve.log")


def _serve(site: Installation, log: Path) -> Iterator[Served]:
    port = free_port()
    with log.open("w") as stderr:
        process = subprocess.Popen(
            [MESOCLINIC, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
            cwd=REPO_ROOT,
            env=site.env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            text=True,
        )
    served = Served(base=f"http://127.0.0.1:{port}", process=process, log=log)
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, log.read_text()
            try:
                if served.get("/health")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "serve did not answer /health in 30 s"
            time.sleep(0.1)
        yield served
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


@pytest.mark.slow
def test_it_serves_pages_probes_and_static_files_on_a_fresh_installation(
    served: Served,
) -> None:
    status, _, body = served.get("/ready")
    assert status == 200
    assert json.loads(body)["status"] == "ok"
    # No collectstatic was run: WhiteNoise serves the apps' files.
    status, headers, css = served.get("/static/core/app.css")
    assert status == 200
    assert headers["Content-Type"].startswith("text/css")
    assert css
    status, _, page = served.get("/accounts/login/")
    assert status == 200
    assert b"app.css" in page


@pytest.mark.slow
def test_it_logs_one_json_object_per_line_with_the_request_id_and_no_query_string(
    served: Served,
) -> None:
    status, headers, _ = served.get(
        "/patients/?q=Quintrell-Ashdown", **{"X-Request-ID": "lb-7f3a9c21"}
    )
    assert status == 200  # the sign-in page, after a redirect that carried the search along
    assert headers["X-Request-ID"] == "lb-7f3a9c21"
    _, headers, _ = served.get("/health", **{"X-Request-ID": "bad id with spaces"})
    made = headers["X-Request-ID"]
    assert made != "bad id with spaces"
    assert len(made) == 32

    lines = served.stop()  # every line parsed as JSON, or this fails
    assert "Quintrell" not in served.log.read_text()
    access = [line for line in lines if line["logger"] == "mesoclinic.access"]
    patients = next(line for line in access if line["path"] == "/patients/")
    assert patients["request_id"] == "lb-7f3a9c21"
    assert patients["status"] == 302
    assert patients["method"] == "GET"
    assert any(line["request_id"] == made for line in access)
    # gunicorn's own lines go through the same formatter.
    assert any(line["logger"] == "gunicorn.error" for line in lines)


def test_it_refuses_to_start_in_production_without_a_secret_key(tmp_path: Path) -> None:
    result = subprocess.run(
        [MESOCLINIC, "serve", "--bind", f"127.0.0.1:{free_port()}"],
        cwd=REPO_ROOT,
        env=clean_env(MESOCLINIC_DATA_DIR=str(tmp_path)),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "MESOCLINIC_SECRET_KEY is not set" in result.stderr


def test_it_takes_workers_threads_and_timeout_from_the_environment(tmp_path: Path) -> None:
    script = (
        "import django, json; django.setup();"
        "from mesoclinic.ops.management.commands.serve import gunicorn_options as o;"
        "print(json.dumps({k: v for k, v in o().items() if k != 'logconfig_dict'}))"
    )
    from mesoclinic.core.tests.helpers import run_python

    result = run_python(
        "-c",
        script,
        MESOCLINIC_DEBUG="1",
        MESOCLINIC_DATA_DIR=str(tmp_path),
        MESOCLINIC_BIND="0.0.0.0:9000",
        MESOCLINIC_WEB_WORKERS="3",
        MESOCLINIC_WEB_THREADS="4",
        MESOCLINIC_WEB_TIMEOUT="45",
    )
    options = json.loads(result.stdout)
    assert options["bind"] == ["0.0.0.0:9000"]
    assert options["workers"] == 3
    assert options["threads"] == 4
    assert options["worker_class"] == "gthread"
    assert options["timeout"] == 45
    refused = run_python(
        "-c",
        script,
        MESOCLINIC_DEBUG="1",
        MESOCLINIC_DATA_DIR=str(tmp_path),
        MESOCLINIC_WEB_WORKERS="0",
    )
    assert refused.returncode != 0
    assert "MESOCLINIC_WEB_WORKERS='0' is below the minimum of 1" in refused.stderr
