"""Running Annotator's service layer in a child process for crash and lock tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

# Longest wait for one line from a child: a child that hangs fails the test, never the suite.
READ_TIMEOUT_S = 60.0


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


def read_line(proc: subprocess.Popen[str], timeout: float = READ_TIMEOUT_S) -> str:
    """The child's next line of output; fails with its stderr if it ended instead, and
    kills it and fails if it says nothing within `timeout` seconds."""
    stdout = proc.stdout
    assert stdout is not None
    got: list[str] = []
    reader = threading.Thread(target=lambda: got.append(stdout.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    if reader.is_alive():
        proc.kill()
        proc.wait(timeout=30)
        reader.join(30)
        raise AssertionError(f"child said nothing within {timeout:g} s: killed it\n{_stderr(proc)}")
    line = got[0] if got else ""
    if not line:
        proc.wait(timeout=30)
        err = _stderr(proc)
        raise AssertionError(f"child ended (status {proc.returncode}) before reporting:\n{err}")
    return line.rstrip("\n")


def _stderr(proc: subprocess.Popen[str]) -> str:
    """What an ended child wrote to stderr (read in a thread: a grandchild may hold it open)."""
    if proc.stderr is None:
        return ""
    stderr = proc.stderr
    got: list[str] = []
    reader = threading.Thread(target=lambda: got.append(stderr.read()), daemon=True)
    reader.start()
    reader.join(10)
    return got[0] if got else "(stderr still open)"


def kill_hard(proc: subprocess.Popen[str]) -> None:
    """SIGKILL: no cleanup handlers, no flushing, like a power cut for the process."""
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    for stream in (proc.stdin, proc.stdout, proc.stderr):
        if stream is not None:
            stream.close()
