"""Documents a steering group reads, made from one outline of a plan.

`outline.load_plan` reads the plan, `outline.plan_outline` / `outline.report_outline` turn
it into a neutral outline, and `word`, `pdf`, `spreadsheet` and `ical` render that outline
as .docx, .pdf, .xlsx and .ics.
"""
