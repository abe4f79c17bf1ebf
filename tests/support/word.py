"""Word files for the contract tests, made with python-docx as an owner's editor leaves them."""

from __future__ import annotations

import io

from docx import Document


def template(*lines: str, item_cells: tuple[str, ...] = ("name", "quantity", "amount")) -> bytes:
    """A contract: `lines` as paragraphs, a placeholder split over three runs as Word leaves
    one, a table with a row per item and the company's name in the header."""
    document = Document()
    document.sections[0].header.paragraphs[0].text = "{{ company.name }}"
    for line in ("Contract {{ deal.number }} of {{ today }}", *lines):
        document.add_paragraph(line)
    split = document.add_paragraph("Customer: ")
    for run in ("{{ cust", "omer.na", "me }}"):
        split.add_run(run)
    table = document.add_table(rows=4, cols=len(item_cells))
    for cell, title in zip(table.rows[0].cells, item_cells, strict=True):
        cell.text = title.title()
    table.cell(1, 0).text = "{%tr for item in items %}"
    for cell, name in zip(table.rows[2].cells, item_cells, strict=True):
        cell.text = f"{{{{ item.{name} }}}}"
    table.cell(3, 0).text = "{%tr endfor %}"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def texts(data: bytes) -> list[str]:
    return [paragraph.text for paragraph in Document(io.BytesIO(data)).paragraphs]
