"""Where a report's overdue clocks go."""
def test_overdue_report_clocks_go_up_the_discipline_line_only(county):
    """A party committee may not read a report, so it never hears of its overdue clocks."""
    from cleangov.deadlines.workflow import escalation_target

    township = county.townships["a"]
    for rule in ("whistleblowing.accept", "whistleblowing.ack", "whistleblowing.result"):
        target, roles = escalation_target(township, rule)
        assert target == county.county and set(roles) == {"county_commission"}
    assert "county_leader" in escalation_target(township, "duties.item")[1]  # other clocks as before
