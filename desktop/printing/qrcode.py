"""QR codes from ReportLab's built-in encoder, drawn as one path of module runs.

The widget (`reportlab.graphics.barcode.qr.QrCodeWidget`) costs ~6 ms a code, most of it trying all eight
mask patterns; 1,000 slips would spend 6 s there. Any mask pattern is valid QR (the choice only evens
out dark/light areas), so we encode with a fixed mask (~0.3 ms) and draw horizontal runs of dark
modules as rectangles of a single path. Tests decode the printed codes with zxing-cpp.
"""

from __future__ import annotations

from reportlab.pdfgen.canvas import Canvas

QUIET = 4  # modules of white border the standard asks for
_MASK = 2  # horizontal stripes of alternate rows: any of 0..7 is valid


def matrix(data: str) -> list[list[bool]]:
    """The module matrix (True = dark) for `data`, error correction level M."""
    # Imported here: the barcode package registers every barcode type when imported (~0.1 s), which the
    # village list and the daily report (they import printouts, which imports slips) do not need.
    from reportlab.graphics.barcode import qrencoder

    q = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    q.addData(data)
    q.version = q.calculate_version()
    q.makeImpl(False, _MASK)
    return q.modules


def draw(c: Canvas, data: str, x: float, y: float, size: float) -> None:
    """Draw the code with its lower-left corner at (x, y), `size` points square including the quiet zone.

    The modules are written as integer rectangles in a scaled coordinate system (one literal block):
    formatting ~100 floats per code through the canvas path API was most of the slips' run time.
    """
    m = matrix(data)
    n = len(m)
    unit = size / (n + 2 * QUIET)
    ops: list[str] = []
    for r, row in enumerate(m):
        yy = n + QUIET - 1 - r  # module rows counted upward from the bottom, in module units
        col = 0
        while col < n:
            if row[col]:
                start = col
                while col < n and row[col]:
                    col += 1
                ops.append(f"{start + QUIET} {yy} {col - start} 1 re")
            else:
                col += 1
    c.addLiteral(f"q 0 g {unit:.5f} 0 0 {unit:.5f} {x:.3f} {y:.3f} cm\n" + "\n".join(ops) + "\nf Q")
