"""A worker process with a hard time limit, so no input can stall the server.

The bounds in surfaces/expression.py keep every accepted formula cheap, but a bound we did not think of
must not freeze the app for a whole class. So the sympy work runs in a separate Python process
(`python -m surfaces.sandbox`), kept warm between requests:

    worker = TimeLimitedWorker()
    worker.call(function, args, time_limit=2.0)   # the result, or WorkerTimeout after 2 s

The limit is on the CPU time the job uses (read from /proc on Linux), so that a class hammering a busy
server does not get legitimate formulas refused; a wall-clock cap of WALL_FACTOR times the limit bounds
the wait in any case (and is the only limit where /proc is missing).
When a job overruns, the worker process is killed (SIGKILL, nothing survives it) and the next call
starts a fresh one. Jobs and results travel as pickles over the worker's stdin/stdout: both ends are
this module, the function is named by reference, and the arguments are already-checked plain values.
The worker limits its own memory (RLIMIT_AS) so a memory blow-up ends the worker, not the machine.
Calls are serialised by a lock: one job at a time.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import select
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

STARTUP_TIME_LIMIT = 60.0  # seconds for a fresh worker to import sympy and numpy (slow on a busy machine)
WALL_FACTOR = 5.0  # a job may wait this many times its CPU limit in wall-clock time on a busy machine
POLL_SECONDS = 0.02  # how often the CPU time of a running job is checked
QUEUE_TIME_LIMIT = 20.0  # seconds a call waits for the worker to be free before giving up
MEMORY_LIMIT_BYTES = 2 * 1024**3
_HEADER = struct.Struct(">Q")
_PROJECT_ROOT = Path(__file__).resolve().parent.parent
_READY = b"ready"


class WorkerTimeout(TimeoutError):
    """The job ran past its time limit; the worker was killed."""


class WorkerCrashed(RuntimeError):
    """The worker process died (for instance it hit its memory limit)."""


class WorkerBusy(TimeoutError):
    """Other jobs kept the worker busy for longer than QUEUE_TIME_LIMIT."""


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process so far, from /proc (None where /proc is unavailable)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            fields = stat.read().rsplit(b")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def _read_exactly(
    stream_fd: int, size: int, deadline: float | None, over_budget: Callable[[], bool] = lambda: False
) -> bytes:
    chunks: list[bytes] = []
    remaining = size
    while remaining:
        timeout = None if deadline is None else max(0.0, min(POLL_SECONDS, deadline - time.monotonic()))
        ready, _, _ = select.select([stream_fd], [], [], timeout)
        if not ready:
            if over_budget() or (deadline is not None and time.monotonic() >= deadline):
                raise WorkerTimeout("the worker did not answer in time")
            continue
        chunk = os.read(stream_fd, remaining)
        if not chunk:
            raise WorkerCrashed("the worker process ended unexpectedly")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _read_frame(
    stream_fd: int, deadline: float | None, over_budget: Callable[[], bool] = lambda: False
) -> bytes:
    (size,) = _HEADER.unpack(_read_exactly(stream_fd, _HEADER.size, deadline, over_budget))
    return _read_exactly(stream_fd, size, deadline, over_budget)


def _write_frame(stream_fd: int, payload: bytes) -> None:
    data = _HEADER.pack(len(payload)) + payload
    while data:
        written = os.write(stream_fd, data)
        data = data[written:]


class TimeLimitedWorker:
    """One warm worker process; `call` runs a job in it under a hard time limit."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self.starts = 0  # how many worker processes this object has started (for tests and benches)

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def is_alive(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self) -> None:
        """Start the worker now (a call starts it anyway); returns when it has imported sympy."""
        with self._lock:
            self._ensure_started()

    def _ensure_started(self) -> subprocess.Popen[bytes]:
        if self._process is not None and self._process.poll() is None:
            return self._process
        self._kill()
        environment = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
        process = subprocess.Popen(
            [sys.executable, "-m", "surfaces.sandbox"],
            cwd=_PROJECT_ROOT,
            env=environment,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self._process = process
        self.starts += 1
        assert process.stdout is not None
        try:
            ready = _read_frame(process.stdout.fileno(), time.monotonic() + STARTUP_TIME_LIMIT)
        except (WorkerTimeout, WorkerCrashed):
            self._kill()
            raise
        if ready != _READY:
            self._kill()
            raise WorkerCrashed("the worker started badly")
        return process

    def _kill(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        process.wait()
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                stream.close()

    def stop(self) -> None:
        """End the worker process, if any."""
        with self._lock:
            self._kill()

    def call(self, function: Callable[..., Any], args: tuple[Any, ...], time_limit: float) -> Any:
        """Run `function(*args)` in the worker; its result, or its exception raised here.

        Raises WorkerTimeout (the worker is killed) when the job uses more than `time_limit` seconds of
        CPU time, or waits more than WALL_FACTOR times that in wall-clock time; WorkerCrashed when the
        worker dies; WorkerBusy when other jobs hold it too long.
        """
        if not self._lock.acquire(timeout=QUEUE_TIME_LIMIT):
            raise WorkerBusy("the worker is busy")
        try:
            process = self._ensure_started()
            assert process.stdin is not None and process.stdout is not None
            payload = pickle.dumps((function, args))
            cpu_at_start = _cpu_seconds(process.pid)
            if cpu_at_start is None:  # no /proc: the wall clock is the only limit
                deadline = time.monotonic() + time_limit
            else:
                deadline = time.monotonic() + WALL_FACTOR * time_limit

            def over_budget() -> bool:
                cpu_now = _cpu_seconds(process.pid)
                return (
                    cpu_at_start is not None and cpu_now is not None and cpu_now - cpu_at_start > time_limit
                )

            try:
                _write_frame(process.stdin.fileno(), payload)
                reply = _read_frame(process.stdout.fileno(), deadline, over_budget)
            except (WorkerTimeout, WorkerCrashed, BrokenPipeError):
                self._kill()
                raise
            status, value = pickle.loads(reply)
        finally:
            self._lock.release()
        if status == "error":
            raise value
        return value


def _serve() -> None:
    """The worker's loop: read a job, run it, write ("ok", result) or ("error", exception)."""
    import resource

    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))
    # Replies go to a private copy of stdout; anything a library prints lands on stderr instead.
    reply_fd = os.dup(1)
    os.dup2(2, 1)
    job_fd = sys.stdin.fileno()

    import numpy  # noqa: F401  (warm imports: the first job should not pay for them)
    import sympy  # noqa: F401

    import surfaces.landscape

    surfaces.landscape.analyse("x^2 + y^2")  # first-use costs (printers, lambdify) paid before any job
    _write_frame(reply_fd, _READY)
    while True:
        try:
            function, args = pickle.loads(_read_frame(job_fd, None))
        except WorkerCrashed:
            return  # the parent closed our stdin: its process is ending
        try:
            reply = pickle.dumps(("ok", function(*args)))
        except BaseException as error:  # every failure goes back to the parent, which decides
            try:
                reply = pickle.dumps(("error", error))
            except Exception:
                reply = pickle.dumps(("error", RuntimeError(f"{type(error).__name__}: {error}")))
        _write_frame(reply_fd, reply)


if __name__ == "__main__":
    _serve()
