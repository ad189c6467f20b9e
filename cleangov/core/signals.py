"""Hand-offs between apps that do not import each other (Django signals; receivers are connected in
the receiving app's ``AppConfig.ready``). Senders pass keyword arguments only; every receiver runs
inside the sender's transaction, so a hand-off is written with the action that caused it or not at all.
"""

from django.dispatch import Signal

# A problem was established and must be rectified: a confirmed voucher finding, an inspection
# finding, an assessment problem, a report's outcome. Keyword arguments:
#   source: core.matters.MatterRef of the object that found it
#   source_code: what kind of problem, in the finder's terms ("rule:iou_receipt",
#       "indicator:<code>", "report:<category>"); the rectification app maps it to a problem type
#   unit_id: the unit that must rectify
#   title, detail: what is wrong (translated text, shown to the responsible person)
#   responsible_person_id: orgs.Person id or None
#   deadline: datetime.date or None (the receiver then applies its default)
#   amount: Decimal or None (money to be recovered)
#   acting_user: who established it
# Optional (a sender that has them passes them; receivers accept their absence):
#   explanation: the rule or standard and the numbers behind the problem (text)
#   lines: the records concerned, as a list of plain dicts (a voucher finding's lines: voucher_no,
#       voucher_date, category, amount, payee, summary), shown to the responsible person
#   subject_person_ids: orgs.Person ids the problem is about (excluded from it with their relatives)
# A receiver that takes the problem over returns a truthy value (the MatterRef of what it opened);
# a sender that finds none keeps its own follow-up (finance then keeps the finding's own clock).
problem_found = Signal()

# An accountability case is asked for on a matter (a report, a finding, a rectification item).
# Keyword arguments: source (MatterRef), unit_id, subject_person_ids (list of orgs.Person ids),
# summary (text), acting_user.
case_requested = Signal()

# A user's password was changed (the user's own change form, an administrator's reset, a management
# command). Sent from the user's save, inside its transaction. Keyword arguments: user,
# new_password (in clear, for receivers that must re-encrypt something under it: never store or
# log it), old_password (in clear when the user typed it to make the change, else None: whoever
# set the password did not know the old one), acting_user (None for a command).
password_changed = Signal()
