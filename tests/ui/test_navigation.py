"""The menu bar in a real headless Chromium: one line at 1440 and 1024 px in both
languages; a menu opened with the keyboard and an entry followed at 1024 px, the new page
marked current; under the lg breakpoint the menus fold behind the hamburger and still
open. Screenshots of a few pages with a menu open, zh and en, at 1440 and 1024 px."""

from __future__ import annotations

import pytest

from tests.ui.browser import login

pytestmark = pytest.mark.browser

NAVBAR = ".pa-navbar"


def one_line(page) -> bool:
    """Every top entry, the language switch and the log-out button share one row."""
    tops = page.eval_on_selector_all(
        "#pa-menu > ul > li", "lis => lis.map(li => li.getBoundingClientRect().top)")
    return max(tops) - min(tops) < 10


@pytest.mark.parametrize("width", [1440, 1024])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_menu_bar_is_one_line_and_a_menu_opens_by_keyboard(
        ui_pages, live_server, demo_users, artifacts_dir, width, lang):
    page, record = ui_pages(width, 800)
    login(page, live_server, *demo_users["admin"])
    page.goto(f"{live_server}/board?lang={lang}")
    assert not page.locator(".navbar-toggler").is_visible()
    assert page.locator(NAVBAR).bounding_box()["height"] < 70
    assert one_line(page)
    # the current page's menu is marked; its entry carries aria-current
    assert page.locator("#pa-nav-projects").get_attribute("class").split()[-1] == "active"
    assert page.locator("#pa-menu [aria-current=page]").get_attribute("href") == "/board"
    # keyboard: focus the 土地 menu, open it with Enter, walk down with the arrow keys
    page.focus("#pa-nav-land")
    page.keyboard.press("Enter")
    page.wait_for_selector("#pa-nav-land + .dropdown-menu.show")
    assert page.get_attribute("#pa-nav-land", "aria-expanded") == "true"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "/cleanup/idle"
    page.screenshot(path=str(artifacts_dir / f"nav-land-{lang}-{width}.png"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/cleanup/idle")
    assert page.locator("#pa-menu [aria-current=page]").get_attribute("href") == "/cleanup/idle"
    assert "active" in page.locator("#pa-nav-land").get_attribute("class").split()
    assert "active" not in page.locator("#pa-nav-projects").get_attribute("class").split()
    # Escape closes an open menu and gives the focus back to its button
    page.click("#pa-nav-projects")
    page.wait_for_selector("#pa-nav-projects + .dropdown-menu.show")
    page.screenshot(path=str(artifacts_dir / f"nav-projects-{lang}-{width}.png"))
    page.keyboard.press("Escape")
    page.wait_for_selector("#pa-nav-projects + .dropdown-menu:not(.show)", state="attached")
    assert page.evaluate("document.activeElement.id") == "pa-nav-projects"
    assert not record.page_errors and not record.console_errors(), record.console
    assert record.external_requests() == []


def test_a_planner_follows_a_menu_entry_with_the_mouse_at_1024(
        ui_pages, live_server, demo_users):
    page, record = ui_pages(1024, 800)
    login(page, live_server, *demo_users["planner"])
    page.goto(live_server + "/?lang=zh")
    assert page.locator("#pa-menu a[href='/'][aria-current=page]").text_content() == "地图"
    page.click("#pa-nav-projects")
    item = page.locator("#pa-nav-projects + .dropdown-menu a[href='/ranking']")
    assert item.is_visible() and item.inner_text() == "龙虎榜与旬报"
    with page.expect_navigation():
        item.click()
    assert page.url.endswith("/ranking")
    assert page.locator("#pa-menu [aria-current=page]").text_content() == "龙虎榜与旬报"
    assert not record.page_errors


def test_under_lg_the_menus_fold_behind_the_hamburger(ui_pages, live_server, demo_users,
                                                      artifacts_dir):
    page, record = ui_pages(900, 800)
    login(page, live_server, *demo_users["viewer"])
    page.goto(live_server + "/projects?lang=en")
    toggler = page.locator(".navbar-toggler")
    assert toggler.is_visible() and not page.locator("#pa-nav-land").is_visible()
    toggler.click()
    page.wait_for_selector("#pa-menu.show")
    page.click("#pa-nav-land")
    item = page.locator("#pa-nav-land + .dropdown-menu a[href='/evaluation']")
    item.wait_for(state="visible")
    # a viewer is offered no planner's page
    assert page.locator("#pa-menu a[href='/imports'], #pa-menu a[href='/rates']").count() == 0
    page.screenshot(path=str(artifacts_dir / "nav-hamburger-en-900.png"), full_page=True)
    with page.expect_navigation():
        item.click()
    assert page.url.endswith("/evaluation")
    assert not record.page_errors
