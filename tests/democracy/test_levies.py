from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from cleangov.democracy.actions import do_create_levy_plan
from cleangov.democracy.caps import levy_caps

pytestmark = pytest.mark.django_db


def _plan(county, cash, days, **kw):
    return do_create_levy_plan(acting_user=county.persona("committee_director"), unit=county.villages["a"],
                               year=kw.pop("year", 2026), project=kw.pop("project", "村道硬化"),
                               budget=Decimal("30000"), cash_per_person=Decimal(cash),
                               workdays_per_labourer=Decimal(days), persons=kw.pop("persons", 800),
                               labourers=kw.pop("labourers", 400), **kw)


def test_caps_come_from_the_data_file_with_sources():
    caps = levy_caps()
    assert (caps.cash_per_person_year, caps.workdays_per_labourer_year) == (Decimal("15.00"), Decimal("10"))
    assert any("国办发〔2007〕4号" in s for s in caps.sources)


def test_exactly_the_cap_is_allowed_and_one_fen_over_is_refused(county):
    _plan(county, "15.00", "10")
    with pytest.raises(ValidationError) as err:
        _plan(county, "0.01", "0", project="路灯")
    assert "cash_per_person" in err.value.error_dict
    _plan(county, "5", "0", year=2027)  # another year has its own cap


def test_the_caps_add_up_over_the_year_and_the_message_is_clear(county):
    _plan(county, "10", "6")
    with translation.override("en"), pytest.raises(ValidationError) as err:
        _plan(county, "6", "5", project="水渠")
    messages = {k: " ".join(v) for k, v in err.value.message_dict.items()}
    assert "16" in messages["cash_per_person"] and "15" in messages["cash_per_person"]
    assert "11" in messages["workdays_per_labourer"]
    with translation.override("zh-hans"), pytest.raises(ValidationError) as err:
        _plan(county, "6", "0", project="水渠")
    assert "上限" in " ".join(err.value.messages)


def test_exemptions_are_recorded_and_cannot_exceed_the_people(county):
    plan = _plan(county, "10", "5", exemptions={"servicemen": 3, "students": 40, "pregnant": 0})
    assert {(e.category, e.count) for e in plan.exemptions.all()} == {("servicemen", 3), ("students", 40)}
    with pytest.raises(ValidationError):
        _plan(county, "1", "1", persons=10, exemptions={"students": 11}, project="桥")
