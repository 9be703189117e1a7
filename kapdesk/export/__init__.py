"""Session and course exports: PDF (QPdfWriter), CSV, JSON, FHIR R4 and the REMS summary.

Imports core and Qt's GUI classes only (never store, audio, ui or QtWidgets); the reports
come from kapdesk.store.reports. docs/exports.md describes every format.
"""
