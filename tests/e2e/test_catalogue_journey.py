"""Browser journey through the item lifecycle (ITEM-5): agency files → authority approves → operator tests and
publishes → the public guide page shows the item.

Runs Debian's chromium through Playwright's sync API against pytest-django's live server.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connections
from django.utils import timezone

from tests.factories import AgencyFactory, item_document, staff
from tests.staff_sessions import authenticator, current_code
from tongban.agencies.models import AgencyKind
from tongban.catalogue.models import LifecycleRequest, RequestState
from tongban.catalogue.models.choices import ItemStatus
from tongban.catalogue.services import guides, lifecycle
from tongban.core import workdays
from tongban.core.models import CalendarYear
from tongban.identity.models import StaffRole, User

# Playwright's sync API runs an event loop in this thread; Django would otherwise refuse ORM calls from it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]
PASSWORD = "correct-horse-battery"
SCREENSHOT = Path("/tmp/queue.png")


@pytest.fixture
def browser() -> Iterator[object]:
    """Debian's chromium, headless (the Playwright browser download is not reachable)."""
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), "install Debian's chromium: apt-get install -y chromium"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()
        # While Playwright's loop runs, Django keys its connections by context, not thread: the test body got
        # a connection of its own, which must be closed here or the test database cannot be dropped.
        connections.close_all()


def _log_in(page, base_url: str, username: str) -> None:  # noqa: ANN001 - Playwright page
    device = authenticator(User.objects.get(username=username))
    page.goto(f"{base_url}/workbench/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit] >> text=登录")
    # staff pass the TOTP second factor with the code their authenticator shows
    page.wait_for_url("**/workbench/two-factor/**")
    page.fill("#id_code", current_code(device))
    page.click("button[type=submit] >> text=验证")
    page.wait_for_url(f"{base_url}/workbench/")


def _log_out(page) -> None:  # noqa: ANN001 - Playwright page
    page.click("text=退出登录")
    page.wait_for_url("**/workbench/login/")


def test_item_goes_from_draft_to_the_public_portal_item_5(live_server, browser):
    """ITEM-5: agency applies → catalogue authority approves → operator tests and publishes → public guide."""
    # given the working-day calendar (a transactional test may have emptied it), a city with one department,
    # its draft item, three staff members and two other requests waiting for the authority (one overdue)
    if not CalendarYear.objects.exists():
        workdays.seed_from_package()
    city = AgencyFactory(name="上海市人民政府", kind=AgencyKind.GOVERNMENT)
    bureau = AgencyFactory(parent=city, name="上海市民政局")
    draft = guides.save_item_document(item_document(bureau, name="婚姻登记证明开具"), actor_label="王经办")
    item = draft.item
    admin = staff(StaffRole.AGENCY_ADMIN, bureau)
    authority = staff(StaffRole.CATALOGUE_AUTHORITY, city)
    operator = staff(StaffRole.PLATFORM_OPERATOR, city)
    for name, days in (("社会团体成立登记", -1), ("殡葬服务机构备案", 0)):
        waiting = guides.save_item_document(item_document(bureau, name=name), actor_label="王经办")
        request = lifecycle.file_version(None, waiting, "申请上线")
        LifecycleRequest.objects.filter(pk=request.pk).update(
            due_on=timezone.localdate() + datetime.timedelta(days=days)
        )
    page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="zh-CN")

    # when the agency admin files the draft for opening
    _log_in(page, live_server.url, admin.username)
    page.click("nav >> text=事项管理")
    page.click("text=婚姻登记证明开具")
    page.click("text=提交上线申请")
    page.fill("#id_reason", "新增婚姻登记证明开具事项，申请上线。")
    page.click("button >> text=提交")
    page.wait_for_selector("text=待审改部门审核")
    _log_out(page)

    # and the catalogue authority approves it from its queue
    _log_in(page, live_server.url, authority.username)
    page.click("nav >> text=审改审核")
    page.wait_for_selector("text=婚姻登记证明开具")
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    page.click("tr:has-text('婚姻登记证明开具') >> text=办理")
    page.fill("textarea[name=note]", "指南要素齐全，同意上线。")
    page.click("button >> text=同意")
    page.wait_for_selector("text=审核意见已提交")
    _log_out(page)

    # and the platform operator records a passed test and publishes
    _log_in(page, live_server.url, operator.username)
    page.click("nav >> text=测试与发布")
    page.click("tr:has-text('婚姻登记证明开具') >> text=办理")
    page.fill("textarea[name=report]", "接口联调测试通过。")
    page.click("button >> text=测试通过")
    page.wait_for_selector("text=测试结果已记录")
    page.click("button >> text=发布上线")
    page.wait_for_selector("text=事项已发布")

    # then the item is in service and its guide is on the public portal
    item.refresh_from_db()
    assert item.status == ItemStatus.IN_SERVICE
    assert item.published_version_id == draft.pk
    assert LifecycleRequest.objects.get(item=item).state == RequestState.COMPLETED
    response = page.goto(f"{live_server.url}/items/{item.implementation_code}/")
    assert response is not None and response.status == 200
    assert page.locator("h1").first.inner_text().startswith("婚姻登记证明开具")
    assert SCREENSHOT.stat().st_size > 0
