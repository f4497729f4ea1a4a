"""What a reader of the website sees, checked in Debian's headless Chromium (DECISIONS.md section 7).

The site is served from ``build/site`` on localhost and Chromium is driven through its DevTools protocol
over a pipe (``--remote-debugging-pipe``: one JSON message per NUL-terminated line on file descriptors 3
and 4), so the test needs no driver and no Python package beyond the standard library and NumPy. Clicks
are real mouse events. The screenshot is saved to ``build/site-screenshot.png`` and judged by its pixels.

Runs in the ``site`` step of ``.ci/run`` (it is left out of the default pytest run):
``.venv/bin/pytest tests/site -o addopts="" --strict-markers -ra``.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import json
import os
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import zlib
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from zn5.conformance.suite.requirements import Requirement, load_requirements

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "build" / "site"
SCREENSHOT = ROOT / "build" / "site-screenshot.png"
CHROMIUM = Path(os.environ.get("ZN5_CHROMIUM", "/usr/bin/chromium"))
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--remote-debugging-pipe",
)
TRAMPOLINE = (  # the protocol pipe must be descriptors 3 (commands) and 4 (replies) in the browser
    "import os, sys; os.dup2(int(sys.argv[1]), 3); os.dup2(int(sys.argv[2]), 4); "
    "os.execv(sys.argv[3], sys.argv[3:])"
)
WIDTH, HEIGHT = 1280, 900
TIMEOUT = 30.0


# --------------------------------------------------------------------------------------------------------
# Chromium over the DevTools protocol


class DevToolsError(RuntimeError):
    """Chromium answered a command with an error, or did not answer in time."""


class Browser:
    """A headless Chromium process and one page in it."""

    def __init__(self, executable: Path, profile: Path, log: Path) -> None:
        commands_read, self._commands = os.pipe()
        self._replies, replies_write = os.pipe()
        command = [str(executable), *FLAGS, f"--user-data-dir={profile}", "about:blank"]
        with log.open("wb") as stream:
            self.process = subprocess.Popen(
                [sys.executable, "-c", TRAMPOLINE, str(commands_read), str(replies_write), *command],
                pass_fds=(commands_read, replies_write),
                stdin=subprocess.DEVNULL,
                stdout=stream,
                stderr=stream,
                start_new_session=True,
            )
        os.close(commands_read)
        os.close(replies_write)
        self._next_id = 0
        self._buffer = b""
        self._events: list[dict[str, Any]] = []
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.page("Page.enable")
        self.page("Runtime.enable")
        metrics = {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False}
        self.page("Emulation.setDeviceMetricsOverride", metrics)

    def close(self) -> None:
        """Stop the browser and every process it started."""
        with contextlib.suppress(DevToolsError, OSError):
            self.send("Browser.close")
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        os.close(self._commands)
        os.close(self._replies)

    def _receive(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            remaining = deadline - time.monotonic()
            ready, _, _ = select.select([self._replies], [], [], max(remaining, 0))
            if not ready:
                raise DevToolsError(f"Chromium sent nothing for {TIMEOUT} s")
            chunk = os.read(self._replies, 1 << 20)
            if not chunk:
                raise DevToolsError(f"Chromium closed the protocol pipe (exit status {self.process.poll()})")
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\0")
        message: dict[str, Any] = json.loads(line)
        return message

    def send(self, method: str, params: dict[str, Any] | None = None, session: str | None = None) -> Any:
        """Send one command and return its result; events that arrive meanwhile are kept."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + TIMEOUT
        while True:
            reply = self._receive(deadline)
            if reply.get("id") != self._next_id:
                self._events.append(reply)
                continue
            if "error" in reply:
                raise DevToolsError(f"{method}: {reply['error']}")
            return reply.get("result", {})

    def page(self, method: str, params: dict[str, Any] | None = None) -> Any:
        """Send a command to the page."""
        return self.send(method, params, self.session)

    def wait_for(self, event: str) -> dict[str, Any]:
        """The next event of the page with this name."""
        deadline = time.monotonic() + TIMEOUT
        while True:
            for index, message in enumerate(self._events):
                if message.get("method") == event and message.get("sessionId") == self.session:
                    del self._events[: index + 1]
                    return message
            self._events.clear()
            self._events.append(self._receive(deadline))

    def open(self, url: str) -> None:
        """Load ``url`` and wait for its load event."""
        self._events.clear()
        result = self.page("Page.navigate", {"url": url})
        if result.get("errorText"):
            raise DevToolsError(f"cannot load {url}: {result['errorText']}")
        self.wait_for("Page.loadEventFired")

    def evaluate(self, expression: str) -> Any:
        """The JSON value of a JavaScript expression in the page."""
        result = self.page(
            "Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True}
        )
        if "exceptionDetails" in result:
            raise DevToolsError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def click(self, selector: str) -> None:
        """A real left click in the middle of the first element ``selector`` finds."""
        x, y = self.evaluate(
            f"""(() => {{
                const element = document.querySelector({json.dumps(selector)});
                element.scrollIntoView({{block: "center"}});
                const box = element.getBoundingClientRect();
                return [box.x + box.width / 2, box.y + box.height / 2];
            }})()"""
        )
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            self.page(
                "Input.dispatchMouseEvent",
                {"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1},
            )

    def screenshot(self, path: Path) -> bytes:
        """The visible part of the page as PNG, also written to ``path``."""
        data = base64.b64decode(self.page("Page.captureScreenshot", {"format": "png"})["data"])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return data


# --------------------------------------------------------------------------------------------------------
# Reading the screenshot


def _paeth(row: bytearray, previous: bytes, step: int) -> None:
    for i in range(len(row)):
        a = row[i - step] if i >= step else 0
        b = previous[i]
        c = previous[i - step] if i >= step else 0
        p = a + b - c
        pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
        predictor = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
        row[i] = (row[i] + predictor) & 0xFF


def png_pixels(data: bytes) -> np.ndarray[Any, Any]:
    """The pixels of an 8-bit RGB or RGBA PNG as a (height, width, channels) array."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG file"
    position, chunks, header = 8, b"", b""
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        position += 12 + length
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            chunks += body
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and colour in (2, 6) and interlace == 0, f"unexpected PNG format {header!r}"
    step = 3 if colour == 2 else 4
    stride = width * step
    raw = zlib.decompress(chunks)
    previous = bytes(stride)
    rows = []
    for y in range(height):
        kind = raw[y * (stride + 1)]
        row = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        if kind == 1:
            pixels = np.frombuffer(bytes(row), np.uint8).reshape(width, step).astype(np.uint32)
            row = bytearray((np.cumsum(pixels, axis=0) & 0xFF).astype(np.uint8).tobytes())
        elif kind == 2:
            above = np.frombuffer(previous, np.uint8).astype(np.uint16)
            row = bytearray(((np.frombuffer(bytes(row), np.uint8) + above) & 0xFF).astype(np.uint8).tobytes())
        elif kind == 3:
            for i in range(stride):
                left = row[i - step] if i >= step else 0
                row[i] = (row[i] + ((left + previous[i]) >> 1)) & 0xFF
        elif kind == 4:
            _paeth(row, previous, step)
        previous = bytes(row)
        rows.append(previous)
    return np.frombuffer(b"".join(rows), np.uint8).reshape(height, width, step)


# --------------------------------------------------------------------------------------------------------
# Fixtures


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def site_url() -> Iterator[str]:
    """The built site, served on localhost."""
    if not (SITE / "index.html").is_file():
        subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(SITE)],
            cwd=ROOT,
            check=True,
        )
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(SITE)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Chromium with a fresh profile."""
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (bash .ci/run site does)")
    profile = Path(tempfile.mkdtemp(prefix="zn5-chromium-"))
    try:
        chromium = Browser(CHROMIUM, profile, ROOT / "build" / "chromium.log")
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="session")
def requirements() -> dict[str, Requirement]:
    """The requirements the spec defines."""
    return load_requirements(ROOT / "spec")


def page_url(site: str, source: str) -> str:
    """The address of the page built from ``source`` (a path below the site's sources)."""
    path = source.removesuffix(".md")
    if path.endswith(("index", "README")):
        return site + path.rsplit("/", 1)[0] + "/" if "/" in path else site
    return f"{site}{path}/"


def visible(browser: Browser, selector: str) -> bool:
    """True when the element ``selector`` finds is laid out with a size (not hidden)."""
    return bool(
        browser.evaluate(
            f"""(() => {{
                const element = document.querySelector({json.dumps(selector)});
                return element !== null && element.getClientRects().length > 0 && element.offsetHeight > 0;
            }})()"""
        )
    )


# --------------------------------------------------------------------------------------------------------
# The tests


def test_a_spec_chapter_renders_its_text(
    browser: Browser, site_url: str, requirements: dict[str, Requirement]
) -> None:
    core = [requirement for requirement in requirements.values() if requirement.chapter.parts[0] == "core"]
    first = min(
        core or requirements.values(), key=lambda requirement: (requirement.chapter, requirement.line)
    )
    chapter = (ROOT / "spec" / first.chapter).read_text(encoding="utf-8")
    title = next(line[2:].strip() for line in chapter.splitlines() if line[:2] == "# ").replace("`", "")
    browser.open(page_url(site_url, f"spec/{first.chapter.as_posix()}"))

    heading = browser.evaluate("document.querySelector('article h1').innerText")
    assert title in heading
    item = browser.evaluate(
        f"document.getElementById({json.dumps(first.id)}).closest('li, p').innerText.replace(/\\s+/g, ' ')"
    )
    assert item.startswith(f"{first.id} ({first.level}):"), item
    assert len(item) > 40, item
    banner = browser.evaluate("document.querySelector('.md-banner').innerText")
    version = (ROOT / "spec" / "VERSION").read_text(encoding="utf-8").strip()
    assert f"version {version}" in banner

    pixels = png_pixels(browser.screenshot(SCREENSHOT))
    assert pixels.shape[:2] == (HEIGHT, WIDTH)
    colours, counts = np.unique(pixels[..., :3].reshape(-1, 3), axis=0, return_counts=True)
    assert len(colours) >= 64, f"only {len(colours)} colours: the page looks blank"
    assert counts.max() < 0.9 * counts.sum(), "one colour covers nine tenths of the page"
    red, green, blue = (pixels[:160, :, channel].astype(int) for channel in range(3))
    indigo = (blue - red > 60) & (blue - green > 40)
    assert indigo.sum() > WIDTH * 20, "no indigo header: the theme's style sheet did not apply"


def _tabbed_pages() -> list[str]:
    pages = ["docs/index.md"]
    chapters = sorted((ROOT / "spec").rglob("*.md"))
    pages += [
        f"spec/{path.relative_to(ROOT / 'spec').as_posix()}"
        for path in chapters
        if '=== "Zarr v2"' in path.read_text(encoding="utf-8")
    ][:1]
    return pages


TABS = """(() => {
    const set = document.querySelector('.tabbed-set');
    const labels = [...set.querySelectorAll(':scope > .tabbed-labels > label')];
    const blocks = [...set.querySelectorAll(':scope > .tabbed-content > .tabbed-block')];
    return {
        labels: labels.map(label => label.innerText),
        shown: blocks.flatMap((block, index) => block.offsetHeight > 0 ? [index] : []),
        texts: blocks.map(block => block.textContent),
    };
})()"""


@pytest.mark.parametrize("source", _tabbed_pages())
def test_a_tabbed_example_switches_on_a_click(browser: Browser, site_url: str, source: str) -> None:
    browser.open(page_url(site_url, source.removeprefix("docs/")))
    before = browser.evaluate(TABS)
    assert before["labels"][:3] == ["Zarr v2", "Zarr v3", "N5"], before["labels"]
    assert len(before["shown"]) == 1, before["shown"]
    target = (before["shown"][0] + 1) % len(before["labels"])

    browser.click(f".tabbed-set > .tabbed-labels > label:nth-child({target + 1})")

    after = browser.evaluate(TABS)
    assert after["shown"] == [target], f"clicked {before['labels'][target]!r}, shown {after['shown']}"
    shown = after["texts"][target]
    assert shown.strip() and shown != after["texts"][before["shown"][0]]


def test_the_requirements_index_lists_every_id_with_its_level(
    browser: Browser, site_url: str, requirements: dict[str, Requirement]
) -> None:
    browser.open(site_url + "requirements/")
    rows = browser.evaluate(
        """[...document.querySelectorAll('article table tbody tr')].map(row => [
            row.cells[0].innerText.trim(),
            row.cells[1].innerText.trim(),
            row.cells[0].querySelector('a').getAttribute('href'),
        ])"""
    )
    listed = {identifier: (level, link) for identifier, level, link in rows}
    assert set(listed) == set(requirements)
    for identifier, requirement in requirements.items():
        level, link = listed[identifier]
        assert level == requirement.level, identifier
        assert link.endswith(f"#{identifier}"), link


def test_the_rfc_index_lists_the_rfcs(browser: Browser, site_url: str) -> None:
    browser.open(site_url + "rfcs/rfc-index/")
    text = browser.evaluate("document.querySelector('article').innerText")
    for path in sorted((ROOT / "rfcs").glob("[0-9][0-9][0-9][0-9]-*.md")):
        if not path.name.startswith("0000"):
            assert f"RFC {path.name[:4]}" in text, path.name


def test_the_compliance_matrix_shows_each_committed_report(browser: Browser, site_url: str) -> None:
    browser.open(site_url + "compliance/")
    rows = browser.evaluate(
        """[...document.querySelectorAll('article table')[0].querySelectorAll('tbody tr')].map(
            row => [...row.cells].map(cell => cell.innerText.trim()))"""
    )
    reports = {
        path.stem: json.loads(path.read_text(encoding="utf-8"))
        for path in (ROOT / "conformance" / "reports").glob("*.json")
        if path.name != "interop.json"
    }
    names = {f"{r['implementation']['name']} {r['implementation']['version']}" for r in reports.values()}
    assert {row[0] for row in rows} == names
    reference = next(row for row in rows if row[0].startswith("zn5-reference"))
    assert all(value.startswith("✓") for value in reference[2:]), reference


FAILING = ("fail", "missed-reject", "wrong-reject", "crash", "timeout", "adapter-error", "xfail")


def _committed_failures() -> set[str]:
    """Every failing case ID of the committed run reports and the writer × reader matrix."""
    found = set()
    for path in (ROOT / "conformance" / "reports").glob("*.json"):
        document = json.loads(path.read_text(encoding="utf-8"))
        if path.name == "interop.json":
            found |= {item.rpartition(": ")[0] for cell in document["matrix"] for item in cell["failing"]}
        else:
            found |= {case["id"] for case in document["cases"] if case["outcome"] in FAILING}
    return found


def test_the_deviations_page_lists_every_failure_with_a_command_to_reproduce_it(
    browser: Browser, site_url: str
) -> None:
    browser.open(site_url + "deviations/")
    entries = browser.evaluate(
        """[...document.querySelectorAll('article li')]
            .filter(item => item.innerText.includes('Reproduce:'))
            .map(item => [
                item.querySelector('code').innerText,
                item.innerText.split('Reproduce:')[1].trim(),
            ])"""
    )
    assert {case_id for case_id, _ in entries} == _committed_failures()
    assert all(command.startswith(("zn5 run --impl ", "zn5 interop --impl ")) for _, command in entries)
    assert any(case_id.startswith("zarr3/interop/") for case_id, _ in entries)


def test_each_implementation_and_profile_has_a_badge_endpoint(site_url: str) -> None:
    document = json.loads((ROOT / "conformance" / "reports" / "reference.json").read_text(encoding="utf-8"))
    for profile in document["summary"]["profiles"]:
        with urllib.request.urlopen(f"{site_url}badges/reference/{profile['name']}.json") as response:
            badge = json.loads(response.read())
        assert badge["schemaVersion"] == 1 and badge["label"] == f"zn5 {profile['name']}"
        assert badge["message"] in ("conformant", "not claimed", "claimed, no case run") or badge[
            "message"
        ].startswith("claimed, ")
