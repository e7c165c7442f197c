"""The routine handbook: every approved routine in force, as one document.

`loader.load_handbook` reads the municipality's approved routines with their current
versions, units, steps and the names of their collaboration methods in a fixed number of
queries; `handbook.handbook_outline` turns them into the plans' neutral outline
(`tenants.plans.documents.types`), which the plans' renderers (`word.render_docx`,
`pdf.render_pdf`) lay out as .docx and .pdf. Outline then render, as for a plan.
"""

from __future__ import annotations

from tenants.routines.documents.handbook import handbook_outline
from tenants.routines.documents.loader import HandbookData, load_handbook

__all__ = ["HandbookData", "handbook_outline", "load_handbook"]
