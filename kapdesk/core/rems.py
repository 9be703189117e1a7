"""The esketamine REMS Patient Monitoring Form, item by item, filled from a session's record.

The form's sections and items follow the current SPRAVATO REMS Patient Monitoring Form
(FDA REMS page updated 2024-12-31; DOMAIN.md): the patient (first and last name, date of
birth, sex, first treatment and REMS enrolment), concomitant medicines, the healthcare
provider who monitored and the healthcare setting, the treatment session (date, dose, lot,
total monitoring time, when the patient would have been ready to leave), vital signs,
blood pressure, pulse oximetry, sedation, dissociation, respiratory depression and serious
adverse events. Dates are MM/DD/YYYY, as on the US form.

Nothing is guessed: an item the record cannot fill is missing (`missing_items` names them,
and signing asks before going on without them). The patient's sex is filled where the
clinic records it, else marked to be completed on the form by hand (not asked at signing).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo

from kapdesk.core.observations import SEVERITIES, Kind, Observation
from kapdesk.core.report import SessionReport
from kapdesk.core.session import State

REMS_PROTOCOL = "esketamine-nasal"
DUE_DAYS = 7
REQUIRED_MINUTES = 120
# Checklist items the esketamine screening and discharge checks add (a ticked item is "yes")
FIRST_TREATMENT = "REMS: this is the patient's first esketamine treatment"
ENROLLED = "REMS: patient is enrolled in the SPRAVATO REMS"
CONCOMITANT = {
    "benzodiazepines": "REMS: currently takes benzodiazepines",
    "sedative_hypnotics": "REMS: currently takes non-benzodiazepine sedative hypnotics",
    "psychostimulants": "REMS: currently takes psychostimulants",
    "maois": "REMS: currently takes monoamine oxidase inhibitors (MAOIs)",
}
SCREENING_ITEMS = (FIRST_TREATMENT, ENROLLED, *CONCOMITANT.values())
SERIOUS_EVENT = "REMS: a serious adverse event happened during the session"
DISCHARGE_ITEMS = (SERIOUS_EVENT,)
_PREFIXES = {"dr", "dr.", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "mx", "prof", "prof."}


@dataclass(frozen=True)
class RemsSetting:
    """The certified healthcare setting and how to reach the providers who monitor."""

    name: str = ""
    address1: str = ""
    address2: str = ""
    city: str = ""
    state: str = ""
    zip: str = ""
    contacts: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # name -> phone, email


@dataclass(frozen=True)
class RemsItem:
    key: str
    section: str
    label: str
    value: str | None  # None: the record does not hold it
    by_hand: bool = False  # KAPdesk never records it: completed on the form

    @property
    def missing(self) -> bool:
        return self.value is None and not self.by_hand


@dataclass(frozen=True)
class RemsForm:
    session_id: int
    patient_code: str
    signed: bool
    due_by: datetime | None
    items: tuple[RemsItem, ...]
    given_in_room: Mapping[str, str]  # medicine class -> what the room record shows

    def value(self, key: str) -> str | None:
        return next(i.value for i in self.items if i.key == key)

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(i.label for i in self.items if i.missing)

    @property
    def by_hand(self) -> tuple[str, ...]:
        return tuple(i.label for i in self.items if i.by_hand and i.value is None)


def split_name(display: str) -> tuple[list[str], list[str], str, list[str]]:
    """(prefixes, given names, family name, suffixes) of a name as typed:
    'Dr Ana Silva' -> (['Dr'], ['Ana'], 'Silva', []); 'Sam Okafor, RN' -> suffix RN."""
    main, _, tail = display.partition(",")
    words = main.split()
    prefix = [w for w in words[:1] if w.lower() in _PREFIXES and len(words) > 1]
    rest = words[len(prefix):]
    return prefix, rest[:-1], rest[-1] if rest else "", [tail.strip()] if tail.strip() else []


def us_date(instant: datetime | str | None, tz: tzinfo | None = None) -> str | None:
    """MM/DD/YYYY; a date string in ISO form (a birth date) is read as a date."""
    if instant is None or instant == "":
        return None
    if isinstance(instant, str):
        try:
            return datetime.strptime(instant[:10], "%Y-%m-%d").strftime("%m/%d/%Y")
        except ValueError:
            return None
    return instant.astimezone(tz).strftime("%m/%d/%Y")


def _t(minutes: float) -> str:
    whole = round(minutes)
    return f"T{'+' if whole >= 0 else '-'}{abs(whole)}"


def _discharge(r: SessionReport) -> Observation | None:
    found = r.of_kind(Kind.DISCHARGE)
    return found[-1] if found else None


def _answer(obs: Observation | None, item: str) -> str | None:
    if obs is None or item not in obs.values.get("items", {}):
        return None
    return "yes" if obs.values["items"][item] else "no"


def _bp(r: SessionReport, obs: Observation | None) -> str | None:
    if obs is None:
        return None
    v = obs.values
    return f"{v['systolic']:g}/{v['diastolic']:g} mmHg ({_t(r.minute_of_entry(obs))})"


def _ok(r: SessionReport, obs: Observation | None) -> str | None:
    if obs is None:
        return None
    alerts = [a.message for a in r.alerts_for(obs.id)]
    return "no: " + "; ".join(alerts) if alerts else "yes"


def _sedation(r: SessionReport) -> str | None:
    scores = [(o, int(o.values["score"])) for o in r.of_kind(Kind.MOAAS)]
    if not scores:
        return None
    low, worst = min(scores, key=lambda s: s[1])
    if worst >= 5:
        return f"no (MOAA/S 5 at all {len(scores)} assessments)"
    last, score = scores[-1]
    return (f"yes: lowest MOAA/S {worst} at {_t(r.minute_of_entry(low))}; "
            f"last MOAA/S {score} at {_t(r.minute_of_entry(last))}")


def _dissociation(r: SessionReport) -> str | None:
    rated = [(o, str(o.values["severity"])) for o in r.of_kind(Kind.DISSOCIATION)]
    if not rated:
        return None
    worst = max(rated, key=lambda s: SEVERITIES.index(s[1]))
    if worst[1] == "none":
        return f"no (none at all {len(rated)} assessments)"
    return (f"yes: {worst[1]} at {_t(r.minute_of_entry(worst[0]))}; last "
            f"{rated[-1][1]} at {_t(r.minute_of_entry(rated[-1][0]))}")


def _breathing(r: SessionReport) -> str | None:
    spo2 = [float(o.values["spo2"]) for o in r.vitals if "spo2" in o.values]
    rr = [float(o.values["resp_rate"]) for o in r.vitals if "resp_rate" in o.values]
    if not spo2 and not rr:
        return None
    flagged = [a.message for a in r.alerts
               if a.rule in ("spo2_low", "spo2_hypoxia", "slow_breathing")]
    seen = ", ".join(part for part in (f"lowest SpO2 {min(spo2):g}%" if spo2 else "",
                                       f"lowest RR {min(rr):g}/min" if rr else "") if part)
    return f"yes: {'; '.join(flagged)}" if flagged else f"no ({seen})"


def _oximetry(r: SessionReport) -> str | None:
    readings = [o for o in r.vitals if "spo2" in o.values]
    if not readings:
        return None
    low = min(readings, key=lambda o: float(o.values["spo2"]))
    return (f"yes: {len(readings)} readings, lowest {float(low.values['spo2']):g}% at "
            f"{_t(r.minute_of_entry(low))}")


def _serious(r: SessionReport) -> str | None:
    answer = _answer(_discharge(r), SERIOUS_EVENT)
    if answer is None:
        return None
    seen = [f"{o.values['name']} (severe, {_t(r.minute_of_entry(o))})"
            for o in r.side_effects if o.values.get("severity") == "severe"]
    seen += [a.message for a in r.alerts if a.severity == "emergency"]
    return answer + (f"; the record shows: {'; '.join(seen)}" if seen else "")


def _provider(r: SessionReport) -> str | None:
    d = _discharge(r)
    if d is not None and d.user_id in r.clinicians:
        return r.clinicians[d.user_id]
    dosed = next((t.user_id for t in r.transitions if t.to_state == State.DOSED.value), None)
    return r.clinicians.get(dosed) if dosed is not None else None


def fill(report: SessionReport, setting: RemsSetting, tz: tzinfo | None = None,
         given_in_room: Mapping[str, str] | None = None) -> RemsForm:
    """The form as far as the record fills it."""
    r, m = report, report.minute_of_entry  # session time: right across clock changes
    bp = [o for o in r.vitals if "systolic" in o.values]
    pre = [o for o in bp if r.t0 and m(o) < 0]
    post = [o for o in bp if r.t0 and m(o) >= 0]
    bp40 = min((o for o in post if 30 <= m(o) <= 55),
               key=lambda o: abs(m(o) - 40), default=None)
    end_at = r.discharged_at or datetime.max.replace(tzinfo=r.planned_at.tzinfo)
    before_end = [o for o in r.vitals if o.observed_at <= end_at]
    total = r.total_dose_mg
    lots = ", ".join(dict.fromkeys(str(o.values["lot"]) for o in r.doses if o.values.get("lot")))
    d = r.discharge
    minutes = d.monitoring_minutes if d else None
    screening = r.screening
    first = _answer(screening, FIRST_TREATMENT)
    _pre, given, family, _suf = split_name(r.patient.name) if r.patient.name else ([], [], "",
                                                                                   [])
    provider = _provider(r)
    p_given, p_family = (split_name(provider)[1:3] if provider else ([], ""))
    contact = setting.contacts.get(provider or "", {})

    def item(key: str, section: str, label: str, value: str | None,
             by_hand: bool = False) -> RemsItem:
        return RemsItem(key, section, label, value or None, by_hand)

    items = (
        item("first_name", "Patient", "Patient first name", " ".join(given)),
        item("last_name", "Patient", "Patient last name", family),
        item("date_of_birth", "Patient", "Birthdate (MM/DD/YYYY)",
             us_date(r.patient.date_of_birth)),
        item("sex", "Patient", "Sex", (r.patient.sex or "").capitalize(), by_hand=True),
        item("first_treatment", "Patient", "First treatment", first),
        item("enrolled", "Patient", "Enrolled in the SPRAVATO REMS",
             _answer(screening, ENROLLED) if first != "no" else "not asked (not the first "
                                                                "treatment)"),
        item("benzodiazepines", "Concomitant medication", "Benzodiazepines",
             _answer(screening, CONCOMITANT["benzodiazepines"])),
        item("sedative_hypnotics", "Concomitant medication",
             "Non-benzodiazepine sedative hypnotics",
             _answer(screening, CONCOMITANT["sedative_hypnotics"])),
        item("psychostimulants", "Concomitant medication", "Psychostimulants",
             _answer(screening, CONCOMITANT["psychostimulants"])),
        item("maois", "Concomitant medication", "Monoamine oxidase inhibitors (MAOIs)",
             _answer(screening, CONCOMITANT["maois"])),
        item("provider_first_name", "Healthcare provider conducting monitoring",
             "Provider first name", " ".join(p_given)),
        item("provider_last_name", "Healthcare provider conducting monitoring",
             "Provider last name", p_family),
        item("provider_phone", "Healthcare provider conducting monitoring",
             "Provider telephone", contact.get("phone", "").strip()),
        item("provider_email", "Healthcare provider conducting monitoring", "Provider email",
             contact.get("email", "").strip()),
        item("setting_name", "Healthcare setting", "Healthcare setting name",
             setting.name.strip() or r.clinic_name.strip()),
        item("setting_address1", "Healthcare setting", "Address 1", setting.address1.strip()),
        RemsItem("setting_address2", "Healthcare setting", "Address 2",
                 setting.address2.strip()),  # optional on the form: empty is an answer
        item("setting_city", "Healthcare setting", "City", setting.city.strip()),
        item("setting_state", "Healthcare setting", "State", setting.state.strip()),
        item("setting_zip", "Healthcare setting", "ZIP", setting.zip.strip()),
        item("treatment_date", "Treatment session", "Treatment date (MM/DD/YYYY)",
             us_date(r.t0, tz)),
        item("dose", "Treatment session", "Dose administered",
             None if not r.doses else f"{total:g} mg" if total in (56, 84)
             else f"other: {total:g} mg"),
        item("lot", "Treatment session", "Lot number", lots),
        item("monitoring_minutes", "Treatment session",
             "Total time (minutes, first device to completion of monitoring)",
             None if minutes is None else f"{minutes:.0f}" + (
                 "" if minutes >= REQUIRED_MINUTES
                 else f" (less than the required {REQUIRED_MINUTES})")),
        item("ready_minutes", "Treatment session",
             "Ready to leave without the 2-hour rule (minutes from the first device)",
             f"{r.minute_of(d.ready_at):.0f}" if d and d.ready_at and r.t0 else None),
        item("vitals_ok_before_dosing", "Vital signs",
             "Vital signs acceptable prior to administration", _ok(r, pre[-1] if pre else None)),
        item("vitals_ok_before_completion", "Vital signs",
             "Vital signs acceptable prior to treatment session completion",
             _ok(r, before_end[-1] if post and before_end else None)),
        item("bp_predose", "Blood pressure", "Prior to administration",
             _bp(r, pre[-1] if pre else None)),
        item("bp_40_min", "Blood pressure", "40 minutes post-administration", _bp(r, bp40)),
        item("bp_end", "Blood pressure", "Prior to treatment session completion",
             _bp(r, post[-1] if len(post) > 1 else None)),
        item("pulse_oximetry", "Monitoring", "Pulse oximetry", _oximetry(r)),
        item("sedation", "Monitoring", "Sedation", _sedation(r)),
        item("dissociation", "Monitoring", "Dissociation", _dissociation(r)),
        item("respiratory_depression", "Monitoring", "Respiratory depression", _breathing(r)),
        item("serious_adverse_events", "Monitoring", "Serious adverse events", _serious(r)),
    )
    return RemsForm(r.session_id, r.patient.code, r.signed,
                    r.t0 + timedelta(days=DUE_DAYS) if r.t0 else None, items,
                    dict(given_in_room or {}))


def missing_items(report: SessionReport, setting: RemsSetting) -> tuple[str, ...]:
    """The REMS items an esketamine session's record leaves empty (none for others):
    what signing names and asks about."""
    if report.protocol.id != REMS_PROTOCOL or report.kind != "dosing":
        return ()
    return fill(report, setting).missing
