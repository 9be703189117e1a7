"""The REMS check before signing: which items of the esketamine REMS Patient Monitoring
Form the session's record leaves empty (kapdesk.core.rems), so that signing can name them
and ask first. Read-only."""

from __future__ import annotations

from kapdesk.core.rems import missing_items
from kapdesk.services.exports import rems_setting
from kapdesk.store.connection import Database
from kapdesk.store.reports import load_session_report
from kapdesk.store.settings import SettingsStore


def rems_gaps(db: Database, session_id: int) -> tuple[str, ...]:
    """The missing REMS items of an esketamine dosing session, by their form labels
    (empty for every other session)."""
    clinic = str(SettingsStore(db).get("clinic_name") or "")
    report = load_session_report(db, session_id, clinic, plays=())
    return missing_items(report, rems_setting(db))
