import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, screenshot
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, databases="__all__")]


def test_log_in_and_out(anonymous_page, staff_users):
    page = anonymous_page
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login/"))
    assert_accessible(page)
    screenshot(page, "login")
    page.get_by_label("Username").fill("box_office")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("correct username and password")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name="Events")).to_be_visible()
    expect(page.locator(".test-mode")).to_contain_text("TEST MODE")
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/login/"))


def test_the_slash_key_jumps_to_order_search(browser_page_as):
    page = browser_page_as("box_office")
    page.locator("main").click()
    page.keyboard.press("/")
    expect(page.locator("#order-search")).to_be_focused()


def test_a_door_volunteer_sees_no_order_search(browser_page_as):
    page = browser_page_as("door")
    expect(page.locator("#order-search")).to_have_count(0)
    expect(page.get_by_role("link", name="Audit log")).to_have_count(0)
