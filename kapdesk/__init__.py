"""KAPdesk: the treatment-room companion for ketamine-assisted psychotherapy."""

__version__ = "0.1.0"
APP_NAME = "KAPdesk"
APP_ID = "org.kapdesk.KAPdesk"
