"""The disclosure's URLs in the permission matrix (tests/support/urlregistry/__init__.py explains the format).

The public pages (namespace ``disclosure_public``) need no login and are tested in tests/disclosure/;
they join the registry's list of public URL names here, so this app's lines stay in this file.
"""

from __future__ import annotations

from datetime import date

from . import act, register, view

_registry = __import__("tests.support.urlregistry", fromlist=["PUBLIC_URL_NAMES"])
_registry.PUBLIC_URL_NAMES = _registry.PUBLIC_URL_NAMES | frozenset(
    f"disclosure_public:{name}" for name in ("search", "question", "verify", "village", "feed", "item", "ask",
                                             "sheet", "table", "attachment"))


def _village(fc, side, user):
    return {"unit_id": fc.unit("village", side).pk}


def _item(fc, side, *, publish=False):
    from cleangov.disclosure import actions
    from cleangov.disclosure.models import Disclosure

    unit = fc.unit("village", side)
    actions.do_schedule_disclosures(unit, through=date(2025, 6, 30), acting_user=None)
    d = Disclosure.objects.get(unit=unit, catalog_code="village.quarterly", period_start=date(2025, 4, 1))
    if publish and not d.latest_version:
        actions.do_submit_disclosure(d, values={"decisions": "matrix"}, acting_user=None)
        actions.do_sign_disclosure(d, acting_user=None)
        d.refresh_from_db()
    return d


def _item_kwargs(fc, side, user):
    return {"disclosure_id": _item(fc, side).pk}


def _question_kwargs(fc, side, user):
    from cleangov.disclosure import actions

    q = actions.do_ask_question(_item(fc, side, publish=True), text="matrix", acting_user=None)
    return {"question_id": q.pk}


register("disclosure:index", get=view("disclosure"))
register("disclosure:village", get=view("disclosure"), kwargs=_village)
# An empty POST names no event: the form answers with its errors on the village's page (302).
register("disclosure:record_event", post=act("disclosure_event", 302), kwargs=_village)
register("disclosure:detail", get=view("disclosure"), kwargs=_item_kwargs)
# An empty POST names no step: back to the item with an error (302), nothing changed.
register("disclosure:step", post=act("disclosure_step", 302), kwargs=_item_kwargs)
register("disclosure:answer_question", post=act("disclosure_answer", 302), kwargs=_question_kwargs)
register("disclosure:hide_question", post=act("disclosure_moderation", 302), kwargs=_question_kwargs)
