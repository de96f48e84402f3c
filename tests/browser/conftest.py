"""Real-browser fixtures: Debian's Chromium driven by Playwright against pytest-django's live server.

One browser for all the browser tests and a fresh context (cookies, storage, viewport) per
page, so the tests stay fast and never share a cookie. Every browser test module is marked
`browser` and `django_db(transaction=True, serialized_rollback=True)`: the live server runs in
another thread, so the data must be committed, and `serialized_rollback` puts back the rows the
data migrations seeded (clinic, offices, articles, staff groups), which the flush after each
transactional test would otherwise leave empty.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
ALLOW_ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


class BrowserRun:
    """Playwright and Chromium, started for the first browser test and stopped after the last.

    Playwright's sync API keeps an asyncio event loop marked as running in this thread, which
    changes how Django behaves for as long as it runs, so it must not outlive the browser tests:
    - Django refuses ORM calls from a thread with a running loop (SynchronousOnlyOperation),
      although these are plain sync calls: the loop is only Playwright's plumbing. Setting
      DJANGO_ALLOW_ASYNC_UNSAFE tells Django so, but the variable is inherited by subprocesses
      (other tests run `manage.py check --deploy`, which rejects it), hence only meanwhile.
    - Django keeps connections in thread-local storage, but in context-variable storage while a
      loop runs: the test database's connection objects are carried over, or the tests would
      open fresh ones lacking the serialized seed rows, and `serialized_rollback` would
      silently restore nothing.
    """

    def __init__(self):
        self.playwright = None
        self.browser = None
        self.previous_allow_async_unsafe = None

    def start(self):
        from django.db import connections
        from playwright.sync_api import sync_playwright

        executable = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
        if not Path(executable).is_file() or not os.access(executable, os.X_OK):
            pytest.fail(
                f"No Chromium at {executable}: the browser tests need one. Run `sudo apt-get install chromium` "
                "(Debian/Ubuntu; `make test` does it when run as root), or set CHROMIUM_PATH to a Chromium binary.",
                pytrace=False,
            )
        test_database_connections = {alias: connections[alias] for alias in connections}
        self.playwright = sync_playwright().start()
        for alias, connection in test_database_connections.items():
            connections[alias] = connection
        self.previous_allow_async_unsafe = os.environ.get(ALLOW_ASYNC_UNSAFE)
        os.environ[ALLOW_ASYNC_UNSAFE] = "true"
        self.browser = self.playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)

    def stop(self):
        if self.playwright is None:
            return
        try:
            if self.browser is not None:
                self.browser.close()
            self.playwright.stop()
        finally:
            self.playwright = self.browser = None
            if self.previous_allow_async_unsafe is None:
                os.environ.pop(ALLOW_ASYNC_UNSAFE, None)
            else:
                os.environ[ALLOW_ASYNC_UNSAFE] = self.previous_allow_async_unsafe


@pytest.fixture(scope="session")
def browser_run(live_server):
    # Set up after the live server, so torn down before it: Chromium's idle keep-alive sockets
    # close while the server's threads may still use the shared test database connection.
    run = BrowserRun()
    yield run
    run.stop()


@pytest.fixture
def browser(browser_run, django_db_setup):
    """Debian's Chromium (Playwright's own browser download does not work on this machine)."""
    if browser_run.browser is None:
        browser_run.start()
    return browser_run.browser


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Stop the browser once the next test is not a browser test (pytest-django runs all the
    transactional tests, these among them, together; a later browser test would start it again)."""
    result = yield
    if nextitem is None or nextitem.get_closest_marker("browser") is None:
        run = item.funcargs.get("browser_run")
        if run is not None:
            run.stop()
    return result


class NetworkLog:
    """Everything a page asked for, and what the browser's console complained about."""

    def __init__(self, page):
        self.page = page
        self.urls = []
        self.console_errors = []
        page.on("request", lambda request: self.urls.append(request.url))
        page.on("console", self._on_console)

    def _on_console(self, message):
        if message.type == "error":
            self.console_errors.append(message.text)

    def clear(self):
        self.urls.clear()
        self.console_errors.clear()
        self.page.context.clear_cookies()

    def cookies(self):
        return self.page.context.cookies()

    def other_origins(self, own_origin):
        """Requests that left the site's own origin (data: URIs never touch the network)."""
        return [url for url in self.urls if not url.startswith("data:") and origin_of(url) != own_origin]


def origin_of(url):
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@pytest.fixture
def new_page(browser, live_server):
    """Open a page in a browser context of its own: `new_page(viewport=PHONE)`.

    Relative URLs (`page.goto("/privacy/")`) go to the live server; `page.network` is its
    NetworkLog.
    """
    contexts = []

    def open_page(viewport=DESKTOP, **context_options):
        context_options = {"locale": "en-US", "timezone_id": settings.TIME_ZONE, **context_options}
        context = browser.new_context(base_url=live_server.url, viewport=viewport, **context_options)
        # A page that hangs should fail the test quickly, not after Playwright's 30 s default.
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.network = NetworkLog(page)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture(params=[PHONE, DESKTOP], ids=["phone", "desktop"])
def viewport(request):
    """The journeys run twice: on a phone and on a desktop screen."""
    return request.param


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def own_origin(live_server):
    return origin_of(live_server.url)
