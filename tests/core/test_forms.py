"""The shared form plumbing: action errors mapped onto forms, the project form renderer, the pager."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.template import RequestContext, Template
from django.test import RequestFactory

from cleangov.core.forms import add_action_errors


class _Form(forms.Form):
    reason = forms.CharField(label="Reason", help_text="Why")
    f_amount = forms.IntegerField(label="Amount")
    agree = forms.BooleanField(label="Agree", required=False)


def _bound():
    form = _Form({"reason": "x", "f_amount": "1"})
    assert form.is_valid()
    return form


def test_field_errors_go_to_their_field_and_the_rest_to_the_form():
    form = _bound()
    add_action_errors(form, ValidationError({"reason": "too short", "amount": "too big", "nowhere": "lost?"}),
                      field_prefix="f_")
    assert form.errors["reason"] == ["too short"]
    assert form.errors["f_amount"] == ["too big"]  # the prefixed field of a generated form
    assert form.non_field_errors() == ["lost?"]  # a field the form does not have: kept on the form


def test_a_plain_error_goes_to_the_form():
    form = _bound()
    add_action_errors(form, ValidationError(["one", "two"]))
    assert form.non_field_errors() == ["one", "two"]


def test_the_project_renderer_draws_every_form():
    form = _bound()
    add_action_errors(form, ValidationError({"reason": "too short", "other": "whole form"}))
    html = str(form)
    assert 'class="field field-invalid"' in html and '<p class="field-error" role="alert">too short</p>' in html
    assert '<div class="alert alert-error" role="alert">' in html and "whole form" in html
    assert '<p class="help" id="id_reason_helptext">Why</p>' in html
    assert "<label>" in str(form["agree"].as_field_group())  # a checkbox sits inside its label


def test_the_pager_keeps_the_filters():
    request = RequestFactory().get("/list/", {"event": "a b", "page": "2"})
    page = Paginator(list(range(30)), 10).get_page(2)
    html = Template('{% include "includes/pagination.html" %}').render(RequestContext(request, {"page": page}))
    assert 'href="?event=a+b&amp;page=1" rel="prev"' in html
    assert 'href="?event=a+b&amp;page=3" rel="next"' in html
    assert 'aria-current="page"' in html
    one = Paginator(list(range(3)), 10).get_page(1)
    assert "<nav" not in Template('{% include "includes/pagination.html" %}').render(
        RequestContext(request, {"page": one}))


def test_a_field_group_renders_every_element_its_input_is_described_by():
    """Django points an input's aria-describedby at ``<id>_helptext`` and, with errors, ``<id>_error``:
    the project's field template renders both ids, so a screen reader finds the help and the error."""
    from django import forms as django_forms

    from tests.test_permission_matrix import dangling_describedby

    class Sample(django_forms.Form):
        name = django_forms.CharField(help_text="用单位全称")
        day = django_forms.DateField()

    form = Sample({"name": "", "day": "not a date"})
    assert not form.is_valid()
    html = str(form["name"].as_field_group()) + str(form["day"].as_field_group())
    assert 'aria-describedby="id_name_helptext id_name_error"' in html
    assert dangling_describedby(html) == []
    assert dangling_describedby('<input aria-describedby="x_helptext">') == ["x_helptext"]
