"""An RFC's status history from git: each committed version, then the working tree; a change of status
must be an edge of :data:`TRANSITIONS` whose guard holds (rfcs/0001-rfc-process.md, Transitions).
"""

from __future__ import annotations

import datetime as dt
import subprocess
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from zn5.conformance.rfc.documents import (
    TRANSITIONS,
    WORKING_TREE,
    FrontMatter,
    FrontMatterError,
    Layout,
    Problem,
    Rfc,
    parse_date,
    parse_front_matter,
    string_list,
)

# --------------------------------------------------------------------------------------------------------
# Status history from git


@dataclass(frozen=True)
class Version:
    """One recorded version of an RFC: where it was read from, its date and its front matter."""

    ref: str
    day: dt.date
    front_matter: FrontMatter

    @property
    def status(self) -> str | None:
        """The status of this version."""
        value = self.front_matter.get("status")
        return value if isinstance(value, str) else None


def _git(directory: Path, *arguments: str) -> str:
    """Run git in ``directory`` and return its output; raises on failure."""
    completed = subprocess.run(
        ["git", "-C", str(directory), *arguments], capture_output=True, text=True, check=True
    )
    return completed.stdout


def git_toplevel(path: Path) -> Path | None:
    """The work tree that contains ``path``, or None when it is not inside a git repository."""
    try:
        return Path(_git(path, "rev-parse", "--show-toplevel").strip())
    except (OSError, subprocess.CalledProcessError):
        return None


def committed_versions(toplevel: Path, path: Path) -> list[Version]:
    """Every committed version of a file, oldest first, following renames."""
    relative = path.resolve().relative_to(toplevel.resolve()).as_posix()
    try:
        log = _git(toplevel, "log", "--follow", "--format=@@%H %cs", "--name-only", "--", relative)
    except subprocess.CalledProcessError:
        return []
    versions = []
    for commit, day, name in reversed(_parse_log(log)):
        try:
            front_matter, _ = parse_front_matter(_git(toplevel, "show", f"{commit}:{name}"))
        except (subprocess.CalledProcessError, FrontMatterError):
            continue
        versions.append(Version(f"commit {commit[:10]} ({day})", dt.date.fromisoformat(day), front_matter))
    return versions


def _parse_log(log: str) -> list[tuple[str, str, str]]:
    """(commit, date, path) triples from ``git log --format=@@%H %cs --name-only`` output."""
    entries: list[tuple[str, str, str]] = []
    header: tuple[str, str] | None = None
    for line in log.splitlines():
        if line.startswith("@@"):
            commit, day = line[2:].split(" ", 1)
            header = (commit, day)
        elif line.strip() and header is not None:
            entries.append((*header, line.strip()))
            header = None
    return entries


def is_shallow(toplevel: Path) -> bool:
    """True for a shallow clone, whose oldest visible commit need not be where a file began."""
    try:
        return _git(toplevel, "rev-parse", "--is-shallow-repository").strip() == "true"
    except (OSError, subprocess.CalledProcessError):
        return False


def status_history(rfc: Rfc, today: dt.date) -> list[Version] | None:
    """The RFC's committed versions plus the working tree when its status differs; None outside git."""
    toplevel = git_toplevel(rfc.path.parent)
    if toplevel is None:
        return None
    versions = committed_versions(toplevel, rfc.path)
    if not versions or versions[-1].status != rfc.status:
        versions.append(Version(WORKING_TREE, today, rfc.front_matter))
    return versions


def transition_problem(before: Version, after: Version) -> str | None:
    """Why the status change from ``before`` to ``after`` is not allowed, or None if it is."""
    old, new = before.status, after.status
    if old is None or new is None or old not in TRANSITIONS or new not in TRANSITIONS:
        return None  # a missing or unknown status is the schema's to report
    if new not in TRANSITIONS[old]:
        allowed = ", ".join(sorted(TRANSITIONS[old])) or "nothing (it is final)"
        return f"{old} → {new} in {after.ref} is not a legal transition; {old} may become {allowed}"
    return _guard_problem(old, new, after)


def _guard_problem(old: str, new: str, after: Version) -> str | None:
    """The guard of a legal edge that ``after`` does not meet, if any."""
    has_requirements = bool(string_list(after.front_matter.get("requirements")))
    if (old, new) == ("Accepted", "Final") and has_requirements:
        return f"Accepted → Final in {after.ref}: an RFC with requirements must pass through Candidate"
    if new == "Candidate" and not has_requirements:
        return f"→ Candidate in {after.ref}: only RFCs that add or change requirements have this stage"
    if old == "Last-Call" and new in ("Accepted", "Rejected"):
        last_call = after.front_matter.get("last_call")
        closes = parse_date(last_call.get("closes")) if isinstance(last_call, dict) else None
        if closes is not None and after.day < closes:
            return f"Last-Call → {new} in {after.ref}: the Last Call window closes on {closes}"
    if new in ("Rejected", "Withdrawn") and after.front_matter.get("released_in") is not None:
        return f"→ {new} in {after.ref}: a released change is deprecated by a new RFC, not {new.lower()}"
    return None


def check_history(rfc: Rfc, layout: Layout, today: dt.date) -> list[Problem]:
    """The RFC started as Draft and every change of status in its history is legal."""
    versions = status_history(rfc, today)
    if not versions:
        return []
    file = layout.display(rfc.path)
    first = versions[0]
    problems = []
    began_here = first.ref == WORKING_TREE or not is_shallow(rfc.path.parent)
    if began_here and first.status is not None and first.status != "Draft":
        problems.append(Problem(file, "status", f"an RFC starts as Draft; {first.ref} has {first.status}"))
    changes = [(before, after) for before, after in pairwise(versions) if before.status != after.status]
    for before, after in changes:
        message = transition_problem(before, after)
        if message is not None:
            problems.append(Problem(file, "status", message))
    return problems
