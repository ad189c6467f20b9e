"""The duties app's entries in the permission matrix (tests/support/urlregistry/__init__.py).

Objects are built on side "a" or "b" of the fixture county. Member roles (township leader,
department staff, committee director) see their own items only, so the builders make the
persona of the requesting role on that side the lead leader where the role is a member role.
"""

from __future__ import annotations

from datetime import date

from . import _other_user, act, register, view

YEAR = 2026


def _keypoints(fc, *, published=True):
    from cleangov.duties.actions import do_add_key_point, do_create_keypoints, do_publish_keypoints
    from cleangov.duties.models import AnnualKeyPoints

    year = 3000 + AnnualKeyPoints.objects.count()
    doc = do_create_keypoints(acting_user=None, unit=fc.county, year=year, title=f"{year}年工作要点")
    point = do_add_key_point(doc, acting_user=None, title="落实主体责任")
    if published:
        do_publish_keypoints(doc, acting_user=None)
    return doc, point


def _role_of(user):
    return user.role_assignments.values_list("role", flat=True).first()


def _township_item(fc, side, user):
    from cleangov.duties.actions import do_create_duty_item

    role = _role_of(user)
    lead_role = "township_leader" if role == "township_leader" else "township_secretary"
    # A member role sees the items it leads: on its own township the asking user leads the item
    # (this is also how a township leader holding the township without its subtree is asked).
    own = fc.unit("township", side).pk == user.role_assignments.get().unit_id
    lead = user.person if role == lead_role and own else fc.persona(lead_role, side).person
    return do_create_duty_item(acting_user=None, unit=fc.unit("township", side), year=YEAR, title="召开专题会议",
                               lead_person=lead, due_date=date(YEAR, 12, 31), expected_evidence="会议记录",
                               assign=True)


def _village_item(fc, side, user):
    from cleangov.duties.actions import do_create_duty_item

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

    from cleangov.duties.actions import do_add_duty_progress

    item = _village_item(fc, side, user)
    upload = SimpleUploadedFile("minutes.txt", "会议记录".encode(), content_type="text/plain")
    progress = do_add_duty_progress(item, acting_user=None, text="已召开", files=[upload])
    return {"file_id": progress.files.get().pk}


def _fresh_year():
    from cleangov.duties.models import ResponsibilityLetter

    return 4000 + ResponsibilityLetter.objects.count()


def _letter_kwargs(fc, side, user):
    from cleangov.duties.actions import do_create_letter

    township = fc.unit("township", side)
    # The township leader (a member role) reads the letters naming it: on its own township it is the recipient.
    own = township.pk == user.role_assignments.get().unit_id
    recipient = user if _role_of(user) == "township_leader" and own else fc.persona("township_leader", side)
    letter = do_create_letter(acting_user=None, year=_fresh_year(), issuer_unit=township,
                              issuer_person=fc.persona("township_secretary", side).person, recipient_unit=township,
                              recipient_person=recipient.person)
    return {"letter_id": letter.pk}


def _own_letter_kwargs(fc, side, user):
    """A letter naming the requesting user as recipient (side a) or another person (side b)."""
    from cleangov.duties.actions import do_create_letter

    recipient = user if side == "a" else _other_user(fc, user)
    assignment = recipient.role_assignments.select_related("unit").first()
    issuer = next(u for u in fc.users.values() if u.pk not in (user.pk, recipient.pk))
    letter = do_create_letter(acting_user=None, year=_fresh_year(), issuer_unit=fc.county,
                              issuer_person=issuer.person, recipient_unit=assignment.unit,
                              recipient_person=recipient.person)
    return {"letter_id": letter.pk}


def _unit_year(fc, side, user):
    return {"unit_id": fc.unit("township", side).pk, "year": YEAR}


# Views that accept GET and POST show a page and create from it (key points, a duty item); an
# empty POST re-renders the page with the form's errors (200). Step buttons redirect (302).
register("duties:my_duties", get=view("own_duty_item"))
register("duties:keypoints_list", get=view("published_key_points"), post=act("published_key_points"))
register("duties:keypoints_detail", get=view("key_points"), post=act("key_points"),
         kwargs=lambda fc, side, user: {"doc_id": _keypoints(fc)[0].pk}, level="county")
register("duties:keypoints_publish", post=act("key_points", 302),
         kwargs=lambda fc, side, user: {"doc_id": _keypoints(fc, published=False)[0].pk}, level="county")
# The plan's form offers the township or any county department as the lead unit.
register("duties:unit_plan", get=view("duty_item"), post=act("duty_item"), kwargs=_unit_year, level="township",
         names_shown=("department",))
register("duties:letters_generate", post=act("letter", 302), kwargs=_unit_year, level="township")
register("duties:item_detail", get=view("duty_item"), kwargs=_item_kwargs, level="village")
register("duties:item_transition", post=act("duty_item", 302),
         kwargs=lambda fc, side, user: {"item_id": _village_item(fc, side, user).pk, "step": "cancel"},
         level="village")
register("duties:item_progress", post=act("duty_progress"), kwargs=_item_kwargs, level="village")
register("duties:item_rolldown", post=act("duty_rolldown", 302), kwargs=_township_item_kwargs, level="township")
register("duties:evidence_file", get=view("duty_item"), kwargs=_evidence_kwargs, level="village")
register("duties:letter_list", get=view("own_letter"))
register("duties:letter_detail", get=view("letter"), kwargs=_letter_kwargs, level="township")
register("duties:letter_pdf", get=view("letter"), kwargs=_letter_kwargs, level="township")
register("duties:letter_sign", post=act("own_letter", 302), kwargs=_own_letter_kwargs, owner_only=True)
register("duties:letter_revise", post=act("letter_revision", 302), kwargs=_letter_kwargs, level="township")
