"""Running Annotator's service layer in a child process for crash and lock tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path


def start_python(code: str, tmp_path: Path) -> subprocess.Popen[str]:
    """Start `code` in a fresh interpreter; its stdout is a line-buffered pipe."""
    env = dict(os.environ, ANNOTATOR_HOME=str(tmp_path / "home"), PYTHONUNBUFFERED="1")
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def read_line(proc: subprocess.Popen[str]) -> str:
    """The child's next line of output; fails with its stderr if it ended instead."""
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line:
        proc.wait(timeout=30)
        err = proc.stderr.read() if proc.stderr is not None else ""
        raise AssertionError(f"child ended (status {proc.returncode}) before reporting:\n{err}")
    return line.rstrip("\n")


def kill_hard(proc: subprocess.Popen[str]) -> None:
    """SIGKILL: no cleanup handlers, no flushing, like a power cut for the process."""
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    for stream in (proc.stdin, proc.stdout, proc.stderr):
        if stream is not None:
            stream.close()
