"""A real browser through the Django example: login, the provider's page, Approve, logged in.

Headless Chromium (the OS packages ``chromium`` and ``chromium-driver``) driven by selenium; the
example site and the embedded provider are both served on 127.0.0.1. Skips, saying why, where
no Chromium is installed (``.ci/run`` installs it).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")

if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
    pytest.skip(
        "headless Chromium is not installed here (/usr/bin/chromium and /usr/bin/chromedriver);"
        " install it with: apt-get install chromium chromium-driver",
        allow_module_level=True,
    )

pytest.importorskip("selenium", reason="the browser test needs selenium (the dev extra)")
pytest.importorskip("django", reason="the browser test drives the Django example (dev extra)")

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.test import override_settings  # noqa: E402
from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import TimeoutException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.remote.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.support import expected_conditions  # noqa: E402
from selenium.webdriver.support.wait import WebDriverWait  # noqa: E402

from transports.demo import DEMO_CONSUMER, DemoProvider, RunningProvider  # noqa: E402

from .test_examples_django import (  # noqa: E402
    SITE_NAME,
    forget_everyone,
    oauth_settings,
    profile_model,
    setup_django,
)


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    # A browser keeps spare connections open; a thread each keeps them from blocking the rest.
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def provider() -> Iterator[RunningProvider]:
    setup_django()
    with DemoProvider(consumers=[(DEMO_CONSUMER, SITE_NAME)]).serve() as running:
        yield running
    forget_everyone()


@pytest.fixture
def site(provider: RunningProvider) -> Iterator[str]:
    """The Django example served on 127.0.0.1, talking to the embedded provider."""
    import threading

    server = make_server(
        "127.0.0.1",
        0,
        get_wsgi_application(),
        server_class=_ThreadingServer,
        handler_class=_QuietHandler,
    )
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        with override_settings(OAUTH=oauth_settings(provider.endpoints)):
            yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


@pytest.fixture
def browser() -> Iterator[WebDriver]:
    profile = tempfile.mkdtemp(prefix="oauthcore-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless",
        "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--no-default-browser-check",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _wait_for(driver: WebDriver, element_id: str) -> None:
    try:
        WebDriverWait(driver, 20).until(
            expected_conditions.presence_of_element_located((By.ID, element_id))
        )
    except TimeoutException:
        # Shown with the failure: where the browser ended up instead.
        print("URL:", driver.current_url)
        print(driver.page_source)
        raise


def test_sign_in_with_a_real_browser(
    site: str, provider: RunningProvider, browser: WebDriver
) -> None:
    browser.get(site + "/")
    assert browser.find_element(By.ID, "status").text == "Not signed in."

    browser.find_element(By.ID, "login").click()
    _wait_for(browser, "approve")
    # The provider's own page, naming the application that asks.
    assert browser.current_url.startswith(f"{provider.endpoints.authorize}?oauth_token=")
    assert browser.title == f"Authorize {SITE_NAME}?"
    assert browser.find_element(By.ID, "app").text == SITE_NAME

    browser.find_element(By.ID, "approve").click()
    _wait_for(browser, "username")
    # Back at the site, through login/authenticated/, signed in.
    assert browser.current_url == site + "/"
    assert browser.find_element(By.ID, "username").text == "demo-user"
    assert profile_model().objects.get(user__username="demo-user").oauth_token

    browser.find_element(By.ID, "logout").click()
    _wait_for(browser, "login")
    assert browser.find_element(By.ID, "status").text == "Not signed in."


def test_deny_in_a_real_browser(site: str, browser: WebDriver) -> None:
    browser.get(site + "/login/")
    _wait_for(browser, "deny")
    browser.find_element(By.ID, "deny").click()
    _wait_for(browser, "login")
    assert browser.current_url == site + "/"
    assert "the resource owner denied access" in browser.page_source
