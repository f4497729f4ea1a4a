"""numcodecs objects (``{"id": "blosc", …}``) to core codecs and back: what Zarr v2's ``compressor`` and
``filters`` hold, and what Zarr v3's ``numcodecs.*`` codecs wrap (spec/formats/zarr2.md)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from zn5.reference.codecs import registry
from zn5.reference.codecs._config import UnknownMemberError
from zn5.reference.codecs.base import Codec
from zn5.reference.codecs.blosc import SHUFFLES, Blosc
from zn5.reference.codecs.crc32c import Crc32c
from zn5.reference.codecs.shuffle import Shuffle
from zn5.reference.errors import UnsupportedError
from zn5.reference.formats.deviations import BloscShuffleWordWarning, UnknownCodecMemberWarning
from zn5.reference.formats.documents import Report, is_int

GDAL_SHUFFLE_WORDS: Final[Mapping[str, int]] = {"NONE": 0, "BIT": 2}
"""How GDAL 3.6.2 spells the blosc shuffle in Zarr v2 (its BLOSC_SHUFFLE option NONE and BIT; BYTE it
writes as the integer 1): read as those integers with a deviation (CORE-DEVIATION-002)."""


def _blosc_from_v2(config: dict[str, Any], itemsize: int, location: str, report: Report) -> dict[str, Any]:
    """numcodecs' blosc configuration as the core codec's: the shuffle integer as its word
    (CODEC-BLOSC-002), where ``-1`` and ``typesize`` follow the item size blosc receives (CODEC-BLOSC-006)."""
    shuffle = config.get("shuffle", 1)
    if isinstance(shuffle, str) and shuffle in GDAL_SHUFFLE_WORDS:
        report.deviation(
            f"{location}.shuffle",
            f"the shuffle is written as {shuffle!r}, not as the integer {GDAL_SHUFFLE_WORDS[shuffle]}",
            "CODEC-BLOSC-002",
            BloscShuffleWordWarning,
        )
        shuffle = GDAL_SHUFFLE_WORDS[shuffle]
    if shuffle == -1:
        shuffle = 2 if itemsize == 1 else 1
    if not is_int(shuffle) or not 0 <= shuffle < len(SHUFFLES):
        report.error(
            f"{location}.shuffle", f"must be the integer 0, 1, 2 or -1 (got {shuffle!r})", "CODEC-BLOSC-002"
        )
        shuffle = 0
    config["shuffle"] = SHUFFLES[shuffle]
    config.setdefault("typesize", itemsize)
    return config


def _crc32c_from_v2(config: dict[str, Any], location: str, report: Report) -> dict[str, Any] | None:
    """numcodecs' ``location``: ``"end"`` is the crc32c layout, ``"start"`` is refused (CODEC-CRC32C-003)."""
    where = config.pop("location", "end")
    if where == "start":
        raise UnsupportedError.at(
            report.key,
            "crc32c with the checksum before the input is not implemented",
            "CODEC-CRC32C-003",
            location,
        )
    if where != "end":
        report.error(f"{location}.location", f"must be 'end' or 'start' (got {where!r})", "CODEC-CRC32C-003")
        return None
    return config


def codec_from_v2(obj: Any, location: str, itemsize: int, report: Report) -> Codec | None:
    """The core codec of a numcodecs ``{"id": …}`` object (ZARR2-CODEC-001, ZARR2-CODEC-002).

    ``itemsize`` is the item size of the elements the codec receives from the filters before it.
    """
    if not isinstance(obj, dict) or not isinstance(obj.get("id"), str):
        report.error(location, f"must be an object with a string 'id' (got {obj!r})", "ZARR2-CODEC-001")
        return None
    registry.refuse_code_running(obj["id"], key=report.key, location=location)
    codec = registry.BY_V2_ID.get(obj["id"])
    if codec is None:
        raise UnsupportedError.at(report.key, f"unknown codec id {obj['id']!r}", "ZARR2-CODEC-002", location)
    config = {name: value for name, value in obj.items() if name != "id"}
    if codec is Blosc:
        config = _blosc_from_v2(config, itemsize, location, report)
    if codec is Shuffle:
        config.setdefault("elementsize", 4)  # numcodecs' default (CODEC-SHUFFLE-001)
    if codec is Crc32c:
        crc32c_config = _crc32c_from_v2(config, location, report)
        if crc32c_config is None:
            return None
        config = crc32c_config
    while True:
        try:
            return codec.from_configuration(config)
        except UnknownMemberError as error:
            report.deviation(
                f"{location}.{error.member}",
                f"unknown member of {obj['id']} is ignored",
                "ZARR2-CODEC-003",
                UnknownCodecMemberWarning,
            )
            config.pop(error.member)
        except ValueError as error:
            report.error(location, f"{obj['id']}: {error}", "ZARR2-CODEC-003")
            return None


def codec_to_v2(codec: Codec) -> dict[str, Any]:
    """The numcodecs object of a core codec, as Zarr v2's ``compressor`` and ``filters`` hold it."""
    config = codec.configuration()
    if isinstance(codec, Blosc):
        config = {
            "cname": codec.cname,
            "clevel": codec.clevel,
            "shuffle": SHUFFLES.index(codec.shuffle),
            "blocksize": codec.blocksize,
        }
    return {"id": codec.v2_ids[0], **config}
