"""The interop tests' fixtures: zarr-python 2's adapter, whose library cannot share an environment with
zarr-python 3, as a process in the virtual environment its ``ci.sh`` makes."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from zn5.conformance.adapters import ADAPTERS_DIR, registered
from zn5.conformance.execution import protocol
from zn5.conformance.execution.connection import Connection, SubprocessConnection
from zn5.conformance.suite.resources import zn5_version

ZARR2_ADAPTER = ADAPTERS_DIR / "zarr-python-2"
START_TIMEOUT = 60.0


@pytest.fixture(scope="session")
def zarr2_python() -> Path:
    """The zarr-python 2 interpreter of its adapter, made (or brought up to its pins) as ``ci.sh`` does."""
    python = ZARR2_ADAPTER / ".venv" / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(ZARR2_ADAPTER / ".venv")], check=True)
    requirements = str(ZARR2_ADAPTER / "requirements.txt")
    pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", requirements]
    subprocess.run(pip, check=True)
    return python


@pytest.fixture(scope="session")
def zarr2_adapter(zarr2_python: Path) -> Iterator[Connection]:
    """zarr-python 2's adapter (``conformance/adapters/zarr-python-2``) as a process, greeted."""
    registration = registered()["zarr-python-2"]
    connection = SubprocessConnection(registration.command, registration.cwd)
    connection.open(protocol.hello(zn5_version(), "interop"), START_TIMEOUT)
    yield connection
    connection.close()
