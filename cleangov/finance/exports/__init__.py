"""Exports of findings and dashboard tables (XLSX with Chinese headers) and the township audit
report (PDF). The files are documents for Chinese readers, so their headers and words are Chinese
by design, whatever the interface language."""
