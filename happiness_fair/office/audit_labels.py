"""What each audit log entry means, in the reader's language: the log keeps stable codes
(`fair_day.cancel`), the office reads 取消事集日."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..catalogue.volunteer_views import VOLUNTEER_STATUS_NAMES

ACTION_NAMES = {
    "account.delete": _l("Account deleted at the person's request"),
    "account.password_change": _l("Password changed"),
    "account.recovery_code_used": _l("Recovery code used to sign in"),
    "account.reset": _l("Password reset with a one-time code"),
    "account.reset_code": _l("One-time reset code issued"),
    "account.totp_off": _l("Two-step sign-in turned off"),
    "account.totp_on": _l("Two-step sign-in turned on"),
    "account.totp_reset": _l("Two-step sign-in reset by the office"),
    "calendar_set": _l("Working-day calendar saved"),
    "certificate.id_number_printed": _l("Certificate shown with the whole ID number"),
    "certificate_issued": _l("Certificate issued"),
    "community.person_in_charge": _l("Person in charge of volunteer service named"),
    "concern_category.create": _l("Kind of concern added"),
    "concern_category.reactivate": _l("Kind of concern used again"),
    "concern_category.retire": _l("Kind of concern retired"),
    "concern_category.update": _l("Kind of concern renamed"),
    "fair_attendance_confirmed": _l("Fair-day attendance confirmed"),
    "fair_day.cancel": _l("Fair day cancelled"),
    "handler.create": _l("Handling body added"),
    "handler.update": _l("Handling body changed"),
    "hours_added": _l("Hours added by hand"),
    "hours_correction_accepted": _l("Hours correction accepted"),
    "hours_correction_rejected": _l("Hours correction rejected"),
    "listing.withdraw": _l("Service withdrawn"),
    "micro_grid.appoint": _l("Micro-grid helper appointed"),
    "micro_grid.end": _l("Micro-grid helper ended"),
    "resident.close": _l("Resident record closed"),
    "resident.create": _l("Resident added by staff"),
    "resident.flags": _l("Resident flags changed"),
    "resident.reopen": _l("Resident record reopened"),
    "resident.verify_age": _l("Age verified"),
    "team.change": _l("Volunteer team changed"),
    "team.create": _l("Volunteer team created"),
    "volunteer.additions_approved": _l("New skills or grids approved"),
    "volunteer.additions_refused": _l("New skills or grids refused"),
    "volunteer.approve": _l("Volunteer approved"),
    "volunteer.refuse": _l("Volunteer refused"),
    "volunteer.suspend": _l("Volunteer suspended"),
    "volunteer.tags": _l("Volunteer tags changed"),
    "waiver_rule_changed": _l("Fee waiver rule changed"),
}

SUBJECT_NAMES = {
    "booking": _l("booking"),
    "calendar": _l("calendar year"),
    "certificate": _l("certificate"),
    "community": _l("community"),
    "concern": _l("concern"),
    "concern_category": _l("kind of concern"),
    "fair_day": _l("fair day"),
    "handler": _l("handling body"),
    "hours_record": _l("hours record"),
    "listing": _l("service"),
    "resident": _l("resident"),
    "team": _l("team"),
    "user": _l("account"),
    "volunteer": _l("volunteer"),
    "waiver_rule": _l("fee waiver rule"),
}


DETAIL_NAMES = {
    "after": _l("after"),
    "asked": _l("asked for"),
    "before": _l("before"),
    "buildings": _l("buildings"),
    "changed": _l("changed"),
    "code": _l("code"),
    "correction_id": _l("correction no."),
    "date": _l("date"),
    "days": _l("days"),
    "fair_day_id": _l("fair day no."),
    "fields": _l("fields"),
    "from_status": _l("from"),
    "grids": _l("grids"),
    "leader_volunteer_id": _l("leader (volunteer no.)"),
    "minutes": _l("minutes"),
    "name": _l("name"),
    "note": _l("note"),
    "reason": _l("reason"),
    "serial": _l("serial no."),
    "sessions_ended": _l("sessions ended"),
    "skills": _l("skills"),
    "tags": _l("tags"),
    "to_status": _l("to"),
    "volunteer_id": _l("volunteer no."),
}


def detail_name(key: str) -> str:
    name = DETAIL_NAMES.get(key)
    return str(name) if name is not None else key


# Codes a detail may hold (a closed record's reason, the fields changed), in words.
VALUE_NAMES = {
    "moved": _l("moved away"),
    "passed_away": _l("passed away"),
    "other": _l("other"),
    "active": _l("in use"),
    "flags": _l("flags"),
    "name_zh": _l("Chinese name"),
    "name_en": _l("English name"),
    # A volunteer's standing before and after the office decided (volunteer.approve …).
    **{status.value: name for status, name in VOLUNTEER_STATUS_NAMES.items()},
}


def detail_value(value) -> str:
    """A detail's value as the office reads it: codes in words, lists joined, never JSON."""
    if isinstance(value, list | tuple):
        return "、".join(detail_value(v) for v in value)
    if isinstance(value, str):
        name = VALUE_NAMES.get(value)
        return str(name) if name is not None else value
    return str(value)


def action_name(action: str) -> str:
    """The entry's meaning in the reader's language; an unknown code is shown as it is."""
    name = ACTION_NAMES.get(action)
    return str(name) if name is not None else action


def subject_name(subject_type: str) -> str:
    name = SUBJECT_NAMES.get(subject_type)
    return str(name) if name is not None else subject_type
