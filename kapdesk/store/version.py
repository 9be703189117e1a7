"""The schema version this KAPdesk writes (PRAGMA user_version): the number of migrations."""

SCHEMA_VERSION = 9
