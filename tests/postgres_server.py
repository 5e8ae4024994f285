"""A real PostgreSQL server for a test run: a temporary cluster (initdb, pg_ctl) on a free local port.

The server binaries come from the system's packages; when they are missing and the run has root
and apt-get, they are installed (Debian's `postgresql`). initdb refuses to run as root, so as root the cluster runs
as the `postgres` user the package creates. `start()` returns a DSN for asyncpg; `stop()` removes everything.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

USER, DATABASE = "pitwall", "pitwall_test"


def server_bin() -> Path | None:
    """The folder with initdb and pg_ctl: on PATH, or Debian's versioned folder (newest first)."""
    found = shutil.which("pg_ctl")
    if found:
        return Path(os.path.realpath(found)).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name), reverse=True)
    return Path(versions[0]) if versions else None


def install() -> str:
    """Install the server from the system's packages; returns why it could not, or ''."""
    if server_bin() is not None:
        return ""
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        return "PostgreSQL is not installed, and installing it needs root and apt-get"
    environ = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "install", "-y", "-q", "postgresql"],
                    ["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", "postgresql"]):
        done = subprocess.run(command, env=environ, capture_output=True, text=True, check=False, timeout=600)
        if command[1] == "install" and done.returncode == 0:
            return ""
    return f"apt-get could not install postgresql: {done.stderr.strip()[-300:]}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class TemporaryPostgres:
    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="pitwall-pg-")))
    port: int = field(default_factory=_free_port)
    _bin: Path | None = None

    def _as_owner(self, *command: str) -> list[str]:
        # initdb and postgres refuse root: run them as the package's `postgres` user.
        return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)

    def start(self) -> str:
        self._bin = server_bin()
        if self._bin is None:
            raise RuntimeError("no PostgreSQL server binaries")
        data = self.folder / "data"
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        subprocess.run(self._as_owner(str(self._bin / "initdb"), "-D", str(data), "-U", USER, "--auth=trust",
                                      "-E", "UTF8", "--no-sync"), check=True, capture_output=True, timeout=120)
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(self._as_owner(str(self._bin / "pg_ctl"), "-D", str(data), "-o", options, "-l",
                                      str(self.folder / "log"), "-w", "start"), check=True, capture_output=True,
                       timeout=120)
        subprocess.run(self._as_owner(str(self._bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U",
                                      USER, DATABASE), check=True, capture_output=True, timeout=60)
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{DATABASE}"

    def create_database(self, name: str) -> str:
        """A new, empty database on this server (a test's own); its DSN."""
        assert self._bin is not None, "start() first"
        subprocess.run([str(self._bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", USER, name],
                       check=True, capture_output=True, timeout=60)
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        if self._bin is not None:
            with contextlib.suppress(subprocess.SubprocessError, OSError):
                subprocess.run(self._as_owner(str(self._bin / "pg_ctl"), "-D", str(self.folder / "data"), "-m",
                                              "immediate", "stop"), capture_output=True, timeout=60, check=False)
        shutil.rmtree(self.folder, ignore_errors=True)
