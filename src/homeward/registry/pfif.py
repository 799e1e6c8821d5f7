"""PFIF 1.4 (People Finder Interchange Format): parse and write person and note records.

The format is data in its own module (after Person Finder's ``pfif.py``): the ordered
fields of each record type, the mandatory ones, and the closed list of note statuses.
XML is parsed with defusedxml, so entity-expansion and external-entity attacks fail.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from xml.etree import ElementTree

from defusedxml import ElementTree as SafeElementTree
from defusedxml.common import DefusedXmlException

NAMESPACE = "http://zesty.ca/pfif/1.4"
PERSON_FIELDS = (
    "person_record_id", "entry_date", "expiry_date", "author_name", "author_email",
    "author_phone", "source_name", "source_date", "source_url", "full_name", "given_name",
    "family_name", "alternate_names", "description", "sex", "date_of_birth", "age",
    "home_street", "home_neighborhood", "home_city", "home_state", "home_postal_code",
    "home_country", "photo_url", "profile_urls",
)
NOTE_FIELDS = (
    "note_record_id", "person_record_id", "linked_person_record_id", "entry_date",
    "author_name", "author_email", "author_phone", "source_date", "author_made_contact",
    "status", "email_of_found_person", "phone_of_found_person", "last_known_location",
    "text", "photo_url",
)
PERSON_MANDATORY = ("person_record_id", "source_date", "full_name")
NOTE_MANDATORY = ("note_record_id", "author_name", "source_date", "text")
NOTE_STATUSES = ("", "information_sought", "is_note_author", "believed_alive",
                 "believed_missing", "believed_dead")
SEXES = ("", "female", "male", "other")


@dataclass
class PfifRecord:
    kind: str  # "person" or "note"
    index: int  # position in the document, 1-based, for error reports
    fields: dict[str, str]
    notes: list[PfifRecord] = field(default_factory=list)


@dataclass(frozen=True)
class PfifError:
    """One problem: the record kind ("person", "note", "document") and its position."""

    kind: str
    index: int
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.kind} {self.index}, {self.field}: {self.reason}"


def parse_datetime(text: str) -> dt.datetime:
    """PFIF dates are UTC, ``YYYY-MM-DDThh:mm:ssZ``."""
    value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def format_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _text_fields(element, allowed: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for child in element:
        name = child.tag.split("}", 1)[-1]
        if name in allowed:
            out[name] = (child.text or "").strip()
    return out


def parse_pfif(data: bytes) -> tuple[list[PfifRecord], list[PfifError]]:
    """Parse a PFIF 1.4 document into records, and validate each one.

    :returns: (persons with their nested notes, plus top-level notes as persons'
        siblings) and every validation error found.
    """
    errors: list[PfifError] = []
    try:
        root = SafeElementTree.fromstring(data)
    except (ElementTree.ParseError, DefusedXmlException) as error:
        return [], [PfifError("document", 0, "xml", f"not well-formed PFIF XML: {error}")]
    if root.tag != f"{{{NAMESPACE}}}pfif":
        return [], [PfifError("document", 0, "root",
                              f"expected <pfif> in namespace {NAMESPACE}, found {root.tag}")]
    records: list[PfifRecord] = []
    index = 0
    for element in root:
        name = element.tag.split("}", 1)[-1]
        index += 1
        if name == "person":
            person = PfifRecord("person", index, _text_fields(element, PERSON_FIELDS))
            for child in element:
                if child.tag.split("}", 1)[-1] == "note":
                    index += 1
                    note = PfifRecord("note", index, _text_fields(child, NOTE_FIELDS))
                    note.fields.setdefault("person_record_id",
                                           person.fields.get("person_record_id", ""))
                    person.notes.append(note)
            records.append(person)
        elif name == "note":
            records.append(PfifRecord("note", index, _text_fields(element, NOTE_FIELDS)))
        else:
            errors.append(PfifError("element", index, name, "unknown PFIF element"))
    for record in records:
        errors += validate(record)
        for note in record.notes:
            errors += validate(note)
    return records, errors


def validate(record: PfifRecord) -> list[PfifError]:
    def error(name: str, reason: str) -> PfifError:
        return PfifError(record.kind, record.index, name, reason)

    mandatory = PERSON_MANDATORY if record.kind == "person" else NOTE_MANDATORY
    errors = [error(name, "mandatory field is missing or empty")
              for name in mandatory if not record.fields.get(name)]
    for name in ("source_date", "entry_date", "expiry_date"):
        value = record.fields.get(name)
        if value:
            try:
                parse_datetime(value)
            except ValueError:
                errors.append(error(name, f"{value!r} is not a PFIF date"))
    if record.kind == "person":
        if record.fields.get("sex", "") not in SEXES:
            errors.append(error("sex", f"{record.fields['sex']!r} is not female, male or other"))
        dob = record.fields.get("date_of_birth")
        if dob:
            try:
                dt.date.fromisoformat(dob if len(dob) == 10 else dob + "-01"[: 10 - len(dob)])
            except ValueError:
                errors.append(error("date_of_birth", f"{dob!r} is not a date"))
    else:
        if record.fields.get("status", "") not in NOTE_STATUSES:
            errors.append(error("status", f"{record.fields['status']!r} is not a PFIF note status"))
        if not record.fields.get("person_record_id"):
            errors.append(error("person_record_id", "a note names its person"))
    return errors


def write_pfif(persons: list[dict[str, str]], notes: dict[str, list[dict[str, str]]]) -> bytes:
    """Serialise persons, each with its notes nested, as a PFIF 1.4 document."""
    ElementTree.register_namespace("pfif", NAMESPACE)
    root = ElementTree.Element(f"{{{NAMESPACE}}}pfif")
    for person in persons:
        element = ElementTree.SubElement(root, f"{{{NAMESPACE}}}person")
        for name in PERSON_FIELDS:
            if person.get(name):
                ElementTree.SubElement(element, f"{{{NAMESPACE}}}{name}").text = person[name]
        for note in notes.get(person["person_record_id"], []):
            note_element = ElementTree.SubElement(element, f"{{{NAMESPACE}}}note")
            for name in NOTE_FIELDS:
                if note.get(name):
                    ElementTree.SubElement(note_element,
                                           f"{{{NAMESPACE}}}{name}").text = note[name]
    ElementTree.indent(root)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)
