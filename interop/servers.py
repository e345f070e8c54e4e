"""The real doccano and Label Studio, in cached virtualenvs, on 127.0.0.1 only.

Each tool is installed once per version under ``~/.cache/annotator-interop/<tool>-<version>``
(``ANNOTATOR_INTEROP_CACHE`` overrides the folder) and started from a throw-away data folder.
Only the processes started here are stopped (by their process group).
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

DOCCANO_VERSION = "1.8.4"
LABEL_STUDIO_VERSION = "1.23.2"
DOCCANO_REQUIREMENTS = [f"doccano=={DOCCANO_VERSION}", "numpy<2", "marshmallow<4"]
LABEL_STUDIO_REQUIREMENTS = [f"label-studio=={LABEL_STUDIO_VERSION}"]
ADMIN, PASSWORD = "admin", "interop-" + secrets.token_hex(6)
HOST = "127.0.0.1"

# doccano runs its import/export tasks in Celery; eager mode runs them in the web process,
# so no worker (and no broker) is needed. The results are stored for the status API.
DOCCANO_SETTINGS = """\
from config.settings.production import *  # noqa: F401,F403

CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_STORE_EAGER_RESULT = True
"""


def cache_root() -> Path:
    return Path(
        os.environ.get("ANNOTATOR_INTEROP_CACHE", Path.home() / ".cache" / "annotator-interop")
    )


def ensure_venv(name: str, requirements: list[str], log: Path) -> Path:
    """The virtualenv for `name` (tool-version), installed on first use; returns its bin dir."""
    venv = cache_root() / name
    marker = venv / ".installed"
    if marker.exists():
        return venv / "bin"
    venv.parent.mkdir(parents=True, exist_ok=True)
    print(f"interop: installing {' '.join(requirements)} into {venv} (once)", flush=True)
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
    with log.open("ab") as out:
        subprocess.run(
            [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", *requirements],
            check=True,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    marker.write_text(" ".join(requirements) + "\n")
    return venv / "bin"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """One started tool: its base URL, auth header, and the process to stop."""

    name: str
    url: str
    process: subprocess.Popen[bytes]
    log: Path
    headers: dict[str, str] = field(default_factory=dict)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)

    def wait_ready(self, path: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited; see {self.log}")
            try:
                if requests.get(self.url + path, timeout=3).status_code < 500:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"{self.name} did not answer within {timeout:.0f} s; see {self.log}")


def _spawn(args: list[str], env: dict[str, str], log: Path, cwd: Path) -> subprocess.Popen[bytes]:
    out = log.open("ab")
    return subprocess.Popen(
        args, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
    )


def start_doccano(work: Path) -> Server:
    bin_dir = ensure_venv(f"doccano-{DOCCANO_VERSION}", DOCCANO_REQUIREMENTS, work / "pip.log")
    home = work / "doccano"
    home.mkdir()
    (home / "interop_doccano_settings.py").write_text(DOCCANO_SETTINGS)
    env = {
        **os.environ,
        "DOCCANO_HOME": str(home),
        "DATABASE_URL": f"sqlite:///{home / 'db.sqlite3'}",
        "MEDIA_ROOT": str(home / "media"),
        "DJANGO_SETTINGS_MODULE": "interop_doccano_settings",
        "PYTHONPATH": str(home),
        "DEBUG": "False",
    }
    log = work / "doccano.log"
    doccano = str(bin_dir / "doccano")
    for step in (["init"], ["createuser", "--username", ADMIN, "--password", PASSWORD]):
        with log.open("ab") as out:
            subprocess.run([doccano, *step], env=env, cwd=home, check=True, stdout=out, stderr=out)
    backend = next((bin_dir.parent / "lib").glob("python*/site-packages/backend"))
    port = free_port()
    env["PYTHONPATH"] = f"{home}{os.pathsep}{backend}"
    process = _spawn(
        [
            str(bin_dir / "gunicorn"),
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            "1",
            "--threads",
            "4",
            "--timeout",
            "300",
            "config.wsgi",
        ],
        env,
        log,
        backend,
    )
    server = Server("doccano", f"http://{HOST}:{port}", process, log)
    try:
        server.wait_ready("/v1/projects", 120)  # 403 until logged in: it answers
        reply = requests.post(
            server.url + "/v1/auth/login/",
            json={"username": ADMIN, "password": PASSWORD},
            timeout=30,
        )
        reply.raise_for_status()
        server.headers = {"Authorization": f"Token {reply.json()['key']}"}
    except BaseException:
        server.stop()
        raise
    return server


def start_label_studio(work: Path) -> Server:
    bin_dir = ensure_venv(
        f"label-studio-{LABEL_STUDIO_VERSION}", LABEL_STUDIO_REQUIREMENTS, work / "pip.log"
    )
    data = work / "label-studio"
    data.mkdir()
    token = secrets.token_hex(20)
    port = free_port()
    env = {
        **os.environ,
        "LABEL_STUDIO_BASE_DATA_DIR": str(data),
        "LABEL_STUDIO_LOCAL_FILES_SERVING_ENABLED": "false",
        "DJANGO_DB": "sqlite",
        "SENTRY_DSN": "",
        "FRONTEND_SENTRY_DSN": "",
        "COLLECT_ANALYTICS": "false",
        "LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK": "false",
    }
    log = work / "label-studio.log"
    process = _spawn(
        [
            str(bin_dir / "label-studio"),
            "start",
            "--no-browser",
            "--internal-host",
            HOST,
            "--port",
            str(port),
            "--data-dir",
            str(data),
            "--username",
            f"{ADMIN}@example.com",
            "--password",
            PASSWORD,
            "--user-token",
            token,
            "--enable-legacy-api-token",
        ],
        env,
        log,
        data,
    )
    server = Server(
        "Label Studio", f"http://{HOST}:{port}", process, log, {"Authorization": f"Token {token}"}
    )
    try:
        server.wait_ready("/health", 240)
    except BaseException:
        server.stop()
        raise
    return server
