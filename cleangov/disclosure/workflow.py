"""The disclosure workflow: prepared by the village committee, signed or returned by the village
supervision committee (村民委员会组织法 Art. 32: the supervision committee oversees disclosure), then
published; a correction runs the same path and becomes the next version. An exemption is asked by
the village and decided by the township (Art. 31: the township supervises disclosure)."""

from django.utils.translation import gettext_lazy as _

from cleangov.accounts.choices import RoleChoices as R
from cleangov.core.workflow import Transition, Workflow

from .choices import DisclosureStatusChoices as S

PREPARERS = frozenset({R.VILLAGE_SECRETARY, R.COMMITTEE_DIRECTOR})
SIGNERS = frozenset({R.SUPERVISION_MEMBER})
TOWNSHIP = frozenset({R.TOWNSHIP_SECRETARY, R.TOWNSHIP_LEADER})

DISCLOSURE_WORKFLOW = Workflow([
    Transition("submit", (S.DUE, S.RETURNED), S.SUBMITTED, _("Submit for sign-off"), roles=PREPARERS),
    # A correction of a published item: the published version stays up until the new one is signed.
    Transition("correct", (S.PUBLISHED,), S.SUBMITTED, _("Submit a correction"), roles=PREPARERS, needs_reason=True),
    Transition("sign", (S.SUBMITTED,), S.PUBLISHED, _("Sign and publish"), roles=SIGNERS),
    Transition("return", (S.SUBMITTED,), S.RETURNED, _("Return with comments"), roles=SIGNERS, needs_reason=True),
    Transition("request_exemption", (S.DUE, S.RETURNED), S.EXEMPTION_REQUESTED, _("Ask the township for an exemption"),
               roles=PREPARERS, needs_reason=True),
    Transition("grant_exemption", (S.EXEMPTION_REQUESTED,), S.EXEMPT, _("Grant the exemption"), roles=TOWNSHIP,
               needs_reason=True),
    Transition("refuse_exemption", (S.EXEMPTION_REQUESTED,), S.DUE, _("Refuse the exemption"), roles=TOWNSHIP,
               needs_reason=True),
], states=S)
