"""Every home-page card and navigation entry an app declares is shown exactly to the roles whose
landing page answers (not 404): the roles come from the app's own access table, so the two cannot
disagree (the voucher audit was once offered to the township secretary, whose finance pages 404)."""

from django.urls import reverse

from cleangov.accounts.choices import RoleChoices
from cleangov.core.declarations import declarations

# Landing pages that answer every signed-in user (an empty workspace for roles outside the app's
# tables, as the permission matrix registers them); the others 404 exactly outside the declared roles.
OPEN_TO_EVERYONE = {"finance:home", "duties:my_duties"}


def _entries():
    for label, declaration in declarations():
        for card in declaration.home_cards:
            yield label, card.url_name, card.roles
        for link in declaration.nav:
            if link.roles is not None:
                yield label, link.url_name, link.roles


def test_cards_and_navigation_match_the_pages_the_role_may_open(client, county):
    entries = sorted(set(_entries()), key=lambda e: e[1])
    assert {"finance:home", "ledgers:index", "duties:my_duties", "assessment:run_list", "orgs:tree"} <= {
        url for _label, url, _roles in entries}
    wrong = []
    for role in RoleChoices:
        client.force_login(county.persona(role), backend="django.contrib.auth.backends.ModelBackend")
        home = client.get(reverse("core:home")).content.decode()
        for label, url_name, roles in entries:
            url = reverse(url_name)
            opens = client.get(url).status_code != 404
            shown = f'href="{url}"' in home
            declared = role in roles
            if shown != declared or (opens != declared and (declared or url_name not in OPEN_TO_EVERYONE)):
                wrong.append((str(role), label, url_name, {"declared": declared, "opens": opens, "shown": shown}))
    assert not wrong, "\n".join(map(str, wrong))


def test_township_secretary_is_not_offered_the_voucher_audit(login, county):
    html = login(county.persona(RoleChoices.TOWNSHIP_SECRETARY)).get(reverse("core:home")).content.decode()
    assert f'href="{reverse("finance:home")}"' not in html
