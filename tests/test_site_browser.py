"""The evidence site in a real browser (issue 13): headless Chromium (Debian's ``chromium``
package) driven by Playwright over the site ``kg site`` generates for the real corpus.

Every page loads without console errors; every internal link resolves (to a file, and to an
element when it has a #fragment); diagrams render with a size; the search box finds
"magnesium" and lands on the right claim; no page scrolls sideways at phone width; the
keyboard reaches the skip link first. Screenshots of the home, a claim, an entity and a
study page are written to build/screenshots/ (test artefacts, not committed).

Chromium is required: a missing browser fails these tests (CI installs it: .ci/run).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from click.testing import CliRunner

from cli import cli

REPO = Path(__file__).parent.parent
SHOTS = REPO / "build" / "screenshots"
PHONE = {"width": 375, "height": 740}


def chromium_path() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    pytest.fail("no Chromium: install Debian's package (apt-get install -y chromium); "
                ".ci/run does this on a fresh machine")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    result = CliRunner().invoke(cli, ["site", str(out), "--root", str(REPO)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(),
                              args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


def url(path: Path) -> str:
    return path.resolve().as_uri()


def best_claim(term: str) -> tuple[str, str]:
    """The claim `kg studies TERM` picks: the CLI's answer is the right one."""
    result = CliRunner().invoke(cli, ["studies", term, "--json", "--root", str(REPO)])
    assert result.exit_code == 0, result.output
    claim = json.loads(result.stdout)["claim"]
    return claim["id"], claim["statement"]


LINKS_JS = """() => {
  const out = [];
  for (const a of document.querySelectorAll('a[href], link[href]')) out.push(a.href);
  for (const s of document.querySelectorAll('script[src]')) out.push(s.src);
  for (const a of document.querySelectorAll('svg a')) {
    const h = a.getAttribute('href') || a.getAttribute('xlink:href');
    if (h) out.push(new URL(h, document.baseURI).href);
  }
  return out;
}"""


def test_every_page_loads_clean_and_every_internal_link_resolves(site: Path,
                                                                 browser: Any) -> None:
    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(f"{page.url}: {m.text}")
            if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 100
    ids: dict[Path, set[str]] = {}
    broken: list[str] = []
    checked = 0
    for path in pages:
        page.goto(url(path))
        assert page.locator("h1").count() == 1, f"{path}: one h1"
        for link in page.evaluate(LINKS_JS):
            parts = urlsplit(link)
            if parts.scheme != "file":
                continue
            target = Path(unquote(parts.path))
            checked += 1
            if not target.is_file():
                broken.append(f"{path.relative_to(site)} -> {link}")
                continue
            if parts.fragment and target.suffix == ".html":
                if target not in ids:
                    text = target.read_text(encoding="utf-8")
                    ids[target] = {chunk.split('"', 1)[0] for chunk in text.split(' id="')[1:]}
                if parts.fragment not in ids[target]:
                    broken.append(f"{path.relative_to(site)} -> {link} (no such id)")
    page.close()
    assert not errors, errors[:10]
    assert not broken, broken[:10]
    assert checked > 1000


def test_diagrams_render_with_a_size_and_a_name(site: Path, browser: Any) -> None:
    page = browser.new_page()
    for rel in ("entities/estrogen.html", "claims/ai-lowers-estrogen.html"):
        page.goto(url(site / rel))
        svg = page.locator(".diagram svg")
        assert svg.count() == 1, rel
        box = svg.bounding_box()
        assert box is not None and box["width"] > 100 and box["height"] > 50, (rel, box)
        assert svg.get_attribute("role") == "img"
        assert svg.get_attribute("aria-label")
        assert page.locator(".diagram svg text").count() > 3
    page.close()


def test_search_finds_magnesium_and_lands_on_the_right_claim(site: Path,
                                                             browser: Any) -> None:
    claim_id, statement = best_claim("magnesium hip bone density")
    page = browser.new_page()
    page.goto(url(site / "index.html"))
    page.get_by_label("Search claims, entities, studies").fill("magnesium")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search.html?q=magnesium")
    results = page.locator("#results a")
    assert results.count() > 1
    assert "found" in page.locator("#count").inner_text()
    texts = results.all_inner_texts()
    assert all("magnesium" in t.lower() or "mg" in t.lower() for t in texts[:3]), texts[:5]
    target = page.locator(f'#results a[href="claims/{claim_id}.html"]')
    assert target.count() == 1, (claim_id, texts)
    target.click()
    page.wait_for_url(f"**/claims/{claim_id}.html")
    assert page.locator("h1").inner_text() == statement
    page.close()


def test_keyboard_reaches_the_skip_link_then_the_navigation(site: Path, browser: Any) -> None:
    page = browser.new_page()
    page.goto(url(site / "index.html"))
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Article"
    page.close()


def test_phone_width_has_no_horizontal_scroll_and_screenshots(site: Path,
                                                              browser: Any) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    study = sorted((site / "studies").glob("[!i]*.html"))[0]
    pages = {"home": site / "index.html", "claim": site / "claims/ai-lowers-estrogen.html",
             "entity": site / "entities/estrogen.html", "study": study}
    phone = browser.new_page(viewport=PHONE)
    wide = browser.new_page(viewport={"width": 1200, "height": 900})
    for name, path in pages.items():
        phone.goto(url(path))
        over = phone.evaluate("document.documentElement.scrollWidth - "
                              "document.documentElement.clientWidth")
        assert over <= 0, f"{name} page scrolls sideways by {over}px at phone width"
        wide.goto(url(path))
        wide.screenshot(path=str(SHOTS / f"{name}.png"))
        phone.screenshot(path=str(SHOTS / f"{name}-phone.png"))
        assert (SHOTS / f"{name}.png").stat().st_size > 5000
    phone.close()
    wide.close()
