"""Interrupted runs clean up: SIGTERM and SIGHUP end a run as Ctrl-C does.

A scheduler stopping a job sends SIGTERM; closing a terminal sends SIGHUP. By default either
kills Python on the spot: the staging folder ``.….en-cours`` stays behind, and the notebook
kernels and Chromium that the run started keep running. Within :func:`interruptible`, those
signals raise :class:`Interrupted` (a ``KeyboardInterrupt``) in the main thread instead, so the
``except``/``finally`` blocks that handle Ctrl-C run for them too; :func:`stop_children` then
ends the processes the run started (kernels, Chromium, worker processes): SIGTERM first, then
SIGKILL for those still alive after a grace period.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterable, Iterator

import psutil

SIGNALS = (signal.SIGTERM, signal.SIGHUP)
# Seconds a child process gets to exit after SIGTERM before it is killed.
GRACE_SECONDS = 5.0


class Interrupted(KeyboardInterrupt):
    """The run was stopped by a signal (SIGTERM, SIGHUP): clean up as for Ctrl-C."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def exit_status(self) -> int:
        """Exit status of a command stopped by this signal (143 for SIGTERM), as shells use."""
        return 128 + self.signum


def _raise(signum: int, frame: object) -> None:
    # A second signal while cleaning up must not interrupt the clean-up itself.
    for other in SIGNALS:
        signal.signal(other, signal.SIG_IGN)
    raise Interrupted(signum)


@contextlib.contextmanager
def interruptible() -> Iterator[None]:
    """Within the block, SIGTERM and SIGHUP raise :class:`Interrupted` in the main thread.

    Outside the main thread (where Python cannot set signal handlers) the block runs
    unchanged. The previous handlers are restored when the block ends.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signum: signal.signal(signum, _raise) for signum in SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Hold Ctrl-C, SIGTERM and SIGHUP back until the block ends (a publication's renames).

    A signal that arrives within the block is delivered when it ends: the step completes,
    then the run stops as usual.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held = {signal.SIGINT, *SIGNALS}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def children() -> set[int]:
    """Process ids of every process started, directly or not, by this one."""
    return {child.pid for child in psutil.Process().children(recursive=True)}


def stop_children(keep: Iterable[int] = (), grace: float = GRACE_SECONDS) -> list[int]:
    """End the processes this one started (kernels, Chromium, workers), except ``keep``.

    Parameters
    ----------
    keep : iterable of int
        Process ids to leave alone (those that existed before the run started).
    grace : float
        Seconds given to the processes to exit after SIGTERM; those still alive are killed.

    Returns
    -------
    list of int
        Ids of the processes that were stopped.
    """
    kept = set(keep)
    targets = [p for p in psutil.Process().children(recursive=True) if p.pid not in kept]
    for process in targets:
        with contextlib.suppress(psutil.NoSuchProcess):
            process.terminate()
    _, alive = psutil.wait_procs(targets, timeout=grace)
    for process in alive:
        with contextlib.suppress(psutil.NoSuchProcess):
            process.kill()
    psutil.wait_procs(alive, timeout=grace)
    return [p.pid for p in targets]
