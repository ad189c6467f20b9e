from datetime import date

from cleangov.orgs.actions import do_create_person, do_start_post


def add_party_members(county, n, side="a", prefix="PM"):
    village = county.villages[side]
    return [do_create_person(acting_user=None, code=f"{prefix}-{side}-{i}", name=f"党员{i}", home_unit=village,
                             party="member") for i in range(n)]


def add_representatives(county, n, side="a"):
    village = county.villages[side]
    out = []
    for i in range(n):
        p = do_create_person(acting_user=None, code=f"REP-{side}-{i}", name=f"代表{i}", home_unit=village)
        do_start_post(acting_user=None, person=p, unit=village, post_type="villager_representative",
                      start_date=date(2024, 1, 1))
        out.append(p)
    return out
