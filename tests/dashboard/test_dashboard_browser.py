"""The dashboard in a real browser (Debian's headless chromium, driven by Playwright): it loads with no network
beyond crowdmock, shows requests as they happen, expands them, filters, clears faults and resets."""

import os
import shutil
from urllib.parse import urlsplit

import httpx
import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# CI sets CROWDMOCK_REQUIRE_BROWSER=1 (after installing chromium), so there a missing browser fails the run.
pytestmark = pytest.mark.skipif(
    not os.path.exists(CHROMIUM) and not os.environ.get("CROWDMOCK_REQUIRE_BROWSER"),
    reason="chromium is not installed (apt-get install chromium)",
)
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def page(live_server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page()
        page.outside = []  # requests to anything but crowdmock (there must be none: it works offline)
        origin = urlsplit(live_server).netloc

        def only_crowdmock(route):
            if urlsplit(route.request.url).netloc == origin:
                route.continue_()
            else:
                page.outside.append(route.request.url)
                route.abort()

        page.route("**/*", only_crowdmock)
        page.set_default_timeout(10_000)
        yield page
        browser.close()


def test_dashboard_in_a_browser(page, live_server):
    page.goto(live_server + "/")
    page.wait_for_selector("#health.ok")
    assert page.locator("#vendors tbody tr").count() == 5
    ushahidi = page.locator('#vendors tr[data-vendor="ushahidi"]')
    assert f"{live_server}/ushahidi" in ushahidi.inner_text()
    assert "https://<deployment>.api.ushahidi.io" in ushahidi.inner_text()
    assert "robbie@ushahidi.com" in ushahidi.inner_text()
    assert ushahidi.locator("a", has_text="docs").get_attribute("href") == f"{live_server}/ushahidi/docs"

    # A request made to a vendor appears in the live journal; a click shows its headers and bodies.
    httpx.get(f"{live_server}/ushahidi/api/v3/posts/8328", headers={"X-From-Test": "yes"})
    row = page.locator("#journal tr.entry", has_text="/ushahidi/api/v3/posts/8328")
    row.wait_for()
    assert "200" in row.inner_text() and "GET" in row.inner_text()
    entry_id = row.get_attribute("data-id")
    detail = page.locator(f'#journal tr[data-detail-for="{entry_id}"]')
    assert detail.is_hidden()
    row.click()
    detail.wait_for(state="visible")
    assert "x-from-test" in detail.inner_text() and '"id": 8328' in detail.inner_text()

    # Filters narrow the journal.
    httpx.get(f"{live_server}/crowdskout/v1/profile/1")
    page.locator("#journal tr.entry", has_text="/crowdskout/v1/profile/1").wait_for()
    page.select_option("#filter-vendor", "crowdskout")
    row.wait_for(state="detached")
    assert page.locator("#journal tr.entry").count() == 1
    page.select_option("#filter-vendor", "")
    page.locator("#journal tr.entry", has_text="/ushahidi/api/v3/posts/8328").wait_for()

    # Fault rules are listed and the button clears them.
    httpx.post(f"{live_server}/__admin/faults", json={"vendor": "ushahidi", "status": 503})
    page.locator("#faults li[data-fault]").wait_for()
    assert "503" in page.locator("#faults").inner_text()
    page.click("#clear-faults")
    page.locator("#faults li[data-fault]").wait_for(state="detached")
    assert httpx.get(f"{live_server}/__admin/faults").json() == {"faults": []}

    # The reset button brings back the seeded data and empties the journal.
    token = httpx.post(f"{live_server}/__admin/tokens", json={"vendor": "ushahidi", "user": "admin@ushahidi.com"})
    deleted = httpx.delete(f"{live_server}/ushahidi/api/v3/posts/8328", headers=token.json()["headers"])
    assert deleted.status_code == 200
    assert httpx.get(f"{live_server}/ushahidi/api/v3/posts/8328").status_code == 404
    page.click("#reset-button")
    page.wait_for_function("document.querySelector('#reset-status').textContent.startsWith('Reset')")
    page.locator("#journal tr.entry").first.wait_for(state="detached")
    assert page.locator("#journal-empty").is_visible()
    assert httpx.get(f"{live_server}/ushahidi/api/v3/posts/8328").status_code == 200

    # A tenant picked in the header: the journal, faults and reset are that tenant's, each entry says whose it is.
    httpx.get(f"{live_server}/t/browser/ushahidi/api/v3/tags/1")
    page.locator('#tenant option[value="browser"]').wait_for(state="attached")
    page.select_option("#tenant", "browser")
    mine = page.locator("#journal tr.entry", has_text="/ushahidi/api/v3/tags/1")
    mine.wait_for()
    assert mine.locator("td.tenant").inner_text() == "browser"
    assert page.locator("#journal tr.entry").count() == 1  # the default tenant's GET of post 8328 is not shown
    page.click("#reset-button")
    mine.wait_for(state="detached")
    assert httpx.post(f"{live_server}/t/browser/__admin/requests/count", json={}).json() == {"count": 0}
    assert httpx.post(f"{live_server}/__admin/requests/count", json={}).json() == {"count": 1}

    assert page.outside == []


@pytest.mark.parametrize("base", ["/__admin", "/ushahidi", "/ideascale"])
def test_docs_pages_render_offline(page, live_server, base):
    page.goto(f"{live_server}{base}/docs")
    page.locator(".swagger-ui .opblock").first.wait_for()
    assert page.locator(".swagger-ui .opblock").count() >= 10
    assert page.outside == []
