"""Operations that join the store and the exporters (used by the CLI and the window)."""
