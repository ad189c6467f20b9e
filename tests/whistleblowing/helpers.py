"""Helpers of the reports tests: keys for the fixture county, a solved proof-of-work, a submission
through the portal, and unlocking a handler's keys in a test client."""

from __future__ import annotations

import base64
import json
import re

import altcha
from django.conf import settings

from cleangov.accounts.choices import RoleChoices
from cleangov.whistleblowing import keys
from tests.support.county import PASSWORD


def set_up_keys(county) -> None:
    keys.set_up_handler_key(county.persona(RoleChoices.COUNTY_COMMISSION), PASSWORD)
    for side in ("a", "b"):
        keys.set_up_handler_key(county.persona(RoleChoices.TOWNSHIP_DISCIPLINE, side), PASSWORD)


def solved_pow() -> str:
    challenge = altcha.create_challenge(altcha.ChallengeOptions(hmac_key=settings.ALTCHA_HMAC_KEY, max_number=500))
    solution = altcha.solve_challenge(challenge.challenge, challenge.salt, challenge.algorithm, challenge.max_number)
    payload = altcha.Payload(challenge.algorithm, challenge.challenge, solution.number, challenge.salt,
                             challenge.signature)
    return base64.b64encode(json.dumps(payload.__dict__).encode()).decode()


def submit(client, unit, *, what, subject_name="", category="corruption", real_name="", contact="", files=None,
           **meta):
    data = {"category": category, "subject_unit": unit.pk, "subject_name": subject_name, "what": what,
            "when": "2026年10月", "amount": "", "real_name": real_name, "contact": contact, "pow": solved_pow()}
    if files:
        data["files"] = files
    response = client.post("/public/report/", data, **meta)
    assert response.status_code == 200, response.content.decode()[:3000]
    text = response.content.decode()
    code = re.search(r'id="receipt-code"><strong>([\d ]+)</strong>', text).group(1).replace(" ", "")
    return code, response


def follow(client, code, **meta):
    return client.post("/public/report/follow/", {"code": code, "pow": solved_pow()}, **meta)


def unlock(client, user, password=PASSWORD):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post("/whistleblowing/keys/", {"password": password})
    assert response.status_code == 302, response.content.decode()[:2000]
    return client
