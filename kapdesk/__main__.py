from kapdesk.app import run

raise SystemExit(run())
