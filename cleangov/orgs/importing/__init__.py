"""Import of units, people, posts and relations from CSV and XLSX files.

The pipeline is parse → validate → write, each stage its own module:

* ``readers``: a file (CSV in UTF-8/UTF-8-BOM/GBK, or an XLSX workbook) → tables of cells with the
  row numbers a person sees in Excel.
* ``columns`` and ``parse``: Chinese or English headers → typed rows of an :class:`~.plan.OrgImportPlan`,
  with a problem for every bad cell.
* ``validate``: checks across rows and against the database (duplicates, parents, cycles, codes).
* ``write``: bulk creation with one audit event per object, called by the action
  ``cleangov.orgs.actions.do_import_orgs``.

``pipeline.run_import`` ties them together for the CLI and the web UI (see docs/import-orgs.md).
This package module imports nothing eagerly so ``orgs.actions`` can use ``plan`` without a cycle.
"""
