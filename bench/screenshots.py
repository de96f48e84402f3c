"""Screenshots of the pages a patient sees, to look at them (`make screenshots`).

Serves the site with a throwaway SQLite database seeded by the migrations, drives Debian's
Chromium with Playwright (as the browser tests do) at 390 x 844 and 1280 x 800, English and
Spanish, and writes PNGs to bench/out/screenshots/ (ignored by git). Also prints the phone's
first-screen measures: the header's height and where the Request button starts.
"""

import datetime
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "screenshots"
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
PAGES = {
    "home": "/",
    "article": "/articles/the-link-between-iron-deficiency-and-restless-leg-syndrome/",
    "office": "/locations/medical-center-drive/",
    "form": "/appointments/request/",
}
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(env):
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--no-input", "--verbosity", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run([*manage, "createcachetable"], cwd=ROOT, env=env, check=True)
    port = free_port()
    server = subprocess.Popen(
        [*manage, "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    origin = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{origin}/healthz", timeout=2)
            return server, origin
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("The server did not start")


def weekday_ahead(days=4):
    day = datetime.date.today() + datetime.timedelta(days=days)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def send_request(page, prefix):
    """A valid request, filled as a patient would (the labels of the page's language)."""
    page.locator("input[name=first_name]").fill("María José")
    page.locator("input[name=last_name]").fill("Nuñez")
    page.locator("input[name=phone]").fill("915-555-0142")
    page.locator("input[name=location]").first.check()
    page.locator("input[name=preferred_date]").fill(weekday_ahead().isoformat())
    for name in ("preferred_time", "patient_kind", "reason", "contact_method", "callback_language"):
        page.locator(f"input[name={name}]").first.check()
    page.locator("input[name=consent]").check()
    with page.expect_navigation():
        page.locator("form.request-form button[type=submit]").click()


def first_screen(page):
    return page.evaluate(
        """() => ({
            header: Math.round(document.querySelector('header.site-header').getBoundingClientRect().height),
            request: Math.round(document.querySelector('main a[href*="/appointments/request/"]')
                .getBoundingClientRect().top),
        })"""
    )


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    database = OUT / "screenshots.sqlite3"
    database.unlink(missing_ok=True)
    env = {**os.environ, "DEBUG": "1", "DATABASE_URL": f"sqlite:///{database}", "LOG_LEVEL": "WARNING"}
    server, origin = start_server(env)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for language, prefix in (("en", ""), ("es", "/es")):
                for size, viewport in SIZES.items():
                    context = browser.new_context(base_url=origin, viewport=viewport, locale=f"{language}-US")
                    page = context.new_page()
                    for name, path in PAGES.items():
                        page.goto(prefix + path)
                        page.screenshot(path=OUT / f"{name}-{language}-{size}.png", full_page=True)
                        if name == "home" and size == "phone":
                            print(f"{language} phone first screen: {first_screen(page)}")
                    page.goto(prefix + PAGES["form"])
                    page.locator("form.request-form button[type=submit]").click()
                    page.wait_for_load_state()
                    page.screenshot(path=OUT / f"form-errors-{language}-{size}.png", full_page=True)
                    page.goto(prefix + PAGES["form"])
                    send_request(page, prefix)
                    page.screenshot(path=OUT / f"confirmation-{language}-{size}.png", full_page=True)
                    context.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"Screenshots in {OUT.relative_to(ROOT)}/")


if __name__ == "__main__":
    main()
