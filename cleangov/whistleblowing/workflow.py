"""The transition table of a report (纪检监察机关处理检举控告工作规则, 2020).

received → registered (first report) or repeat (kept with the earlier one, Art. 14)
registered → accepted | not_accepted (with a reason), within 5 working days (Art. 16); forwarding to
another office keeps it registered there, on a new 5-day clock
accepted → in_disposal (talk-or-letter inquiry, preliminary verification, hold pending; Art. 17)
accepted | in_disposal → closed (予以了结, or the end of a disposal) | transferred (to investigation)
"""

from django.utils.translation import pgettext_lazy

from cleangov.core.workflow import Transition, Workflow

from .access import HANDLER_ROLES
from .choices import ReportStatusChoices as S

# Labels in the context "report": "Close" here is 予以了结, not a rectification item's 销号.
REPORT_WORKFLOW = Workflow(
    [
        Transition("register", (S.RECEIVED,), S.REGISTERED, pgettext_lazy("report", "Register"),
                   roles=HANDLER_ROLES),
        Transition("register_repeat", (S.RECEIVED,), S.REPEAT,
                   pgettext_lazy("report", "Register as a repeat report"), roles=HANDLER_ROLES),
        Transition("accept", (S.REGISTERED,), S.ACCEPTED, pgettext_lazy("report", "Accept"), roles=HANDLER_ROLES),
        Transition("not_accept", (S.REGISTERED,), S.NOT_ACCEPTED, pgettext_lazy("report", "Do not accept"),
                   roles=HANDLER_ROLES, needs_reason=True),
        Transition("dispose", (S.ACCEPTED,), S.IN_DISPOSAL, pgettext_lazy("report", "Start disposal"),
                   roles=HANDLER_ROLES),
        Transition("close", (S.ACCEPTED, S.IN_DISPOSAL), S.CLOSED, pgettext_lazy("report", "Close"),
                   roles=HANDLER_ROLES),
        Transition("transfer", (S.ACCEPTED, S.IN_DISPOSAL), S.TRANSFERRED,
                   pgettext_lazy("report", "Transfer to investigation"), roles=HANDLER_ROLES),
    ],
    states=S,
    path_field="office__path",
)

OPEN_STATUSES = (S.RECEIVED, S.REGISTERED, S.ACCEPTED, S.IN_DISPOSAL)
ENDED_STATUSES = (S.NOT_ACCEPTED, S.CLOSED, S.TRANSFERRED, S.REPEAT)

# The clocks (every one on the deadline engine):
ACCEPT_RULE = "whistleblowing.accept"  # accept, forward or not accept within 5 working days (Art. 16)
ACCEPT_WORKDAYS = 5
ACK_RULE = "whistleblowing.ack"  # tell a real-name reporter of acceptance within 15 working days
ACK_WORKDAYS = 15
RESULT_RULE = "whistleblowing.result"  # tell a real-name reporter the result within 15 working days of closing
RESULT_WORKDAYS = 15
