"""The badges of the website: ``badges/<adapter>/<profile>.json``, a shields.io endpoint per
implementation and profile, and the section of an implementation's page that shows them."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, Final

from reports import Report
from tables import table

from zn5.conformance.report.run import profile_verdict

BADGES: Final = "badges"
BADGE_COLOURS: Final = {
    "conformant": "brightgreen",
    "claimed": "orange",
    "claimed, no case run": "lightgrey",
    "not claimed": "lightgrey",
}


def badge_path(report: Report, profile: str) -> str:
    return f"{BADGES}/{report.adapter}/{profile}.json"


def badge(profile: Mapping[str, Any]) -> dict[str, Any]:
    """A shields.io endpoint document (https://shields.io/badges/endpoint-badge) for a profile summary."""
    word = profile_verdict(profile)
    outcomes = profile.get("outcomes")
    passed = int(outcomes.get("pass", 0)) if isinstance(outcomes, dict) else 0
    message = f"claimed, {passed}/{profile['cases']} pass" if word == "claimed" else word
    return {
        "schemaVersion": 1,
        "label": f"zn5 {profile['name']}",
        "message": message,
        "color": BADGE_COLOURS[word],
    }


def badges(reports: Sequence[Report]) -> dict[str, str]:
    """One badge endpoint per implementation and profile, by site path."""
    return {
        badge_path(report, name): json.dumps(badge(profile), indent=2) + "\n"
        for report in reports
        for name, profile in report.profiles.items()
    }


def badge_section(report: Report) -> list[str]:
    """How to show the implementation's badges: one endpoint per profile."""
    rows = [
        (
            f"`{name}`",
            profile_verdict(profile),
            f"[`{badge_path(report, name)}`](../{badge_path(report, name)})",
        )
        for name, profile in sorted(report.profiles.items())
    ]
    return [
        "## Badges",
        "",
        "Each profile has a [shields.io endpoint](https://shields.io/badges/endpoint-badge), built with "
        "this page from the committed report. Show one in a README with "
        "`![zn5](https://img.shields.io/endpoint?url=<this site>/badges/<adapter>/<profile>.json)`.",
        "",
        *table(("Profile", "Verdict", "Endpoint"), rows),
        "",
    ]
