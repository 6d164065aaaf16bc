"""Workbooks out: a finished job's result as an xlsx a planner opens and prints (contract section 6).

``workbook`` builds the file per job kind, ``explore_sheets`` the explore sheets and their
charts, ``cells`` the shared cell helpers (text always written as text, formats, widths).
"""

from .cells import MAX_CELL_TEXT, clean_text
from .workbook import result_workbook

__all__ = ["MAX_CELL_TEXT", "clean_text", "result_workbook"]
