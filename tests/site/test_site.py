"""What a reader of the website sees, checked in Debian's headless Chromium (DECISIONS.md section 7).

The site is served from ``build/site`` on localhost and Playwright drives Debian's Chromium
(``/usr/bin/chromium``, or ``ZN5_CHROMIUM``) through ``executable_path``: Playwright downloads no browser
of its own. Clicks are real mouse events. The screenshot is saved to ``build/site-screenshot.png``, read
back with Pillow and judged by its pixels.

Runs in the ``site`` step of ``.ci/run`` (it is left out of the default pytest run):
``.venv/bin/pytest tests/site -o addopts="" --strict-markers -ra``.
"""

from __future__ import annotations

import functools
import importlib
import json
import os
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import Page, sync_playwright

from zn5.conformance.suite.case import Corpus
from zn5.conformance.suite.gaps import GAPS, PREFIX
from zn5.conformance.suite.requirements import Requirement, load_requirements

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "build" / "site"
SCREENSHOT = ROOT / "build" / "site-screenshot.png"
CHROMIUM = Path(os.environ.get("ZN5_CHROMIUM", "/usr/bin/chromium"))
FLAGS = ["--disable-gpu", "--disable-quic"]  # Playwright adds --headless, --no-sandbox and the quiet ones
WIDTH, HEIGHT = 1280, 900


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
def page() -> Iterator[Page]:
    """One page of a headless Chromium with a fresh profile, WIDTH by HEIGHT pixels."""
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (bash .ci/run site does)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            yield browser.new_page(viewport={"width": WIDTH, "height": HEIGHT}, device_scale_factor=1)
        finally:
            browser.close()


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


def open_page(page: Page, url: str) -> None:
    """Load ``url``, wait for its load event and require a successful answer."""
    response = page.goto(url)
    assert response is not None and response.ok, f"cannot load {url}: {response and response.status}"


def screenshot_pixels(page: Page) -> np.ndarray[Any, np.dtype[np.uint8]]:
    """The visible part of the page, saved as SCREENSHOT and read back as a (height, width, 3) array."""
    page.screenshot(path=SCREENSHOT)
    with Image.open(SCREENSHOT) as image:
        return np.asarray(image.convert("RGB"))


# --------------------------------------------------------------------------------------------------------
# The tests


def test_a_spec_chapter_renders_its_text(
    page: Page, site_url: str, requirements: dict[str, Requirement]
) -> None:
    core = [requirement for requirement in requirements.values() if requirement.chapter.parts[0] == "core"]
    first = min(
        core or requirements.values(), key=lambda requirement: (requirement.chapter, requirement.line)
    )
    chapter = (ROOT / "spec" / first.chapter).read_text(encoding="utf-8")
    title = next(line[2:].strip() for line in chapter.splitlines() if line[:2] == "# ").replace("`", "")
    open_page(page, page_url(site_url, f"spec/{first.chapter.as_posix()}"))

    assert title in page.locator("article h1").inner_text()
    anchor = page.locator(f'[id="{first.id}"]')
    item = " ".join(anchor.evaluate("element => element.closest('li, p').innerText").split())
    assert item.startswith(f"{first.id} ({first.level}):"), item
    assert len(item) > 40, item
    version = (ROOT / "spec" / "VERSION").read_text(encoding="utf-8").strip()
    assert f"version {version}" in page.locator(".md-banner").inner_text()

    pixels = screenshot_pixels(page)
    assert pixels.shape[:2] == (HEIGHT, WIDTH)
    colours, counts = np.unique(pixels.reshape(-1, 3), axis=0, return_counts=True)
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


@pytest.mark.parametrize("source", _tabbed_pages())
def test_a_tabbed_example_switches_on_a_click(page: Page, site_url: str, source: str) -> None:
    open_page(page, page_url(site_url, source.removeprefix("docs/")))
    tabs = page.locator(".tabbed-set").first
    labels = tabs.locator(":scope > .tabbed-labels > label")
    blocks = tabs.locator(":scope > .tabbed-content > .tabbed-block")

    names = labels.all_inner_texts()
    assert names[:3] == ["Zarr v2", "Zarr v3", "N5"], names
    before = [index for index, block in enumerate(blocks.all()) if block.is_visible()]
    assert len(before) == 1, before
    target = (before[0] + 1) % len(names)

    labels.nth(target).click()

    after = [index for index, block in enumerate(blocks.all()) if block.is_visible()]
    assert after == [target], f"clicked {names[target]!r}, shown {after}"
    texts = blocks.all_text_contents()
    assert texts[target].strip() and texts[target] != texts[before[0]]


def test_the_requirements_index_lists_every_id_with_its_level(
    page: Page, site_url: str, requirements: dict[str, Requirement]
) -> None:
    open_page(page, site_url + "requirements/")
    rows = page.evaluate(
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


def test_the_rfc_index_lists_the_rfcs(page: Page, site_url: str) -> None:
    open_page(page, site_url + "rfcs/rfc-index/")
    text = page.locator("article").inner_text()
    for path in sorted((ROOT / "rfcs").glob("[0-9][0-9][0-9][0-9]-*.md")):
        if not path.name.startswith("0000"):
            assert f"RFC {path.name[:4]}" in text, path.name


def test_the_compliance_matrix_shows_each_committed_report(page: Page, site_url: str) -> None:
    open_page(page, site_url + "compliance/")
    rows = page.evaluate(
        """[...document.querySelectorAll('article table')[0].querySelectorAll('tbody tr')].map(
            row => [...row.cells].map(cell => cell.innerText.trim()))"""
    )
    reports = {
        path.stem: json.loads(path.read_text(encoding="utf-8"))
        for path in (ROOT / "conformance" / "reports").glob("*.json")
        if path.name != "interop.json"
    }

    def title(report: dict[str, Any]) -> str:
        over_http = " over HTTP" if report["options"].get("store") == "http" else ""
        return f"{report['implementation']['name']} {report['implementation']['version']}{over_http}"

    assert {(row[0], row[2]) for row in rows} == {
        (title(report), report["options"].get("store", "file")) for report in reports.values()
    }
    reference = next(row for row in rows if row[0].startswith("zn5-reference") and row[2] == "file")
    assert all(value.startswith("✓") for value in reference[3:]), reference
    over_http = next(row for row in rows if row[0].startswith("zn5-reference") and row[2] == "http")
    assert {value[0] for value in over_http[3:]} == {"✓", "–"}, over_http


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
    page: Page, site_url: str
) -> None:
    open_page(page, site_url + "deviations/")
    entries = page.evaluate(
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


def test_the_gaps_page_says_beside_each_case_who_agrees_with_the_reference(page: Page, site_url: str) -> None:
    sys.path.insert(0, str(ROOT / "tools" / "site"))  # as mkdocs does: the hooks import their siblings
    agreement = importlib.import_module("gaps").agreement
    open_page(page, site_url + "gaps/")
    headings = page.evaluate("[...document.querySelectorAll('article h2')].map(h => h.id)")
    rows = page.evaluate(
        """[...document.querySelectorAll('article table')].slice(1).flatMap(table =>
            [...table.querySelectorAll('tbody tr')].map(
                row => [...row.cells].map(cell => cell.innerText.trim())))"""
    )
    assert headings == [gap.tag for gap in GAPS]
    tagged = {case.id for case in Corpus.load().cases if any(tag.startswith(PREFIX) for tag in case.tags)}
    assert {case_id for case_id, _, _ in rows} == tagged
    for case_id, names, shown in rows:
        assert shown == agreement([] if names == "–" else names.split(", ")), case_id
