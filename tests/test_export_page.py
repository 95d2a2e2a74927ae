"""The HTML export in a real browser: Debian's chromium, driven by selenium through the system chromedriver.

The page is loaded from a file:// URL with the network switched off; it must load without a
console error, and hovering a token must change which cells are highlighted. `.ci/run` installs
chromium and chromium-driver, so under CI=true this test runs; elsewhere it is skipped, saying why,
only when they are missing.
"""

from __future__ import annotations

import os
import shutil
import time

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND"]


def _browser_or_skip():
    missing = [path for path in (CHROMIUM, CHROMEDRIVER) if not shutil.which(path)]
    if missing:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but {', '.join(missing)} is missing: .ci/run installs chromium and chromium-driver")
        pytest.skip(f"{', '.join(missing)} not installed (apt-get install chromium chromium-driver)")
    if os.environ.get("CI", "").lower() == "true":
        from selenium import webdriver  # part of the [test] extra: missing under CI is a failure

        return webdriver
    return pytest.importorskip("selenium.webdriver", reason="selenium is in the [test] extra")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    webdriver = _browser_or_skip()
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS + [f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # the path given explicitly: Selenium Manager never runs, nothing is downloaded
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.emulateNetworkConditions",
                           {"offline": True, "latency": 0, "downloadThroughput": 0, "uploadThroughput": 0})
    yield driver
    driver.quit()


@pytest.fixture
def page(tutor, tmp_path):
    def export(*args: str) -> str:
        path = tmp_path / "attention.html"
        result = tutor(*args, "--export", str(path))
        assert result.exit_code == 0, result.output
        return path.as_uri()
    return export


def _highlighted(driver) -> list[str]:
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('td.hl')).map(c => c.dataset.row + ',' + c.dataset.col);")


def _errors(driver) -> list[dict]:
    return [entry for entry in driver.get_log("browser") if entry.get("level") == "SEVERE"]


def test_the_page_loads_offline_and_hovering_a_token_highlights_its_row_and_column(browser, page):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    started = time.monotonic()
    browser.get(page("attention", "the cat sat on the mat", "--model", "random", "--heads", "2"))
    assert _errors(browser) == []
    cells = browser.find_elements(By.CSS_SELECTOR, "table.map td")
    assert len(cells) == 36
    assert "the cat sat on the mat" in browser.find_element(By.ID, "title").text
    assert "random" in browser.find_element(By.TAG_NAME, "body").text  # the note on the weights
    assert _highlighted(browser) == []

    rows = browser.find_elements(By.CSS_SELECTOR, "th.row")
    ActionChains(browser).move_to_element(rows[1]).perform()  # "cat"
    first = _highlighted(browser)
    assert len(first) == 11 and all("1" in cell.split(",") for cell in first)  # row 2 and column 2
    ActionChains(browser).move_to_element(rows[4]).perform()  # the second "the"
    second = _highlighted(browser)
    assert len(second) == 11 and set(second) != set(first)
    assert "the" in browser.find_element(By.ID, "readout").text

    before = [cell.get_attribute("style") for cell in cells]
    browser.find_element(By.CSS_SELECTOR, 'button[data-kind="head"][data-index="1"]').click()
    after = [cell.get_attribute("style") for cell in cells]
    assert before != after  # head 2 drawn on the same scale
    assert _errors(browser) == []
    assert time.monotonic() - started < 60


def test_a_trained_model_page_switches_layers_and_says_which_model(browser, page):
    from selenium.webdriver.common.by import By

    browser.get(page("--lang", "zh", "attention", "h e a d c b g f", "--model", "induction"))
    assert _errors(browser) == []
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "induction" in body and "留出集准确率" in body and "所有层和头共用一个刻度" in body
    title = browser.find_element(By.ID, "title").text
    assert "第 1 层" in title
    cells = browser.find_elements(By.CSS_SELECTOR, "table.map td")
    before = [cell.get_attribute("style") for cell in cells]
    browser.find_element(By.CSS_SELECTOR, 'button[data-kind="layer"][data-index="1"]').click()
    assert "第 2 层" in browser.find_element(By.ID, "title").text
    assert [cell.get_attribute("style") for cell in cells] != before
    assert _errors(browser) == []
