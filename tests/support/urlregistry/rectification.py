"""The rectification app's entries in the permission matrix (tests/support/urlregistry/__init__.py).

Objects: an item opened by hand in the village (or township) of a side, whose responsible person is
a person without an account, so no persona is its subject. The work view's item belongs to the
requesting user on side "a" (they are its responsible person) and to another user on side "b".
"""

from __future__ import annotations

from datetime import timedelta

from . import _other_user, act, register, view


def _item(fc, side, *, level="village", person=None):
    from django.utils import timezone

    from cleangov.orgs.actions import do_create_person
    from cleangov.rectification.actions import do_open_item
    from cleangov.rectification.models import RectificationItem

    unit = fc.unit(level, side) if isinstance(level, str) else level
    if person is None:
        n = RectificationItem.objects.count()
        person = do_create_person(acting_user=None, code=f"P-RECT-{side}-{n}", name="整改责任人",
                                  home_unit=fc.unit("village", side),
                                  identity_number=f"1101011990010{n:05d}")
    return do_open_item(unit=unit, title="白条抵库", problem_type="voucher_irregularity", responsible_person=person,
                        deadline=timezone.localdate() + timedelta(days=30), acting_user=None)


def _item_kwargs(fc, side, user):
    return {"item_id": _item(fc, side).pk}


def _own_item(fc, side, user):
    owner = user if side == "a" else _other_user(fc, user)
    unit = owner.role_assignments.select_related("unit").first().unit
    return {"item_id": _item(fc, side, level=unit, person=owner.person).pk}


def _evidence(fc, side, user):
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from cleangov.rectification.models import ItemEvidence

    item = _item(fc, side)
    evidence = ItemEvidence(item=item, kind="file", original_name="e.txt", content_type="text/plain", size=4,
                            sha256="0" * 64, created_at=timezone.now())
    evidence.file.save("e.txt", ContentFile(b"test"), save=True)
    return {"item_id": item.pk, "evidence_id": evidence.pk}


def _timeline(fc, side, user):
    return {"ref": f"rectification.rectificationitem:{_item(fc, side).pk}"}


register("rectification:index", get=view("rectification_home"))
# An empty POST re-renders the form with its errors.
register("rectification:item_new", get=act("rectification_item"), post=act("rectification_item"))
register("rectification:dashboard", get=view("rectification_item"))
register("rectification:export_csv", get=view("rectification_item"))
register("rectification:item_detail", get=view("rectification_item"), kwargs=_item_kwargs)
# Verifying an item that was never submitted is refused with a message on the page.
register("rectification:item_decide", post=act("rectification_item"),
         kwargs=lambda fc, side, user: {**_item_kwargs(fc, side, user), "verb": "verify"})
register("rectification:item_repayment", post=act("rectification_item"), kwargs=_item_kwargs)
register("rectification:item_recuse", post=act("rectification_recusal"), kwargs=_item_kwargs)
register("rectification:evidence_file", get=view("rectification_item"), kwargs=_evidence)
register("rectification:item_work", get=view("own_rectification_item"), post=act("own_rectification_item"),
         kwargs=_own_item, owner_only=True, readers_redirect="rectification_item")
# The timeline of a matter: here, of an item; who may see it is who may see the item.
register("core:matter_timeline", get=view("rectification_item"), kwargs=_timeline)
