"""One operation per user action, for the window and the CLI alike (kapdesk.services.
operations: the role checked, one transaction, the audit rows, an `Op` of what changed):
session_ops (plan, steps, dose time, cue answers), record_ops (entries, corrections, the
note, alerts, amendments, integration sessions, signing), export_ops, history_ops (reads,
outcome measures, prints), backup_ops (backup, automatic backups, restore), account_ops,
playlist_ops (saving a set), music_ops (vetoes); bundle builds them all (kapdesk.wiring).
exports, printing, rems and checks are what those call."""
