"""A throw-away PostgreSQL cluster for tests and benchmarks.

`Cluster.start()` runs `initdb` in a temporary folder and `pg_ctl start` on a free local
port (TCP on 127.0.0.1 plus a Unix socket in the same folder); `stop()` shuts it down and
deletes the folder. The server binaries are found on their own: ``ANNOTATOR_PG_BIN``,
``pg_config --bindir``, then Debian's ``/usr/lib/postgresql/<version>/bin`` (newest first).
As root the server runs as the ``postgres`` user (PostgreSQL refuses to run as root).

Authentication: trust for every role on 127.0.0.1, except roles whose name starts with
``pw_``, which must give a password (scram-sha-256) — for the .pgpass/keyring tests.

Also a script: ``python tests/pg_cluster.py`` starts a cluster, prints its admin URL and
waits for Ctrl-C.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

# The suite's network guard patches socket; the cluster's own loopback checks use the originals.
_SOCKET = socket.socket
_CREATE_CONNECTION = socket.create_connection

SUPERUSER = "postgres"


class ClusterUnavailable(RuntimeError):
    """No PostgreSQL server binaries, or the server would not start; the message says why."""


def find_bin_dir() -> Path:
    """The folder holding initdb and pg_ctl."""
    if env := os.environ.get("ANNOTATOR_PG_BIN"):
        return Path(env)
    pg_config = shutil.which("pg_config")
    if pg_config:
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False)
        folder = Path(out.stdout.strip())
        if (folder / "initdb").exists():
            return folder
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).parent
    debian = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
        reverse=True,
    )
    if debian:
        return debian[0].parent
    raise ClusterUnavailable(
        "PostgreSQL server binaries not found "
        "(install Debian's postgresql, or set ANNOTATOR_PG_BIN)"
    )


def free_port() -> int:
    with _SOCKET(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Cluster:
    """One temporary PostgreSQL cluster."""

    def __init__(self, *, fsync: bool = False) -> None:
        self.bin_dir = find_bin_dir()
        self.fsync = fsync
        self.port = 0
        self.root: Path | None = None
        self._user: str | None = None
        if os.geteuid() == 0:
            try:
                pwd.getpwnam("postgres")
                self._user = "postgres"
            except KeyError:
                self._user = "nobody"

    @property
    def data_dir(self) -> Path:
        assert self.root is not None
        return self.root / "data"

    @property
    def log_file(self) -> Path:
        assert self.root is not None
        return self.root / "server.log"

    def url(self, user: str = SUPERUSER, database: str = "postgres", password: str = "") -> str:
        auth = f"{user}:{password}" if password else user
        return f"postgresql+psycopg://{auth}@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        cmd = [str(self.bin_dir / args[0]), *args[1:]]
        try:
            return subprocess.run(
                cmd, capture_output=True, text=True, check=True, user=self._user, timeout=120
            )
        except subprocess.CalledProcessError as exc:
            log = self.log_file.read_text(errors="replace")[-2000:] if self.root else ""
            raise ClusterUnavailable(
                f"{args[0]} failed ({exc.returncode}): {exc.stderr.strip()} {log}"
            ) from None
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ClusterUnavailable(f"{args[0]} failed: {exc}") from None

    def start(self) -> Cluster:
        """initdb (first time) and start the server; returns self."""
        if self.root is None:
            self.root = Path(tempfile.mkdtemp(prefix="annotator-pg-"))
            if self._user is not None:
                entry = pwd.getpwnam(self._user)
                os.chown(self.root, entry.pw_uid, entry.pw_gid)
            self._run(
                "initdb",
                "-D",
                str(self.data_dir),
                "-U",
                SUPERUSER,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            )
            hba = self.data_dir / "pg_hba.conf"
            hba.write_text(
                "local all all trust\n"
                "host all +pw_users 127.0.0.1/32 scram-sha-256\n"
                "host all all 127.0.0.1/32 trust\n"
            )
        self.port = self.port or free_port()
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
            f"-c fsync={'on' if self.fsync else 'off'} -c max_connections=200"
        )
        self._run(
            "pg_ctl",
            "-D",
            str(self.data_dir),
            "-l",
            str(self.log_file),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "start",
        )
        return self

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (mode "immediate" is a crash); the data stays for a restart."""
        if self.root is not None and (self.data_dir / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data_dir), "-m", mode, "-w", "stop")

    def restart(self) -> None:
        self.start()

    def destroy(self) -> None:
        """Stop the server and delete everything."""
        try:
            self.stop("immediate")
        finally:
            if self.root is not None:
                shutil.rmtree(self.root, ignore_errors=True)
                self.root = None

    def psql(self, sql: str, database: str = "postgres") -> str:
        """Run SQL as the superuser through psql over the Unix socket."""
        assert self.root is not None
        out = self._run(
            "psql",
            "-X",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "-h",
            str(self.root),
            "-p",
            str(self.port),
            "-U",
            SUPERUSER,
            "-d",
            database,
            "-At",
            "-c",
            sql,
        )
        return out.stdout.strip()


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with _CREATE_CONNECTION(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise ClusterUnavailable(f"nothing listens on port {port}")


if __name__ == "__main__":
    cluster = Cluster().start()
    print(cluster.url(), flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        cluster.destroy()
