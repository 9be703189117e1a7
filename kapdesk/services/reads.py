"""Reads for display that are not an operation: the patients the plan dialog offers, one
patient's details and courses. Typed rows, no writing."""

from __future__ import annotations

from kapdesk.core.course import Course
from kapdesk.store.patients import Patient as Patient
from kapdesk.store.patients import PatientStore

__all__ = ["Patient", "PatientReads"]


class PatientReads:
    def __init__(self, patients: PatientStore) -> None:
        self._patients = patients

    def find(self, query: str, limit: int = 50) -> list[Patient]:
        return self._patients.find(query, limit)

    def by_code(self, code: str) -> Patient | None:
        return self._patients.by_code(code)

    def courses(self, code: str) -> list[Course]:
        return self._patients.courses(code)
