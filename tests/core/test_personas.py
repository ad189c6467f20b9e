from cleangov.accounts.choices import RoleChoices
from cleangov.core.access import restrict
from cleangov.orgs.models import Unit


def test_every_role_has_a_persona_on_both_sides(county):
    for role in RoleChoices:
        a, b = county.persona(role, "a"), county.persona(role, "b")
        assert a.role_assignments.get().role == role
        assert b.role_assignments.get().role == role


def test_village_persona_is_scoped_to_its_own_village(county):
    user = county.persona(RoleChoices.VILLAGE_SECRETARY, "a")
    visible = set(restrict(Unit.objects.all(), user, path_field="path").values_list("code", flat=True))
    assert visible == {"T1V1", "T1V1G1"}


def test_township_persona_sees_its_subtree_only(county):
    user = county.persona(RoleChoices.TOWNSHIP_DISCIPLINE, "b")
    visible = set(restrict(Unit.objects.all(), user, path_field="path").values_list("code", flat=True))
    assert visible == {"T2", "T2V1", "T2V1G1"}
