"""PFIF (People Finder Interchange Format): parse and write person and note records.

The format is data in its own module (after Person Finder's ``pfif.py``): the ordered
fields of each record type, the mandatory ones, and the closed list of note statuses.
Documents in the PFIF 1.1, 1.2, 1.3 and 1.4 namespaces are read; the names older versions
used are mapped to PFIF 1.4's on reading (``first_name`` -> ``given_name``, ``last_name``
-> ``family_name``, ``home_zip`` -> ``home_postal_code``, ``found`` ->
``author_made_contact``, ``other`` -> ``description``), and ``full_name``, when a record
lacks it, is composed from the given and family names as Person Finder's
``utils.get_full_name`` does. Documents are written as PFIF 1.4.

Two ways to judge a record: :func:`validate` applies the specification's mandatory fields
(the all-or-nothing ``--strict`` import), and :func:`assess_liberally` applies only what
Person Finder's own importer needs (``app/importer.py`` and ``app/utils.py`` in
google/personfinder): real feeds leave out fields the specification calls mandatory.

XML is parsed with defusedxml, so entity expansion ("billion laughs"), external entities
and truncated documents are refused as a whole (:class:`PfifDocumentError`), in every mode.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from xml.etree import ElementTree

from defusedxml import ElementTree as SafeElementTree
from defusedxml.common import DefusedXmlException

NAMESPACE = "http://zesty.ca/pfif/1.4"
VERSIONS = {f"http://zesty.ca/pfif/{version}": version
            for version in ("1.1", "1.2", "1.3", "1.4")}
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
# Names of PFIF 1.1-1.3 and their PFIF 1.4 successors.
OLDER_NAMES = {
    "first_name": "given_name", "last_name": "family_name", "home_zip": "home_postal_code",
    "found": "author_made_contact", "other": "description",
}
PERSON_MANDATORY = ("person_record_id", "source_date", "full_name")
NOTE_MANDATORY = ("note_record_id", "author_name", "source_date", "text")
NOTE_STATUSES = ("", "information_sought", "is_note_author", "believed_alive",
                 "believed_missing", "believed_dead")
SEXES = ("", "female", "male", "other")
BOOLEANS = {"true": True, "1": True, "false": False, "0": False}
APPROXIMATE_DATE = re.compile(r"^\d{4}(-\d\d)?(-\d\d)?$")


@dataclass
class PfifRecord:
    kind: str  # "person" or "note"
    index: int  # position in the document, 1-based, for error reports
    fields: dict[str, str]
    notes: list[PfifRecord] = field(default_factory=list)

    @property
    def record_id(self) -> str:
        return self.fields.get(f"{self.kind}_record_id", "")


@dataclass(frozen=True)
class PfifError:
    """One problem: the record kind ("person", "note", "document") and its position."""

    kind: str
    index: int
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.kind} {self.index}, {self.field}: {self.reason}"


class PfifDocumentError(ValueError):
    """The document as a whole cannot be read: hostile, malformed or not PFIF."""

    def __init__(self, error: PfifError) -> None:
        self.error = error
        super().__init__(error.reason)


@dataclass(frozen=True)
class LiberalAssessment:
    """``problems`` make a record unusable (it is skipped); ``dropped`` are values left
    out of a record that is still written."""

    problems: list[PfifError]
    dropped: list[PfifError]

    @property
    def usable(self) -> bool:
        return not self.problems


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


def is_approximate_date(text: str) -> bool:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (PFIF 1.2 and later ``date_of_birth``)."""
    if not APPROXIMATE_DATE.match(text):
        return False
    year, month, day = (text.split("-") + ["01", "01"])[:3]
    try:
        dt.date(int(year), int(month), int(day))
    except ValueError:
        return False
    return True


def _local_name(tag: str) -> str:
    return tag.split("}", 1)[-1]


def _text_fields(element, allowed: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    older: dict[str, str] = {}
    for child in element:
        if not isinstance(child.tag, str):
            continue  # comments and processing instructions
        name = _local_name(child.tag)
        value = (child.text or "").strip()
        if name in allowed:
            out[name] = value
        elif OLDER_NAMES.get(name) in allowed:
            older[OLDER_NAMES[name]] = value
    for name, value in older.items():
        if name == "description":
            value = re.sub(r"^description:\s*", "", value)
        if not out.get(name):
            out[name] = value
    return out


def _compose_full_name(fields: dict[str, str]) -> None:
    if not fields.get("full_name"):
        parts = [fields.get("given_name", ""), fields.get("family_name", "")]
        fields["full_name"] = " ".join(part for part in parts if part)


def read_pfif(data: bytes) -> tuple[list[PfifRecord], list[PfifError]]:
    """Read a PFIF document's records, without judging them.

    :returns: persons (with their nested notes) and top-level notes, in document order,
        and the elements that are neither.
    :raises PfifDocumentError: the XML is not well-formed or hostile (entity declarations,
        external references), or its root is not ``<pfif>`` in a PFIF namespace.
    """
    try:
        root = SafeElementTree.fromstring(data)
    except (ElementTree.ParseError, DefusedXmlException) as error:
        raise PfifDocumentError(PfifError("document", 0, "xml",
                                          f"not well-formed PFIF XML: {error}")) from None
    namespace = root.tag[1:].split("}", 1)[0] if root.tag.startswith("{") else ""
    if _local_name(root.tag) != "pfif" or namespace not in VERSIONS:
        raise PfifDocumentError(PfifError(
            "document", 0, "root",
            f"expected <pfif> in namespace {NAMESPACE} (or PFIF 1.1-1.3), found {root.tag}"))
    records: list[PfifRecord] = []
    unknown: list[PfifError] = []
    index = 0
    for element in root:
        if not isinstance(element.tag, str):
            continue
        name = _local_name(element.tag)
        index += 1
        if name == "person":
            person = PfifRecord("person", index, _text_fields(element, PERSON_FIELDS))
            _compose_full_name(person.fields)
            for child in element:
                if isinstance(child.tag, str) and _local_name(child.tag) == "note":
                    index += 1
                    note = PfifRecord("note", index, _text_fields(child, NOTE_FIELDS))
                    if not note.fields.get("person_record_id"):
                        note.fields["person_record_id"] = person.record_id
                    person.notes.append(note)
            records.append(person)
        elif name == "note":
            records.append(PfifRecord("note", index, _text_fields(element, NOTE_FIELDS)))
        else:
            unknown.append(PfifError("element", index, name, "unknown PFIF element"))
    return records, unknown


def parse_pfif(data: bytes) -> tuple[list[PfifRecord], list[PfifError]]:
    """Parse a PFIF document into records, and validate each one strictly.

    :returns: (persons with their nested notes, plus top-level notes as persons'
        siblings) and every validation error found; a document error alone when the
        document cannot be read.
    """
    try:
        records, errors = read_pfif(data)
    except PfifDocumentError as error:
        return [], [error.error]
    for record in records:
        errors += validate(record)
        for note in record.notes:
            errors += validate(note)
    return records, errors


def _date_problems(record: PfifRecord, names: tuple[str, ...]) -> list[PfifError]:
    errors = []
    for name in names:
        value = record.fields.get(name)
        if value:
            try:
                parse_datetime(value)
            except ValueError:
                errors.append(PfifError(record.kind, record.index, name,
                                        f"{value!r} is not a PFIF date"))
    return errors


def validate(record: PfifRecord) -> list[PfifError]:
    """The specification's rules: every mandatory field present, every value well-formed."""
    def error(name: str, reason: str) -> PfifError:
        return PfifError(record.kind, record.index, name, reason)

    mandatory = PERSON_MANDATORY if record.kind == "person" else NOTE_MANDATORY
    errors = [error(name, "mandatory field is missing or empty")
              for name in mandatory if not record.fields.get(name)]
    errors += _date_problems(record, ("source_date", "entry_date", "expiry_date"))
    if record.kind == "person":
        if record.fields.get("sex", "") not in SEXES:
            errors.append(error("sex", f"{record.fields['sex']!r} is not female, male or other"))
        dob = record.fields.get("date_of_birth")
        if dob and not is_approximate_date(dob):
            errors.append(error("date_of_birth", f"{dob!r} is not a date"))
    else:
        if record.fields.get("status", "") not in NOTE_STATUSES:
            errors.append(error("status", f"{record.fields['status']!r} is not a PFIF note status"))
        if not record.fields.get("person_record_id"):
            errors.append(error("person_record_id", "a note names its person"))
    return errors


def assess_liberally(record: PfifRecord) -> LiberalAssessment:
    """Person Finder's importer rules (google/personfinder ``app/importer.py``).

    A note needs its ``note_record_id`` (the key that makes a re-import idempotent; Person
    Finder's ``create_note(requires_key=True)``), its ``person_record_id`` and its
    ``source_date`` (``create_note`` asserts both); ``author_name`` and ``text`` may be
    empty. A person needs its ``person_record_id`` and a name (``create_person`` asserted
    ``first_name``; here any of full, given or family name). A date that is present must
    parse (``validate_datetime`` raises), so such a record is skipped. An unknown ``sex``
    or note ``status`` or a malformed ``date_of_birth`` is left out and the record kept
    (``app/utils.py``: ``validate_sex``, ``validate_status`` and
    ``validate_approximate_date`` return ``''``). ``entry_date`` is not read: the
    receiving repository sets it on import (PFIF 1.4 section 3, data life cycle).
    """
    def problem(name: str, reason: str) -> PfifError:
        return PfifError(record.kind, record.index, name, reason)

    fields = record.fields
    dropped: list[PfifError] = []
    if record.kind == "person":
        problems = [problem(name, reason) for name, reason in (
            ("person_record_id", "no person_record_id, so the record cannot be keyed"),
            ("full_name", "no name (full_name, given_name or family_name)"),
        ) if not fields.get(name)]
        problems += _date_problems(record, ("source_date", "expiry_date"))
        if fields.get("sex", "") not in SEXES:
            dropped.append(problem("sex", f"{fields['sex']!r} is not female, male or other; "
                                          "left out"))
        dob = fields.get("date_of_birth")
        if dob and not is_approximate_date(dob):
            dropped.append(problem("date_of_birth", f"{dob!r} is not a date; left out"))
    else:
        problems = [problem(name, reason) for name, reason in (
            ("note_record_id", "no note_record_id, so the note cannot be keyed"),
            ("person_record_id", "no person_record_id: the note names no person"),
            ("source_date", "no source_date"),
        ) if not fields.get(name)]
        problems += _date_problems(record, ("source_date",))
        if fields.get("status", "") not in NOTE_STATUSES:
            dropped.append(problem("status", f"{fields['status']!r} is not a PFIF note "
                                             "status; left out"))
        contact = fields.get("author_made_contact", "")
        if contact and contact.lower() not in BOOLEANS:
            dropped.append(problem("author_made_contact",
                                   f"{contact!r} is not true or false; left out"))
    return LiberalAssessment(problems, dropped)


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
