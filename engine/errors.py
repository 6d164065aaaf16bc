"""Errors a person can act on.

Every failure that reaches a user carries a stable ``code`` and, for data, the table, the 1-based
row as the user sent it (header = row 1), the column and the A1 cell. The server turns these into
``application/problem+json``; a worker stores them on the failed job.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

# One title per code, in a planner's words: what a person reads first in the pane's message bar.
# The ``detail`` says what exactly happened, ``errors`` where; the code stays for programs.
TITLES = {
    "invalid_table": "Some cells in your tables need fixing",
    "insufficient_data": "Not enough sales history for this yet",
    "invalid_settings": "Check the plan settings",
    "infeasible": "No plan can keep all your rules",
    "invalid_job": "This run cannot start as set up",
    "invalid_request": "This request cannot be used as sent",
    "invalid_json": "The request is not valid JSON",
    "invalid_encoding": "The compressed request cannot be read",
    "unsupported_encoding": "The request's compression is not supported",
    "invalid_workbook": "The file cannot be read",
    "payload_too_large": "The data is too large to send in one go",
    "not_found": "Not found: it may have been deleted or never existed",
    "conflict": "This changed meanwhile: try again",
    "model_incompatible": "The saved forecast model cannot be used: train again",
    "cancelled": "Cancelled",
    "unauthorized": "The server asks for its access token",
    "forbidden": "Not allowed from here",
    "method_not_allowed": "That action is not available here",
    "rate_limited": "Too many requests at once: wait a moment",
    "queue_full": "The server is busy: try again in a minute",
    "storage_full": "The server's disk is full",
    "worker_lost": "The run was lost with its worker: start it again",
    "not_built": "The add-in is not built on this server",
    "invalid_share": "This plan cannot be shared as asked",
    "internal": "Something went wrong on the server",
}


def title_for(code: str) -> str:
    """The planner-worded title of ``code`` (a readable fallback for a code without one)."""
    return TITLES.get(code) or code.replace("_", " ").capitalize()


def column_letter(index: int) -> str:
    """Excel column letters for a 0-based column index (0 -> A, 26 -> AA)."""
    if index < 0:
        raise ValueError(f"column index must be >= 0, got {index}")
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def a1_cell(row: int, column_index: int) -> str:
    """A1 address of a 1-based row and a 0-based column index, as the range was sent."""
    return f"{column_letter(column_index)}{row}"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located as precisely as we know."""

    message: str
    table: str | None = None
    row: int | None = None
    column: str | None = None
    cell: str | None = None
    # a problem of one what-if scenario: its name, or its 0-based place in the request when the
    # name itself is what is wrong (so a client points at that scenario without reading messages)
    scenario: str | int | None = None

    def to_dict(self) -> dict:
        """The problem on the wire; ``scenario`` only on a scenario's problems."""
        return {k: v for k, v in asdict(self).items() if k != "scenario" or v is not None}


@dataclass
class FolioError(Exception):
    """Base of every error with a stable code that a client may see."""

    code: str
    detail: str
    status: int = 400
    title: str | None = None  # None: the code's title in TITLES
    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.detail)
        if self.title is None:
            self.title = title_for(self.code)

    def __str__(self) -> str:  # dataclass would print the repr otherwise
        return self.detail

    def to_problem(self) -> dict:
        """The problem+json body (without ``type``/``instance``, which the server adds)."""
        return {
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "code": self.code,
            "errors": [p.to_dict() for p in self.problems],
        }


def table_error(problems: list[Problem], detail: str | None = None) -> FolioError:
    """The error for tables that break the contract; lists every problem found."""
    count = len(problems)
    first = problems[0].message if problems else "invalid table"
    return FolioError(
        code="invalid_table",
        status=422,
        detail=detail or (first if count == 1 else f"{count} problems in the tables; first: {first}"),
        problems=list(problems),
    )


def settings_error(problems: list[Problem]) -> FolioError:
    """The error for job settings out of range; ``column`` names the setting."""
    first = problems[0].message if problems else "invalid settings"
    return FolioError(
        code="invalid_settings",
        status=422,
        detail=first if len(problems) == 1 else f"{len(problems)} invalid settings; first: {first}",
        problems=list(problems),
    )


def infeasible(rule: str, detail: str) -> FolioError:
    """A plan whose hard rules cannot all be met; ``rule`` names the rule."""
    return FolioError(
        code="infeasible",
        status=422,
        detail=detail,
        problems=[Problem(message=detail, column=rule)],
    )


def insufficient_data(problems: list[Problem], detail: str | None = None) -> FolioError:
    """Valid tables that hold too little to learn from (one campaign, no unit ever sold): says
    what is missing, with the table and column, so the user knows what to add."""
    first = problems[0].message if problems else "the data hold too little to learn from"
    return FolioError(
        code="insufficient_data",
        status=422,
        detail=detail or first,
        problems=list(problems),
    )
