"""The duties app's entries in the permission matrix (cleangov/core/urlregistry.py).

Objects are built on side "a" or "b" of the fixture county. Member roles (township leader,
department staff, committee director) see their own items only, so the builders make the
persona of the requesting role on that side the lead leader where the role is a member role.
"""

from __future__ import annotations

from datetime import date

from cleangov.core.urlregistry import register

from .access import DUTY_ROLES, KEYPOINT_ADMIN_VIEW_ROLES, KEYPOINT_EDIT_ROLES, MANAGE_ROLES

YEAR = 2026
DUTY = frozenset(str(r) for r in DUTY_ROLES)
MANAGE = frozenset(str(r) for r in MANAGE_ROLES)
# Letters: overseers in scope and the two named people; the township-level matrix letter names the
# township secretary and the township leader (the only member role in scope of a township).
LETTER = DUTY


def _keypoints(fc, *, published=True):
    from .actions import do_add_key_point, do_create_keypoints, do_publish_keypoints
    from .models import AnnualKeyPoints

    year = 3000 + AnnualKeyPoints.objects.count()
    doc = do_create_keypoints(acting_user=None, unit=fc.county, year=year, title=f"{year}年工作要点")
    point = do_add_key_point(doc, acting_user=None, title="落实主体责任")
    if published:
        do_publish_keypoints(doc, acting_user=None)
    return doc, point


def _role_of(user):
    return user.role_assignments.values_list("role", flat=True).first()


def _township_item(fc, side, user):
    from .actions import do_create_duty_item

    role = _role_of(user)
    lead_role = "township_leader" if role == "township_leader" else "township_secretary"
    lead = fc.persona(lead_role, side).person
    return do_create_duty_item(acting_user=None, unit=fc.unit("township", side), year=YEAR, title="召开专题会议",
                               lead_person=lead, due_date=date(YEAR, 12, 31), expected_evidence="会议记录",
                               assign=True)


def _village_item(fc, side, user):
    from .actions import do_create_duty_item

    parent = _township_item(fc, side, user)
    role = _role_of(user)
    lead_role = "committee_director" if role == "committee_director" else "village_secretary"
    return do_create_duty_item(acting_user=None, unit=fc.unit("village", side), year=YEAR, title="召开专题会议",
                               lead_person=fc.persona(lead_role, side).person, due_date=date(YEAR, 12, 31),
                               expected_evidence="会议记录", parent=parent, assign=True)


def _item_kwargs(fc, side, user):
    return {"item_id": _village_item(fc, side, user).pk}


def _township_item_kwargs(fc, side, user):
    return {"item_id": _township_item(fc, side, user).pk}


def _evidence_kwargs(fc, side, user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .actions import do_add_duty_progress

    item = _village_item(fc, side, user)
    upload = SimpleUploadedFile("minutes.txt", "会议记录".encode(), content_type="text/plain")
    progress = do_add_duty_progress(item, acting_user=None, text="已召开", files=[upload])
    return {"file_id": progress.files.get().pk}


def _fresh_year():
    from .models import ResponsibilityLetter

    return 4000 + ResponsibilityLetter.objects.count()


def _letter_kwargs(fc, side, user):
    from .actions import do_create_letter

    township = fc.unit("township", side)
    letter = do_create_letter(acting_user=None, year=_fresh_year(), issuer_unit=township,
                              issuer_person=fc.persona("township_secretary", side).person, recipient_unit=township,
                              recipient_person=fc.persona("township_leader", side).person)
    return {"letter_id": letter.pk}


def _own_letter_kwargs(fc, side, user):
    """A letter naming the requesting user as recipient (side a) or another person (side b)."""
    from cleangov.core.urlregistry import _other_user

    from .actions import do_create_letter

    recipient = user if side == "a" else _other_user(fc, user)
    assignment = recipient.role_assignments.select_related("unit").first()
    issuer = next(u for u in fc.users.values() if u.pk not in (user.pk, recipient.pk))
    letter = do_create_letter(acting_user=None, year=_fresh_year(), issuer_unit=fc.county,
                              issuer_person=issuer.person, recipient_unit=assignment.unit,
                              recipient_person=recipient.person)
    return {"letter_id": letter.pk}


def _unit_year(fc, side, user):
    return {"unit_id": fc.unit("township", side).pk, "year": YEAR}


register("duties:my_duties", noun="duty_item")
register("duties:keypoints_list", noun="key_points")
register("duties:keypoints_detail", noun="key_points", roles=frozenset(str(r) for r in KEYPOINT_ADMIN_VIEW_ROLES),
         kwargs=lambda fc, side, user: {"doc_id": _keypoints(fc)[0].pk}, level="county")
register("duties:keypoints_publish", noun="key_points", roles=frozenset(str(r) for r in KEYPOINT_EDIT_ROLES),
         kwargs=lambda fc, side, user: {"doc_id": _keypoints(fc, published=False)[0].pk}, level="county",
         method="post", allowed_status=302)
register("duties:unit_plan", noun="duty_item", roles=DUTY, kwargs=_unit_year, level="township")
register("duties:letters_generate", noun="letter", roles=MANAGE, kwargs=_unit_year, level="township",
         method="post", allowed_status=302)
register("duties:item_detail", noun="duty_item", roles=DUTY, kwargs=_item_kwargs, level="village")
register("duties:item_transition", noun="duty_item", roles=MANAGE,
         kwargs=lambda fc, side, user: {"item_id": _village_item(fc, side, user).pk, "step": "cancel"},
         level="village", method="post", allowed_status=302)
# Progress: the lead person or a manager. The matrix's village item is led by the committee director
# when that role asks (a member leading their own item); the township leader only leads its parent.
register("duties:item_progress", noun="duty_item", roles=MANAGE | {"committee_director"},
         kwargs=_item_kwargs, level="village", method="post", allowed_status=200)
register("duties:item_rolldown", noun="duty_item", roles=frozenset({"county_leader", "township_secretary"}),
         kwargs=_township_item_kwargs, level="township", method="post", allowed_status=302)
register("duties:evidence_file", noun="duty_item", roles=DUTY, kwargs=_evidence_kwargs, level="village")
register("duties:letter_list", noun="letter")
register("duties:letter_detail", noun="letter", roles=LETTER, kwargs=_letter_kwargs, level="township")
register("duties:letter_pdf", noun="letter", roles=LETTER, kwargs=_letter_kwargs, level="township")
register("duties:letter_sign", noun="letter", kwargs=_own_letter_kwargs, owner_only=True, method="post",
         allowed_status=302)
register("duties:letter_revise", noun="letter", roles=frozenset({"county_leader", "township_secretary"}),
         kwargs=_letter_kwargs, level="township", method="post", allowed_status=302)
