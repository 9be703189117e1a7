"""`named(widget, "name")`: a Qt object with its objectName set, typed as what it is.

PySide6 accepts `objectName=` as a constructor keyword, but its type stubs do not declare
it, so mypy strict refuses every such call; this says the same thing in a way both accept.
"""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QObject

Q = TypeVar("Q", bound=QObject)


def named(obj: Q, name: str) -> Q:
    obj.setObjectName(name)
    return obj
