"""Real file-system conditions for tests: a folder nobody may write into.

``chmod`` does not stop root (containers often run tests as root): there the folder is made
immutable with ``chattr +i``, which stops root too. Either way the refusal comes from the
kernel, as it would for the consultant, not from a mock.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


@contextmanager
def read_only(path: Path) -> Iterator[Path]:
    """Make a file or folder unwritable for the duration of a ``with`` block."""
    path = Path(path)
    if os.geteuid() != 0:
        mode = path.stat().st_mode
        path.chmod(0o555 if path.is_dir() else 0o444)
        try:
            yield path
        finally:
            path.chmod(mode)
        return
    chattr = shutil.which("chattr")
    done = chattr and subprocess.run([chattr, "+i", str(path)], capture_output=True).returncode
    if not chattr or done != 0:
        pytest.skip("running as root without chattr +i: a read-only folder cannot be made here")
    try:
        yield path
    finally:
        subprocess.run([chattr, "-i", str(path)], check=True)
