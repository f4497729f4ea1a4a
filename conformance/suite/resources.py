"""The data files zn5 reads at run time, found through :mod:`importlib.resources`.

The JSON Schemas (``schemas/``, imported as ``zn5.schemas``), the sample stores (``examples/stores/``,
imported as ``zn5.samples``), the corpus, its change lists, the gold stores and the adapter registrations
(inside ``zn5.conformance``) travel in the wheel and the sdist as package data (setup.py maps the folders,
pyproject.toml lists the files). Every module that reads one of them asks this module for its folder, so
an editable checkout and an installed package find the same files and nothing depends on where a
checkout lies.
"""

from __future__ import annotations

from importlib import metadata
from importlib.resources import files
from pathlib import Path
from typing import Final

SAMPLE_SUFFIXES: Final = (".zarr", ".n5")


def package_folder(package: str) -> Path:
    """The folder on disk of an installed package of zn5 (a wheel, an sdist or an editable install)."""
    folder = files(package)
    if not isinstance(folder, Path):
        raise RuntimeError(f"{package} is not installed as files on disk; install zn5 with pip, not as a zip")
    return folder


SCHEMAS: Final = package_folder("zn5.schemas")
"""``schemas/``: the format documents' schemas (``zarr2/``, ``zarr3/``, ``n5/``) and ``project/``."""
PROJECT_SCHEMAS: Final = SCHEMAS / "project"
CONFORMANCE: Final = package_folder("zn5.conformance")
CORPUS: Final = CONFORMANCE / "corpus"
CORPUS_CHANGES: Final = CONFORMANCE / "corpus-changes"
"""The committed change lists, one per corpus release: ``<old version>..<new version>.json``."""
GOLD: Final = CONFORMANCE / "gold"
ADAPTERS: Final = CONFORMANCE / "adapters"
"""The registered adapters, one folder with an ``adapter.json`` each."""


def sample_stores() -> list[Path]:
    """The sample stores that ship with zn5: one array in Zarr v2, Zarr v3 and N5, in name order."""
    folder = package_folder("zn5.samples")
    return sorted(path for path in folder.iterdir() if path.is_dir() and path.suffix in SAMPLE_SUFFIXES)


def zn5_version() -> str:
    """The installed zn5 version (runner, reference and its adapter share it)."""
    try:
        return metadata.version("zn5")
    except metadata.PackageNotFoundError:
        return "0+unknown"
