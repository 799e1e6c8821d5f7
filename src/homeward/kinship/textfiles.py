"""Reading the text files labs exchange: encoding and cell delimiter.

One place for the two guesses every reader makes, so that profile files, frequency tables
and Familias files are decoded alike.
"""

from __future__ import annotations

from pathlib import Path

from homeward.kinship.errors import MalformedFileError


def read_text(path: str | Path) -> str:
    """Read a text file as UTF-8 (with or without BOM), falling back to GB18030.

    :raises MalformedFileError: for an empty or binary file.
    """
    data = Path(path).read_bytes()
    if data[:2] == b"\x1f\x8b":
        raise MalformedFileError("the file is gzip-compressed; decompress it and upload the "
                                 "CSV", source=str(path))
    if not data.strip():
        raise MalformedFileError("the file is empty", source=str(path))
    if b"\x00" in data[:4096]:
        raise MalformedFileError("the file is binary, not a text (CSV) file", source=str(path))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise MalformedFileError("the file is neither UTF-8 nor GB18030 text", source=str(path))


def sniff_delimiter(header_line: str) -> str:
    """The cell delimiter of a CSV export, guessed from its header line.

    A tab wins (GeneMapper exports), then ``;`` when the header has no comma: the
    EuroForMix and Familias tables of European labs are written by spreadsheets whose
    locale uses the decimal comma (e.g. EuroForMix's ``NGM_Holland.csv``).
    """
    if "\t" in header_line:
        return "\t"
    if ";" in header_line and "," not in header_line:
        return ";"
    return ","
