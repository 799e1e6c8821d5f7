"""The printable label of a DNA kit: the specimen id as text and as a QR code (SVG).

The label carries no name: the lab sees specimen ids only (DESIGN.md section 3).
"""

from __future__ import annotations

import io
from html import escape

import segno


def specimen_label_svg(specimen_id: str, collected_on: str) -> str:
    """An SVG label (about 50 x 25 mm) with the QR code of ``specimen_id``."""
    qr = segno.make(specimen_id, error="m")
    out = io.BytesIO()
    qr.save(out, kind="svg", scale=4, border=2, xmldecl=False, svgns=True)
    code = out.getvalue().decode()
    size = qr.symbol_size(scale=4, border=2)[0]
    text = escape(specimen_id)
    code = code.replace("<svg", '<svg x="0" y="0"', 1)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="50mm" height="25mm" '
            f'viewBox="0 0 {size * 2 + 20} {size}">'
            f'<g>{code}</g>'
            f'<text x="{size + 6}" y="{size / 2}" font-family="monospace" font-size="12">'
            f'{text}</text>'
            f'<text x="{size + 6}" y="{size / 2 + 16}" font-family="monospace" '
            f'font-size="9">{escape(collected_on)}</text></svg>')
