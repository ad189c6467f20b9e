"""Finance dashboards: per-scope charts and tables over findings and voucher lines.

A small app of its own (label ``finance_dashboards``) because it keeps pre-aggregated summary tables
of the finance app's immutable batches; see docs/finance-dashboards.md.
"""
