"""The one workflow shape: the Transition row, the Workflow table and its helpers, and every app's
tables declared with them (real roles, translated labels)."""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import re

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cleangov.accounts.choices import RoleChoices as R
from cleangov.core import workflow as core_workflow
from cleangov.core.workflow import (
    Transition,
    Workflow,
    available_transitions,
    find_transition,
    may_take,
    validate_reason,
)
from cleangov.orgs.choices import UnitLevelChoices as L
from cleangov.orgs.models import Unit

CJK = re.compile(r"[\u4e00-\u9fff]")


def _table():
    # A toy table over unit levels, so the scope checks run against real units of the fixture county.
    return Workflow((
        Transition("raise", (L.VILLAGE,), L.TOWNSHIP, _("Confirm"), roles={R.TOWNSHIP_SECRETARY}),
        Transition("raise", (L.GROUP,), L.VILLAGE, _("Confirm"), roles={R.VILLAGE_SECRETARY}),
        Transition("lower", (L.VILLAGE, L.TOWNSHIP), L.GROUP, _("Cancel"), roles={R.COUNTY_COMMISSION},
                   needs_reason=True),
        Transition("tick", (L.VILLAGE,), L.COUNTY, _("Verify"), capability="tick"),
    ), states=L, state_field="level", path_field="path")


# --- the row and the table -------------------------------------------------------------------------
def test_a_single_source_is_a_tuple_and_roles_a_frozenset():
    t = Transition("go", "a", "b", "Go", roles=[R.AUDITOR])
    assert t.sources == ("a",) and t.roles == frozenset({R.AUDITOR})


@pytest.mark.parametrize("kwargs", [
    {"roles": {R.AUDITOR}, "capability": "tick"},  # both
    {},  # neither
])
def test_a_transition_has_roles_or_a_capability(kwargs):
    with pytest.raises(ImproperlyConfigured):
        Transition("go", ("a",), "b", "Go", **kwargs)


def test_a_transition_leaves_somewhere_else():
    with pytest.raises(ImproperlyConfigured):
        Transition("stay", ("a", "b"), "b", "Stay", capability="x")
    with pytest.raises(ImproperlyConfigured):
        Transition("none", (), "b", "None", capability="x")


def test_the_table_refuses_unknown_states_and_duplicate_steps():
    with pytest.raises(ImproperlyConfigured):
        Workflow((Transition("go", (L.VILLAGE,), "nowhere", "Go", capability="x"),), states=L)
    with pytest.raises(ImproperlyConfigured):
        Workflow((Transition("go", (L.VILLAGE,), L.GROUP, "Go", capability="x"),
                  Transition("go", (L.VILLAGE, L.COUNTY), L.TOWNSHIP, "Go", capability="x")))
    with pytest.raises(ImproperlyConfigured):
        Workflow((("go", (L.VILLAGE,), L.GROUP),))


def test_lookups():
    table = _table()
    assert find_transition(table, L.GROUP, "raise").target == L.VILLAGE
    assert find_transition(table, L.VILLAGE, "raise").target == L.TOWNSHIP
    assert find_transition(table, L.COUNTY, "raise") is None
    assert find_transition(table, L.VILLAGE, "fly") is None
    assert table.names == ("raise", "lower", "tick")
    assert [name for name, _label in table.choices()] == ["raise", "lower", "tick"]
    assert table.roles() == {R.TOWNSHIP_SECRETARY, R.VILLAGE_SECRETARY, R.COUNTY_COMMISSION}
    assert table.roles("raise") == {R.TOWNSHIP_SECRETARY, R.VILLAGE_SECRETARY}
    assert table.between(L.TOWNSHIP, L.GROUP).name == "lower"
    assert table.between(L.COUNTY, L.GROUP) is None
    assert len(table) == 4


def test_validate_reason():
    table = _table()
    lower, raise_ = find_transition(table, L.VILLAGE, "lower"), find_transition(table, L.VILLAGE, "raise")
    assert validate_reason(lower, "  because  ") == "because"
    assert validate_reason(raise_, "  ") == ""
    with pytest.raises(ValidationError) as exc:
        validate_reason(lower, "   ")
    assert list(exc.value.message_dict) == ["reason"]
    with pytest.raises(ValidationError):
        validate_reason(None, None, required=True)


# --- scope -----------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_available_transitions_follow_roles_in_scope_and_capabilities(county):
    table = _table()
    village_a, village_b = county.villages["a"], county.villages["b"]
    secretary_a = county.persona("township_secretary", "a")
    assert [t.name for t in available_transitions(table, secretary_a, village_a)] == ["raise"]
    assert available_transitions(table, secretary_a, village_b) == []  # the other township: out of scope
    commission = county.persona("county_commission")
    assert [t.name for t in available_transitions(table, commission, village_b)] == ["lower"]
    assert [t.name for t in available_transitions(table, commission, village_b, capabilities={"tick"})] == [
        "lower", "tick"]
    assert [t.name for t in available_transitions(table, commission, village_b, capabilities={"tick"},
                                                  names={"tick"})] == ["tick"]
    # the row for the object's own state decides: a group is raised by its village's secretary
    group_a = county.groups["a"]
    assert [t.name for t in available_transitions(table, county.persona("village_secretary", "a"), group_a)] == [
        "raise"]
    assert available_transitions(table, secretary_a, group_a) == []
    raise_from_village = find_transition(table, L.VILLAGE, "raise")
    assert may_take(table, raise_from_village, secretary_a, village_a)
    assert not may_take(table, raise_from_village, county.persona("auditor"), village_a)
    assert not may_take(table, find_transition(table, L.VILLAGE, "tick"), commission, village_a)
    assert Unit.objects.filter(pk=village_a.pk, level=L.VILLAGE).exists()  # the toy table changed nothing


@pytest.mark.django_db
def test_capabilities_cost_no_query_and_each_role_set_is_checked_once(county, django_assert_num_queries):
    table = _table()
    commission, village = county.persona("county_commission"), county.villages["a"]
    with django_assert_num_queries(0):
        available_transitions(table, commission, village, capabilities={"tick"}, names={"tick"})
    # Two role sets leave a village (raise, lower): each costs one look at the assignments, plus one
    # EXISTS for the set the commission holds (a set the user holds nowhere needs no EXISTS).
    with django_assert_num_queries(3):
        available_transitions(table, commission, village, capabilities={"tick"})


# --- every app ------------------------------------------------------------------------------------
def _app_workflow_modules():
    out = []
    for config in apps.get_app_configs():
        name = f"{config.name}.workflow"
        if config.name.startswith("cleangov.") and config.name != "cleangov.core" \
                and importlib.util.find_spec(name) is not None:
            out.append(importlib.import_module(name))
    return out


def _tables(module) -> list[Workflow]:
    return [value for value in vars(module).values() if isinstance(value, Workflow)]


def test_the_apps_with_workflows_are_found():
    found = {m.__name__ for m in _app_workflow_modules()}
    assert {"cleangov.duties.workflow", "cleangov.finance.workflow", "cleangov.assessment.workflow",
            "cleangov.deadlines.workflow"} <= found


@pytest.mark.parametrize("module", _app_workflow_modules(), ids=lambda m: m.__name__)
def test_every_app_workflow_uses_the_core_shape(module):
    tables = _tables(module)
    assert tables, f"{module.__name__} declares no cleangov.core.workflow.Workflow"
    # No second transition class and no table in another shape (dicts keyed by state pairs).
    for name, value in vars(module).items():
        if inspect.isclass(value) and value.__module__ == module.__name__:
            pytest.fail(f"{module.__name__}.{name}: workflow modules declare tables, not classes")
        if isinstance(value, dict) and any(isinstance(k, tuple) for k in value):
            pytest.fail(f"{module.__name__}.{name}: a table keyed by (from, to) instead of a Workflow")
    assert getattr(module, "Transition", Transition) is core_workflow.Transition
    for table in tables:
        assert all(type(t) is Transition for t in table)


@pytest.mark.parametrize("module", _app_workflow_modules(), ids=lambda m: m.__name__)
def test_every_transition_names_real_roles_and_a_translated_label(module):
    real_roles = set(R.values)
    for table in _tables(module):
        for t in table:
            assert t.roles <= real_roles, f"{t.name}: {set(t.roles) - real_roles} are not roles"
            assert isinstance(t.label, Promise), f"{t.name}: the label is not gettext_lazy"
            with translation.override("en"):
                english = str(t.label)
            with translation.override("zh-hans"):
                chinese = str(t.label)
            assert english and CJK.search(chinese), f"{t.name}: no zh-Hans label for {english!r}"
