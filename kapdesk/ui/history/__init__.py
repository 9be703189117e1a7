"""After the session: the history of patients, courses and sessions, in its own window.

Import `kapdesk.ui.history.launcher` to open it; the window's modules load on first use.
"""
