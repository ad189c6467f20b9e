"""Finance dashboards: per-scope charts and tables over findings and voucher lines (issue 4, item 4).

A small app of its own (label ``finance_dashboards``) because it keeps pre-aggregated summary tables
of the finance app's immutable batches; see docs/finance-dashboards.md.
"""
