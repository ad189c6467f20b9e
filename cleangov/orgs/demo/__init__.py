"""The deterministic demo county (清河县): ``generate`` builds the plan, ``build`` writes it and the logins."""
