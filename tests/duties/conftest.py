from datetime import date

import pytest

from cleangov.duties.actions import do_add_key_point, do_create_duty_item, do_create_keypoints, do_publish_keypoints

YEAR = 2026  # a fixed year: tests that need "today" take it from timezone.localdate()


@pytest.fixture
def key_point(county):
    doc = do_create_keypoints(acting_user=county.persona("county_leader"), unit=county.county, year=YEAR,
                              title=f"{YEAR}年党风廉政建设工作要点")
    point = do_add_key_point(doc, acting_user=county.persona("county_leader"), title="落实全面从严治党主体责任")
    do_publish_keypoints(doc, acting_user=county.persona("county_leader"))
    point.refresh_from_db()
    return point


@pytest.fixture
def make_item(county, key_point):
    def _make(side="a", *, lead_role="township_leader", level="township", assign=True, parent=None,
              due=date(YEAR, 12, 31), actor_role="township_secretary"):
        return do_create_duty_item(
            acting_user=county.persona(actor_role, side), unit=county.unit(level, side), year=YEAR,
            title="每季度听取分管领域党风廉政建设情况汇报", lead_person=county.persona(lead_role, side).person,
            due_date=due, expected_evidence="会议记录、汇报材料", key_point=key_point, parent=parent, assign=assign)

    return _make
