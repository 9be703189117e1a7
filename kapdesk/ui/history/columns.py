"""The columns of the history window's lists: what each shows, in words and local time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from kapdesk.core.course_report import DoseSpacing, SessionSummary
from kapdesk.core.history import (
    EntryLine,
    PatientRow,
    RemsDue,
    needs_signature,
    session_title,
    signature_word,
)
from kapdesk.export.common import t_plus
from kapdesk.ui.history.models import Column
from kapdesk.ui.theme import Theme


def day(instant: datetime | None) -> str:
    return f"{instant.astimezone():%Y-%m-%d}" if instant else "—"


def moment(instant: datetime | None) -> str:
    return f"{instant.astimezone():%Y-%m-%d %H:%M}" if instant else "—"


def _dose(s: SessionSummary) -> str:
    return f"{s.dose_mg:g} mg" if s.dose_mg is not None else ""


def patient_columns(theme: Theme) -> list[Column]:
    def tip(p: PatientRow) -> str:
        return (f"{p.code} {p.name}: {p.sessions} session(s), last {day(p.last_at)}; "
                f"{p.unsigned} unsigned, {p.alerts} with alerts")
    return [
        Column("Code", lambda p: p.code, tip),
        Column("Name", lambda p: p.name, tip),
        Column("Sessions", lambda p: str(p.sessions), tip, right=True),
        Column("To sign", lambda p: str(p.unsigned) if p.unsigned else "", tip,
               lambda p: theme.alert if p.unsigned else None, right=True),
    ]


def short_protocol(name: str) -> str:
    """"Intramuscular ketamine (KAP)" -> "Intramuscular ketamine"."""
    return name.split(" (")[0]


def session_status(s: SessionSummary) -> str:
    """"signed", "unsigned" (ended, waiting for a signature), else the state."""
    word = signature_word(s)
    return s.state if word == "—" else word


def short_band(band: str) -> str:
    return band.replace("the usual screening ", "")


def session_columns(theme: Theme) -> list[Column]:
    def tip(s: SessionSummary) -> str:
        parts = [f"Session {s.session_id}: {session_title(s)}, {s.protocol_name}",
                 f"{s.state}, {signature_word(s)}"]
        if s.dose_mg is not None:
            parts.append(f"{s.drug} {_dose(s)}")
        if s.alerts:
            parts.append(f"{s.alerts} alert(s)")
        return "\n".join(parts)
    return [
        Column("When", lambda s: moment(s.when), tip),
        Column("Session", session_title, tip),
        Column("Status", session_status, tip,
               lambda s: theme.alert if needs_signature(s) else None),
        Column("Alerts", lambda s: str(s.alerts) if s.alerts else "", tip,
               lambda s: theme.alert if s.alerts else None, right=True),
        Column("Protocol", lambda s: short_protocol(s.protocol_name), tip),
    ]


def entry_columns(theme: Theme, dose_time: Callable[[], datetime | None]) -> list[Column]:
    def when(e: EntryLine) -> str:
        at, t0 = e.observation.observed_at, dose_time()
        if t0 is None:
            return f"{at.astimezone():%H:%M}"
        return t_plus((at - t0).total_seconds() / 60) if at >= t0 else \
            f"{at.astimezone():%H:%M}"

    def mark(e: EntryLine) -> str:
        return " · ".join(e.marks)

    def tone(e: EntryLine) -> str | None:
        return theme.alert if e.alerts else (theme.accent if e.marks else None)

    def tip(e: EntryLine) -> str:
        lines = [f"{e.observation.observed_at.astimezone():%Y-%m-%d %H:%M} {e.text}"]
        lines += [f"earlier: {o.observed_at.astimezone():%H:%M} (entry {o.id})"
                  for o in e.earlier]
        return "\n".join(lines + list(e.marks))
    return [
        Column("Time", when, tip),
        Column("Entry", lambda e: e.text, tip),
        Column("Changes and alerts", mark, tip, tone),
    ]


def dose_columns(theme: Theme, min_hours: float = 48) -> list[Column]:
    def hours(d: DoseSpacing) -> str:
        if d.hours_since_previous is None:
            return "first"
        h = d.hours_since_previous
        return f"{h:.0f} h" if h < 72 else f"{h / 24:.1f} d"

    def short(d: DoseSpacing) -> str | None:
        close = d.hours_since_previous is not None and d.hours_since_previous < min_hours
        return theme.alert if close else None
    return [
        Column("Dosed", lambda d: moment(d.at)),
        Column("Dose", lambda d: f"{d.dose_mg:g} mg" if d.dose_mg is not None else "",
               lambda d: d.drug, right=True),
        Column("Gap", hours, lambda d: "Time since the previous dose", short, right=True),
        Column("In 7 d", lambda d: str(d.in_window),
               lambda d: "Dosing sessions in the 7 days up to this one", right=True,
               tone=lambda d: theme.alert if d.in_window > 2 else None),
        Column("Talk before", lambda d: "" if d.hours_since_previous is None else (
            "yes" if d.integration_before else "no"),
            tone=lambda d: theme.alert if d.hours_since_previous is not None
            and not d.integration_before else None),
        Column("Reason given", lambda d: d.spacing_reason, lambda d: d.spacing_reason),
    ]


def effect_columns(theme: Theme) -> list[Column]:
    return [
        Column("Dosed", lambda s: day(s.when)),
        Column("#", lambda s: str(s.number or ""), right=True),
        Column("Dose", _dose, right=True),
        Column("MOAA/S min", lambda s: "" if s.lowest_moaas is None else str(s.lowest_moaas),
               tone=lambda s: theme.alert if s.lowest_moaas is not None
               and s.lowest_moaas <= 3 else None, right=True),
        Column("Dissociation", lambda s: s.max_dissociation),
        Column("Side effects", lambda s: ", ".join(s.side_effects),
               lambda s: ", ".join(s.side_effects)),
        Column("Alerts", lambda s: str(s.alerts) if s.alerts else "",
               tone=lambda s: theme.alert if s.alerts else None, right=True),
    ]


def outcome_columns() -> list[Column]:
    return [
        Column("Taken", lambda m: day(m.taken_at)),
        Column("Measure", lambda m: m.spec.name),
        Column("Total", lambda m: f"{m.total} / {m.spec.max_total}", right=True),
        Column("Band", lambda m: short_band(m.band), lambda m: m.band),
        Column("Items", lambda m: " ".join(str(i) for i in m.items),
               lambda m: ", ".join(f"{n}: {v}" for n, v in enumerate(m.items, 1))),
    ]


def rems_columns(theme: Theme, now: Callable[[], datetime]) -> list[Column]:
    def left(r: RemsDue) -> str:
        days = r.days_left(now())
        return f"{int(days)} d left" if days >= 1 else "due today"  # whole days
    return [
        Column("Patient", lambda r: r.patient_code),
        Column("Dosed", lambda r: moment(r.dosed_at)),
        Column("Due", left, lambda r: f"Due by {moment(r.due_by)}",
               lambda r: theme.alert if r.days_left(now()) < 2 else None, right=True),
    ]

