"""The rule registry: one module per rule, listed explicitly in the order of the issue's rule table."""

from __future__ import annotations

from voucher_audit.rules import (
    benford_nonconformity,
    bookkeeping_gap,
    cash_over_limit,
    condolence_over_standard,
    consecutive_invoice_numbers,
    cross_year_invoice,
    duplicate_invoice,
    festival_benefit,
    invoice_outside_trip,
    iou_receipt,
    late_booking,
    loan_not_repaid,
    local_transport_over_standard,
    lodging_over_cap,
    major_matter_without_resolution,
    meal_allowance_over_standard,
    meeting_over_cap,
    meeting_too_long,
    missing_signature,
    near_threshold_amounts,
    nights_exceed_trip,
    post_hoc_approval,
    reception_annual_budget_exceeded,
    reception_companions_excess,
    reception_per_capita_over_cap,
    reception_same_city,
    reception_without_letter,
    round_amounts,
    self_approval,
    split_payment,
    ticket_serial_date_inconsistent,
    training_over_cap,
    travel_class_above_rank,
    vehicle_not_in_fleet,
    vehicle_use_on_rest_day,
    village_reception,
    voucher_number_gap,
)
from voucher_audit.rules._base import LineRule, SetRule

_MODULES = (
    lodging_over_cap, nights_exceed_trip, meal_allowance_over_standard, local_transport_over_standard,
    invoice_outside_trip, travel_class_above_rank, reception_without_letter, reception_companions_excess,
    reception_per_capita_over_cap, reception_same_city, reception_annual_budget_exceeded, village_reception,
    vehicle_use_on_rest_day, vehicle_not_in_fleet, missing_signature, iou_receipt, post_hoc_approval,
    cross_year_invoice, self_approval, late_booking, duplicate_invoice, split_payment, consecutive_invoice_numbers,
    ticket_serial_date_inconsistent, condolence_over_standard, festival_benefit, meeting_over_cap, meeting_too_long,
    training_over_cap, cash_over_limit, major_matter_without_resolution, loan_not_repaid, benford_nonconformity,
    voucher_number_gap, bookkeeping_gap, near_threshold_amounts, round_amounts,
)

RULES: dict[str, LineRule | SetRule] = {m.RULE.id: m.RULE for m in _MODULES}
ORDER = {rule_id: i for i, rule_id in enumerate(RULES)}
