"""Documents a steering group reads, made from one outline of a plan.

`outline.load_plan` reads the plan (`loader.py`), `outline.plan_outline` /
`outline.report_outline` turn it into a neutral outline (`types.py`: chapters from
`chapters.py` and `grid.py`, sheets and events from `sheets.py`, the milestone,
decision-point and activity columns from `columns.py`), and `word`, `pdf`, `spreadsheet`
and `ical` render that outline as .docx, .pdf, .xlsx and .ics.
"""
