"""The sections of the PDF session note, each a heading and a table or a few lines."""

from __future__ import annotations

import itertools
from datetime import datetime, tzinfo

from kapdesk.core.observations import Kind, Observation, describe, mg_per_kg
from kapdesk.core.report import SessionReport
from kapdesk.export.common import day_time, hhmm, t_plus, zone_label
from kapdesk.export.pdf_layout import DRAFT_TEXT, Cell, Layout

EVENT_WORDS = {"cue_acknowledged": "Done", "cue_skipped": "Skipped",
               "cue_snoozed": "Snoozed", "cue_escalated": "Escalated",
               "cue_missed": "Missed"}
LEFT_OUT = "Free text is left out of de-identified exports."


def _v(value: object) -> str:
    return f"{value:g}" if isinstance(value, float | int) else "-"


class Sections:
    def __init__(self, layout: Layout, report: SessionReport, tz: tzinfo | None) -> None:
        self.l, self.r, self.tz = layout, report, tz

    # -- cells -------------------------------------------------------------------------

    def time(self, instant: datetime, minute_of: float | None = None) -> Cell:
        """The local time and T+ minute; `minute_of` when known better than the instant
        tells (an entry's or a cue's own session time, right across a clock change)."""
        at = self.r.minute_of(instant) if minute_of is None else minute_of
        minute = t_plus(at) if self.r.t0 else ""
        return [(hhmm(instant, self.tz), "body"), (minute, "muted")]

    def entry_time(self, entry: Observation) -> Cell:
        return self.time(entry.observed_at, self.r.minute_of_entry(entry) if self.r.t0 else None)

    def by(self, user_id: int | None) -> Cell:
        return (self.r.user_name(user_id), "muted")

    def changes(self, obs: Observation, alerts: bool = True) -> Cell:
        """Alerts the entry raised, and what it replaced, beside it."""
        lines: list[tuple[str, str]] = []
        if alerts:
            for chain_obs in self.r.chain(obs.id):
                lines += [(f"Alert: {a.message}", "warn") for a in self.r.alerts_for(
                    chain_obs.id)]
        versions = self.r.chain(obs.id)
        for before, after in itertools.pairwise(versions):
            what = "Amended after sign-off" if after.amendment else "Corrected"
            lines.append((f"Was: {describe(before.kind, before.values)}"
                          + (f" at {hhmm(before.observed_at, self.tz)}"
                             if before.observed_at != after.observed_at else ""), "strike"))
            reason = f": {after.reason}" if after.reason else ""
            lines.append((f"{what} {day_time(after.recorded_at, self.tz)} by "
                          f"{self.r.user_name(after.user_id)}{reason}", "small"))
        return lines or ""

    # -- sections ----------------------------------------------------------------------

    def facts(self) -> None:
        r, tz = self.r, self.tz
        p = r.patient
        rows: list[list[Cell]] = [
            [("Clinic", "label"), r.clinic_name or "-", ("Patient code", "label"), p.code]]
        if r.deidentified:
            rows.append([("Patient", "label"), ("De-identified: no name, date of birth, weight, "
                                                "allergies or free text.", "muted"), "", ""])
        else:
            rows.append([("Name", "label"), p.name or "-", ("Date of birth", "label"),
                         p.date_of_birth or "-"])
            rows.append([("Weight", "label"), f"{p.weight_kg:g} kg" if p.weight_kg else "-",
                         ("Allergies", "label"), p.allergies or "none recorded"])
        names = ", ".join(sorted(set(r.clinicians.values()))) or "-"
        rows += [
            [("Protocol", "label"), f"{r.protocol.name} ({r.protocol.drug}, "
                                    f"{r.protocol.route})",
             ("Clinicians", "label"), names],
            [("Planned", "label"), day_time(r.planned_at, tz), ("Dose given (T0)", "label"),
             day_time(r.t0, tz)],
            [("Discharged", "label"), day_time(r.discharged_at, tz), ("State", "label"),
             r.state.label + (f" · course session {r.number}" if r.number else "")],
            [("Time zone", "label"), zone_label(r.t0 or r.planned_at, tz), ("Signed", "label"),
             "yes" if r.signed else ("no", "alert")],
        ]
        self.l.table([("", 1.1), ("", 3), ("", 1.3), ("", 2.9)], rows, header=False)

    def screening(self) -> None:
        self.l.heading("Screening before the dose")
        obs = self.r.screening
        if obs is None:
            self.l.paragraph("No screening checklist recorded.", "muted", space_pt=2)
            return
        for item, done in obs.values["items"].items():
            self.l.paragraph(f"{'✓' if done else '✗ not confirmed:'} {item}",
                             "body" if done else "alert", indent_pt=4, space_pt=1)
        self.l.paragraph(f"Recorded {day_time(obs.observed_at, self.tz)} by "
                         f"{self.r.user_name(obs.user_id)}.", "muted", space_pt=2)
        if obs.values.get("comment"):
            self.l.paragraph(f"Comment: {obs.values['comment']}", "body", space_pt=2)

    def doses(self) -> None:
        r = self.r
        self.l.heading("Dose")
        weight = r.patient.weight_kg
        rows = [[self.entry_time(o), str(o.values["drug"]), f"{o.values['dose_mg']:g} mg",
                 _v(mg_per_kg(float(o.values["dose_mg"]), weight)), o.values.get("route") or "-",
                 o.values.get("lot") or "-", _v(o.values.get("device")), self.by(o.user_id),
                 self.changes(o)] for o in r.doses]
        self.l.table([("Time", 0.8), ("Drug", 1.1), ("Dose", 0.8), ("mg/kg", 0.6),
                      ("Route", 1.3), ("Lot", 1.1), ("Device", 0.6), ("By", 1.2),
                      ("Changes", 2)], rows, "No dose recorded.")
        if len(r.doses) > 1:
            self.l.paragraph(f"Total dose {r.total_dose_mg:g} mg.", "bold", space_pt=2)

    def vitals(self) -> None:
        self.l.heading("Vital signs")
        rows = []
        for o in self.r.vitals:
            v = o.values
            bp = f"{v['systolic']:g}/{v['diastolic']:g}" if "systolic" in v else "-"
            rows.append([self.entry_time(o), bp, _v(v.get("heart_rate")),
                         _v(v.get("spo2")), _v(v.get("resp_rate")), self.by(o.user_id),
                         self.changes(o)])
        self.l.table([("Time", 0.8), ("BP mmHg", 1), ("HR /min", 0.8), ("SpO2 %", 0.8),
                      ("RR /min", 0.8), ("By", 1.3), ("Alerts and changes", 4)], rows)

    def ratings(self) -> None:
        self.l.heading("Sedation and dissociation ratings")
        rows = [[self.entry_time(o), describe(o.kind, o.values), self.by(o.user_id),
                 self.changes(o)] for o in self.r.ratings]
        self.l.table([("Time", 0.8), ("Rating", 4), ("By", 1.3), ("Alerts and changes", 3.4)],
                     rows)

    def effects_and_medicines(self) -> None:
        self.l.heading("Side effects and medicines given")
        items = sorted(self.r.side_effects + self.r.medications, key=lambda o: o.observed_at)
        rows = [[self.entry_time(o),
                 "Side effect" if o.kind is Kind.SIDE_EFFECT else "Medicine",
                 describe(o.kind, o.values), self.by(o.user_id), self.changes(o)]
                for o in items]
        self.l.table([("Time", 0.8), ("Kind", 1), ("What", 3), ("By", 1.3), ("Changes", 3.4)],
                     rows)

    def alerts(self) -> None:
        self.l.heading("Alerts")
        rows = [[self.time(a.raised_at), a.severity, (a.message, "body"),
                 f"{hhmm(a.acknowledged_at, self.tz)} by {self.r.user_name(a.acknowledged_by)}"
                 if a.acknowledged_at else ("not acknowledged", "warn")]
                for a in self.r.alerts]
        self.l.table([("Raised", 0.8), ("Level", 0.8), ("Message", 5), ("Acknowledged", 2)],
                     rows, "No alerts.")

    def cues(self) -> None:
        self.l.heading("Cues and room events")
        rows = [[self.time(c.at, c.elapsed_s / 60), c.text, EVENT_WORDS[c.event],
                 self.by(c.user_id), c.reason or ""]
                for c in self.r.cue_events if c.event in EVENT_WORDS]
        self.l.table([("Time", 0.8), ("Cue", 4), ("Status", 0.9), ("By", 1.3), ("Reason", 2.4)],
                     rows, "No cues recorded.")

    def music(self) -> None:
        if not self.r.plays:
            return
        self.l.heading("Music played")
        rows = [[p.title, p.phase or "-", self.time(p.started_at),
                 self.time(p.ended_at) if p.ended_at else "-",
                 (f"skipped: {p.skipped_reason}", "warn") if p.skipped_reason else ""]
                for p in self.r.plays]
        self.l.table([("Track", 3.5), ("Phase", 1.2), ("Start", 0.8), ("End", 0.8), ("", 2.5)],
                     rows)

    def notes(self) -> None:
        r = self.r
        self.l.heading("Note")
        if r.deidentified:
            self.l.paragraph(LEFT_OUT, "muted", space_pt=2)
            return
        self.l.paragraph(r.note or "No note written.", "body" if r.note else "muted",
                         space_pt=2)
        for o in r.note_amendments:
            self.l.paragraph(f"Amendment {day_time(o.observed_at, self.tz)} by "
                             f"{r.user_name(o.user_id)}"
                             + (f" (reason: {o.reason})" if o.reason else ""), "label",
                             space_pt=6)
            self.l.paragraph(str(o.values.get("text", "")), "body", indent_pt=8, space_pt=1)

    def revisions(self) -> None:
        self.l.heading("Corrections and amendments")
        rows: list[list[Cell]] = []
        for chain in self.r.revised:
            for i, o in enumerate(chain):
                label = "Original" if i == 0 else (
                    "Amendment" if o.amendment else f"Correction {i}")
                style = "strike" if i < len(chain) - 1 else "body"
                rows.append([o.kind.value.replace("_", " ") if i == 0 else "", label,
                             self.entry_time(o), (describe(o.kind, o.values), style),
                             [(day_time(o.recorded_at, self.tz), "muted"),
                              (self.r.user_name(o.user_id), "muted")], o.reason or ""])
        self.l.table([("Entry", 0.9), ("Version", 1.2), ("Time", 0.7), ("Value", 3),
                      ("Recorded", 1.5), ("Reason", 2.5)], rows,
                     "No entry was corrected or amended.")

    def discharge(self) -> None:
        self.l.heading("Discharge")
        d = self.r.discharge
        if d is None:
            self.l.paragraph("Not discharged.", "muted", space_pt=2)
            return
        for item, done in d.items.items():
            self.l.paragraph(f"{'✓' if done else '✗ not confirmed:'} {item}",
                             "body" if done else "alert", indent_pt=4, space_pt=1)
        ready = (f"{day_time(d.ready_at, self.tz)} ({t_plus(self.r.minute_of(d.ready_at))})"
                 if d.ready_at else "not recorded")
        minutes = f"{d.monitoring_minutes:g} min" if d.monitoring_minutes is not None else "-"
        self.l.paragraph(f"Ready to leave: {ready}.   Discharged: "
                         f"{day_time(d.discharged_at, self.tz)}.   Monitored for {minutes} "
                         "after the dose.", "body", space_pt=3)
        if d.comment:
            self.l.paragraph(f"Comment: {d.comment}", "body", space_pt=2)

    def history(self) -> None:
        r = self.r
        self.l.heading("Session steps")
        rows: list[list[Cell]] = [
            [(day_time(t.at, self.tz), "body"),
             f"{(t.from_state or 'new').title()} → {t.to_state.title()}", self.by(t.user_id),
             t.reason] for t in r.transitions]
        rows += [[(day_time(c.at, self.tz), "body"),
                  f"Dose time corrected {hhmm(c.old, self.tz)} → {hhmm(c.new, self.tz)}",
                  self.by(c.user_id), c.reason] for c in r.t0_corrections]
        self.l.table([("When", 1.3), ("Step", 2.2), ("By", 1.3), ("Reason", 3.5)], rows)

    def signature(self) -> None:
        self.l.heading("Signature")
        sig = self.r.signature
        if sig is None:
            self.l.paragraph(f"{DRAFT_TEXT}. This note has not been reviewed and signed.",
                             "alert", space_pt=3)
            return
        self.l.paragraph(f"Signed by {sig.name} on {day_time(sig.signed_at, self.tz)} "
                         f"({zone_label(sig.signed_at, self.tz)}). Meaning: {sig.meaning}.",
                         "bold", space_pt=3)
        if self.r.signature_check:
            self.l.paragraph(f"Checked when printed: {self.r.signature_check}",
                             "body" if self.r.signature_valid else "alert", space_pt=2)
        self.l.paragraph(f"Content fingerprint at signing (SHA-256): {sig.content_hash}",
                         "muted", space_pt=2)
        if self.r.audit_head is not None:
            row, head = self.r.audit_head
            self.l.paragraph(f"Audit trail when printed: row {row}, head (SHA-256) {head}",
                             "muted", space_pt=2)
        if any(o.amendment for o in self.r.entries):
            self.l.paragraph("Amended after signing: each amendment is listed above beside "
                             "the entry it changes.", "muted", space_pt=2)
