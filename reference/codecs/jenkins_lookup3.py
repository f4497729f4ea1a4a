"""The ``numcodecs.jenkins_lookup3`` codec: Bob Jenkins' lookup3 hash (as HDF5 has it) after the input.

See spec/codecs/jenkins_lookup3.md. A ``prefix`` is refused: numcodecs cannot write it as JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numcodecs

from zn5.reference.codecs._config import check_members, integer
from zn5.reference.codecs._numcodecs import NumcodecsBytesFilter


@dataclass(frozen=True)
class JenkinsLookup3(NumcodecsBytesFilter):
    """The input and its lookup3 hash seeded with ``initval`` (CODEC-JENKINSLOOKUP3-001, -002)."""

    name = "numcodecs.jenkins_lookup3"
    v2_ids = ("jenkins_lookup3",)
    overhead = 4
    mismatch_requirement = "CODEC-JENKINSLOOKUP3-002"
    initval: int = 0

    @classmethod
    def from_configuration(cls, configuration: Mapping[str, Any]) -> JenkinsLookup3:
        check_members(configuration, {"initval", "prefix"})
        if configuration.get("prefix") is not None:
            raise ValueError(f"configuration.prefix must be null (got {configuration['prefix']!r})")
        return cls(initval=integer(configuration, "initval", low=0, high=2**32 - 1, default=0))

    def configuration(self) -> dict[str, Any]:
        return {} if self.initval == 0 else {"initval": self.initval}

    def numcodecs_codec(self) -> numcodecs.JenkinsLookup3:
        return numcodecs.JenkinsLookup3(self.initval)
