"""The zarrs-python adapter: zarr-python 3 driving the Rust ``zarrs`` codec pipeline.

Everything is the zarr-python adapter's (``zn5.conformance.adapters.zarr_python``); only the pipeline,
the claims and the category of the pipeline's own refusals (``unsupported``) differ.
``codec_pipeline.strict`` makes zarrs-python raise instead of silently handing an array it cannot serve
back to zarr-python's own pipeline, so every value read or written here went through zarrs.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, ClassVar

from zarrs.pipeline import UnsupportedDataTypeError, UnsupportedMetadataError

from zn5.conformance.adapters.kits.python.zn5_adapter_kit import NUMPY_DTYPES, RAW_DTYPES, VARIABLE_LENGTH
from zn5.conformance.adapters.zarr_python import ZarrPythonAdapter

NOT_CLAIMED = frozenset(
    {
        # zarrs 0.2.3 refuses these codecs when it builds its pipeline ("unsupported codec lz4 with
        # configuration …", "codec numcodecs.delta is not supported").
        "codec:numcodecs.lz4",
        "codec:numcodecs.lzma",
        "codec:numcodecs.crc32",
        "codec:numcodecs.delta",
        # zarrs 0.2.3 refuses these numcodecs filters too ("unsupported codec fletcher32 with configuration
        # {}", "codec numcodecs.bitround is not supported"); of the filters it serves only shuffle and
        # fixedscaleoffset.
        "codec:numcodecs.quantize",
        "codec:numcodecs.bitround",
        "codec:numcodecs.astype",
        "codec:numcodecs.packbits",
        "codec:numcodecs.fletcher32",
        "codec:numcodecs.adler32",
        "codec:numcodecs.jenkins_lookup3",
        # ZarrsCodecPipeline refuses elements of NumPy kinds V, S, U, M and m (UnsupportedDataTypeError,
        # or "unsupported data type" / "data type … is not supported" from zarrs).
        *RAW_DTYPES,
        *NUMPY_DTYPES,
        # ... and the object and StringDType elements of the variable-length types (UnsupportedDataTypeError
        # when reading or writing a string or bytes array, Zarr v2 or v3).
        *VARIABLE_LENGTH,
    }
)


class ZarrsPythonAdapter(ZarrPythonAdapter):
    """zarrs-python (PyPI ``zarrs``): zarr-python's API and metadata, zarrs' codec pipeline."""

    name = "zarrs-python"
    distribution = "zarrs"
    homepage = "https://github.com/zarrs/zarrs-python"
    claims = tuple(token for token in ZarrPythonAdapter.claims if token not in NOT_CLAIMED)
    config: ClassVar[Mapping[str, Any]] = MappingProxyType(
        {"codec_pipeline.path": "zarrs.ZarrsCodecPipeline", "codec_pipeline.strict": True}
    )

    def category(self, error: Exception, phase: str) -> str:
        """zarr-python's categories, and ``unsupported`` for what the zarrs pipeline says it cannot do."""
        if isinstance(error, UnsupportedDataTypeError | UnsupportedMetadataError):
            return "unsupported"
        return super().category(error, phase)
