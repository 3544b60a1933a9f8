"""The library's one exception tree.

Every error the public API raises is a :class:`JinjiecuError`. Each carries
structured fields (a field name, what was expected and what was received; or an
id, a state, an event ...) besides a message a clerk can read, so an app can
show the message and a program can act on the fields.

::

    JinjiecuError
    ├── ValidationError          bad input: field, expected, received, location
    │   ├── CalendarCoverageError   a date outside the years the calendar covers
    │   ├── UnknownWordError        a ledger's word no vocabulary knows (did you mean ...)
    │   └── UnknownNameError        a name no record in the store has (did you mean ...)
    ├── WorkflowError
    │   ├── IllegalTransitionError  event not allowed in the current state
    │   ├── HistoryError            a stored history that cannot be replayed
    │   └── WorkflowDefinitionError a transition table that is not well formed
    ├── StorageError
    │   ├── NotFoundError           no record of that kind and id
    │   ├── ConflictError           stale version, nothing written
    │   ├── DuplicateError          a record with that id already exists
    │   ├── SchemaVersionError      database written by a newer version
    │   ├── StoreUnavailableError   the database cannot be reached or used
    │   └── IntegrityError          the history does not match its hash chain
    ├── PermissionDeniedError       the policy refused an actor an action
    └── ConfigurationError          bad store URL, settings, environment
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self, TypeVar

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = [
    "CalendarCoverageError",
    "ConfigurationError",
    "ConflictError",
    "DuplicateError",
    "HistoryError",
    "IllegalTransitionError",
    "IntegrityError",
    "JinjiecuError",
    "NotFoundError",
    "PermissionDeniedError",
    "SchemaVersionError",
    "StorageError",
    "StoreUnavailableError",
    "ValidationError",
    "WorkflowDefinitionError",
    "WorkflowError",
]


class JinjiecuError(Exception):
    """Root of every error raised by jinjiecu.

    ``message`` is the human-readable text; subclasses add structured fields.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[object, ...]:
        # Subclasses take keyword-only fields, so rebuild from the attributes
        # rather than from ``args``; errors then cross process boundaries intact.
        return (_rebuild, (type(self), dict(self.__dict__)))


_E = TypeVar("_E", bound=JinjiecuError)


def _rebuild(cls: type[_E], state: dict[str, object]) -> _E:
    error = cls.__new__(cls)
    error.__dict__.update(state)
    error.args = (error.message,)
    return error


def _describe(value: object) -> str:
    """Quote a received value for an error message, shortened if very long."""
    text = repr(value)
    if len(text) > 80:
        text = text[:77] + "..."
    return f"{text} ({type(value).__name__})"


class ValidationError(JinjiecuError, ValueError):
    """Input that does not satisfy the domain's rules.

    Attributes:
        field: the name of the offending field (``"credit_code"``, ``"amount"``).
        expected: what a valid value looks like, in words.
        received: the value that was given, as given.
        location: where the value came from when it was read from a file,
            e.g. ``"row 12, column 统一社会信用代码"``; ``None`` otherwise.

    It is also a :class:`ValueError`, so code written against the standard
    library's conventions keeps working.

    >>> err = ValidationError(field="amount", expected="a non-negative amount", received=-5)
    >>> str(err)
    'amount: expected a non-negative amount, received -5 (int)'
    """

    def __init__(
        self,
        message: str | None = None,
        *,
        field: str,
        expected: str,
        received: object,
        location: str | None = None,
    ) -> None:
        self.field = field
        self.expected = expected
        self.received = received
        self.location = location
        if message is None:
            message = f"{field}: expected {expected}, received {_describe(received)}"
        if location is not None:
            message = f"{location}: {message}"
        super().__init__(message)

    def at(self, location: str) -> Self:
        """Return a copy of this error that also says where the value was read.

        >>> ValidationError(field="amount", expected="a number", received="x").at("row 3").message
        "row 3: amount: expected a number, received 'x' (str)"
        """
        located = _rebuild(type(self), dict(self.__dict__))
        located.location = location if self.location is None else f"{location}, {self.location}"
        located.message = f"{location}: {self.message}"
        located.args = (located.message,)
        return located


class CalendarCoverageError(ValidationError):
    """A date outside the years the working-day calendar covers.

    The calendar covers the years with official data (the ``holidays``
    package's, then notices a store keeps) and, after them, a few provisional
    years counted by the statutory rule; beyond those it never guesses.
    """

    def __init__(self, *, day: object, first_year: int, last_year: int) -> None:
        self.first_year = first_year
        self.last_year = last_year
        super().__init__(
            field="date",
            expected=f"a date in {first_year}–{last_year}, the years the working-day calendar "
            "covers",
            received=day,
        )


class WorkflowError(JinjiecuError):
    """Branch for errors in the problem workflow."""


class IllegalTransitionError(WorkflowError):
    """An event that is not allowed from the problem's current state.

    The problem is left unchanged. ``allowed`` lists the events that are allowed
    now, so a caller can offer them instead.
    """

    def __init__(
        self, *, problem_id: str, state: str, event: str, allowed: Sequence[str], reason: str = ""
    ) -> None:
        self.problem_id = problem_id
        self.state = state
        self.event = event
        self.allowed = tuple(allowed)
        self.reason = reason
        why = f": {reason}" if reason else ""
        super().__init__(
            f"problem {problem_id}: event {event!r} is not allowed in state {state!r}{why}; "
            f"allowed now: {', '.join(self.allowed) or 'none'}"
        )


class HistoryError(WorkflowError):
    """A stored history of transitions that cannot be replayed.

    Raised when loading a problem whose transitions have a gap, are out of
    order, or contain a transition that was illegal from its from-state.
    """

    def __init__(self, *, problem_id: str, sequence: int, reason: str) -> None:
        self.problem_id = problem_id
        self.sequence = sequence
        self.reason = reason
        super().__init__(f"problem {problem_id}: transition #{sequence}: {reason}")


class WorkflowDefinitionError(WorkflowError):
    """A transition table that is not well formed (raised when it is defined)."""


class StorageError(JinjiecuError):
    """Branch for errors raised by stores; driver errors are mapped to these."""


class NotFoundError(StorageError):
    """No record of this kind with this id."""

    def __init__(self, *, kind: str, id: str) -> None:  # noqa: A002 - the domain's word
        self.kind = kind
        self.id = str(id)
        super().__init__(f"no {kind} with id '{self.id}'")


class ConflictError(StorageError):
    """A write based on a stale version; nothing was written.

    Reload the record, re-apply the change and try again.
    """

    def __init__(self, *, kind: str, id: str, expected_version: int, actual_version: int) -> None:  # noqa: A002
        self.kind = kind
        self.id = str(id)
        self.expected_version = expected_version
        self.actual_version = actual_version
        super().__init__(
            f"{kind} '{self.id}' was changed by someone else: expected version "
            f"{expected_version}, found {actual_version}; nothing was written"
        )


class DuplicateError(StorageError):
    """A record with this id (or unique key) already exists."""

    def __init__(self, *, kind: str, id: str) -> None:  # noqa: A002
        self.kind = kind
        self.id = str(id)
        super().__init__(f"a {kind} with id or key '{self.id}' already exists")


class SchemaVersionError(StorageError):
    """The database was written by a newer version of jinjiecu; it is left untouched."""

    def __init__(self, *, found: int, supported: int, url: str) -> None:
        self.found = found
        self.supported = supported
        self.url = url
        super().__init__(
            f"{url}: database schema version {found} is newer than this jinjiecu "
            f"supports ({supported}); upgrade jinjiecu, the database was not changed"
        )


class StoreUnavailableError(StorageError):
    """The database could not be opened, reached or used."""


class IntegrityError(StorageError):
    """The stored history does not match its hash chain (or a checkpoint): it was changed.

    ``seq`` is the chain sequence number of the first entry that does not
    match (``None`` for an entry that is in the tables but not in the chain),
    ``kind`` and ``key`` name it (``"transition"``, ``"p-1#3"``), ``reason``
    says what is wrong. 记录完整性校验失败：历史记录与哈希链不符。
    """

    def __init__(self, *, seq: int | None, kind: str, key: str, reason: str) -> None:
        self.seq = seq
        self.kind = kind
        self.key = key
        self.reason = reason
        where = "not in the chain" if seq is None else f"chain entry {seq}"
        super().__init__(
            f"history check failed (历史记录校验失败) at {where}, {kind} {key!r}: {reason}"
        )


class PermissionDeniedError(JinjiecuError):
    """The store's policy refused an actor an action; nothing was written but the audit entry.

    ``actor`` is the :class:`~jinjiecu.domain.problem.Actor`, ``action`` the
    action's value (an event such as ``"close"``), ``object`` what it was done
    to (``"problem p-1"``), ``reason`` the policy's reason. 无权操作。
    """

    def __init__(self, *, actor: object, action: str, object: str, reason: str = "") -> None:  # noqa: A002 - the issue's word
        self.actor = actor
        self.action = action
        self.object = object
        self.reason = reason
        kind = getattr(actor, "kind", None)
        # An Actor reads "department d-1"; anything else as itself.
        who = (
            str(actor)
            if kind is None
            else f"{getattr(kind, 'value', kind)} {getattr(actor, 'id', '')}"
        )
        why = f": {reason}" if reason else ""
        super().__init__(f"permission denied (无权操作): {who} may not {action} {object}{why}")


class ConfigurationError(JinjiecuError):
    """Bad configuration: an unknown store URL scheme, an unreachable server, a bad setting.

    Passwords in URLs are masked in the message.
    """
