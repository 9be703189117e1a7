"""After the session: the history of patients, courses and sessions, in its own window."""

from kapdesk.ui.history.launcher import HistoryLauncher
from kapdesk.ui.history.window import HistoryWindow

__all__ = ["HistoryLauncher", "HistoryWindow"]
