"""Tamper-evident history: one hash chain per store, checkpoints and :func:`verify`.

Every appended transition, every version of a finance record or of a year's
holiday notice, and every audit entry gets the store's next chain sequence
number and a digest::

    digest(n) = SHA-256(digest(n - 1) + canonical(entry n))

where ``digest(0)`` is :data:`GENESIS` (64 zeros) and ``canonical`` is the
entry's kind, key and value (the serialisation converter's unstructured form)
as JSON with sorted keys, no whitespace and UTF-8 text. The keys are
``"<problem id>#<sequence>"`` for transitions, ``"<kind>/<id>#<version>"`` for
finance records, ``"<year>#<version>"`` for holiday notices and the sequence
number for audit entries.

The chain's head (sequence number and digest) is a :class:`Checkpoint`:
export it with :meth:`Checkpoint.to_json` and keep it somewhere else (a
printed report, another server). :func:`verify` re-reads every entry from the
store's own tables, recomputes the chain and names the first entry whose
content, order or presence does not match; given a checkpoint it also finds a
history that was cut short or rewritten before the checkpoint was taken.
防篡改：哈希链、检查点与校验。

>>> from jinjiecu.storage import MemoryStore
>>> with MemoryStore() as store:
...     report = verify(store)
>>> report.ok, report.head.seq
(True, 0)
"""

from __future__ import annotations

import hashlib
import json
import threading
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, NamedTuple

import attrs

from jinjiecu.domain.clock import now
from jinjiecu.domain.policy import AuditEntry, AuditOutcome
from jinjiecu.domain.problem import Actor
from jinjiecu.domain.validation import check
from jinjiecu.errors import IntegrityError, JinjiecuError, ValidationError
from jinjiecu.serialization import unstructure

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable, Iterable, Iterator, Sequence

    from jinjiecu.domain.problem import Problem, Transition
    from jinjiecu.storage.base import Session, Store

__all__ = [
    "AUDIT",
    "GENESIS",
    "NOTICE",
    "RECORD",
    "TRANSITION",
    "ChainLink",
    "Checkpoint",
    "Finding",
    "PendingAudit",
    "StoredEntry",
    "VerifyReport",
    "audit_key",
    "audit_value",
    "canonical",
    "chain_digest",
    "data_text",
    "extend_chain",
    "notice_key",
    "record_key",
    "sharing_data_texts",
    "transition_audits",
    "transition_content",
    "transition_entries",
    "transition_key",
    "transition_text",
    "transition_value",
    "verify",
]

GENESIS = "0" * 64
"""The digest before the first entry."""

TRANSITION = "transition"
"""Chain kind of a problem's transition."""
RECORD = "record"
"""Chain kind of one version of a finance record."""
AUDIT = "audit"
"""Chain kind of an audit entry."""
NOTICE = "notice"
"""Chain kind of one version of a year's holiday notice (:mod:`jinjiecu.storage.notices`)."""

_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode


def _is_digest(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    check(
        isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value),
        field=attribute.name,
        expected="a SHA-256 digest: 64 lower-case hexadecimal digits",
        received=value,
    )


def _is_seq(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    check(
        isinstance(value, int) and not isinstance(value, bool) and value >= 0,
        field=attribute.name,
        expected="a chain sequence number (an integer, 0 or more)",
        received=value,
    )


@attrs.frozen(kw_only=True)
class Checkpoint:
    """A store's chain head: how many entries it holds and the last digest. 检查点.

    Keep one outside the store; :func:`verify` with it finds a history that
    was shortened or rewritten.

    >>> point = Checkpoint(seq=2, digest="ab" * 32)
    >>> Checkpoint.from_json(point.to_json()) == point
    True
    """

    seq: int = attrs.field(validator=_is_seq)
    digest: str = attrs.field(validator=_is_digest)

    def to_json(self) -> str:
        """The checkpoint as JSON text, to keep elsewhere."""
        return _encode({"seq": self.seq, "digest": self.digest})

    @classmethod
    def from_json(cls, text: str) -> Checkpoint:
        """Read a checkpoint written by :meth:`to_json`; bad text raises ValidationError."""
        try:
            value = json.loads(text)
            return cls(seq=value["seq"], digest=value["digest"])
        except (ValueError, TypeError, KeyError):
            raise ValidationError(
                field="checkpoint",
                expected='JSON text such as {"digest":"<64 hex digits>","seq":12}',
                received=text,
            ) from None


class ChainLink(NamedTuple):
    """One entry of the chain as the store keeps it: where it is, what it names, its digest.

    A named tuple, not an attrs class: bulk loads make one per transition and
    write it as the ``chain`` row it already is.
    """

    seq: int
    kind: str
    key: str
    digest: str


@attrs.frozen(kw_only=True)
class StoredEntry:
    """An entry as read back from a store's tables, for :func:`verify`.

    ``content`` is its canonical serialisation (``None`` if the stored row
    cannot be read at all); ``fault`` says what is wrong with the rows beside
    it that the chain does not hash (columns derived from the entry, such as
    a transition's standing or a record's index values), ``""`` if nothing.
    """

    kind: str
    key: str
    content: str | None
    fault: str = ""


@attrs.frozen(kw_only=True)
class Finding:
    """The first thing :func:`verify` found wrong: which entry, and why."""

    seq: int | None
    """Chain sequence number of the entry (``None``: in the tables, not in the chain)."""
    kind: str
    key: str
    reason: str


@attrs.frozen(kw_only=True)
class VerifyReport:
    """What :func:`verify` found: ``ok``, the head it walked to and the findings."""

    entries: int
    """How many chain entries were walked."""
    head: Checkpoint
    """The head the walk reached, as the last entry's number and digest."""
    findings: tuple[Finding, ...] = ()
    """What was found wrong, in chain order (only the first unless every finding was asked)."""

    @property
    def finding(self) -> Finding | None:
        """The first thing found wrong, or ``None``."""
        return self.findings[0] if self.findings else None

    @property
    def ok(self) -> bool:
        """Whether the history matched its chain (and the checkpoint, if one was given)."""
        return not self.findings

    def raise_if_bad(self) -> None:
        """Raise :class:`~jinjiecu.errors.IntegrityError` naming the first bad entry, if any."""
        if self.finding is not None:
            f = self.finding
            raise IntegrityError(seq=f.seq, kind=f.kind, key=f.key, reason=f.reason)


def canonical(kind: str, key: str, value: Any) -> str:
    """The canonical serialisation of one entry (sorted-key JSON, no whitespace, UTF-8 text).

    >>> canonical("record", "bridge_fund/f-1#1", {"b": 1, "a": "过桥"})
    '{"key":"bridge_fund/f-1#1","kind":"record","value":{"a":"过桥","b":1}}'
    """
    return _encode({"kind": kind, "key": key, "value": value})


def chain_digest(previous: str, content: str) -> str:
    """SHA-256 (hex) of the previous digest followed by the entry's canonical text."""
    return hashlib.sha256((previous + content).encode()).hexdigest()


def transition_key(problem_id: str, sequence: int) -> str:
    """The chain key of a transition."""
    return f"{problem_id}#{sequence}"


def record_key(kind: str, record_id: str, version: int) -> str:
    """The chain key of one version of a record."""
    return f"{kind}/{record_id}#{version}"


def audit_key(seq: int) -> str:
    """The chain key of an audit entry: its own sequence number."""
    return str(seq)


def notice_key(year: int, version: int) -> str:
    """The chain key of one version of a year's holiday notice."""
    return f"{year}#{version}"


def transition_value(transition: Transition) -> dict[str, Any]:
    """A transition unstructured (equal to ``unstructure(transition)``, built faster by hand)."""
    actor = transition.actor
    from_state = transition.from_state
    return {
        "problem_id": str(transition.problem_id),
        "sequence": transition.sequence,
        "event": transition.event._value_,
        "from_state": None if from_state is None else from_state._value_,
        "to_state": transition.to_state._value_,
        "at": transition.at.isoformat(),
        "actor": {"kind": actor.kind._value_, "id": actor.id, "name": actor.name},
        "data": unstructure(transition.data),
        "note": transition.note,
    }


# The C string encoder json.dumps(ensure_ascii=False) uses, without the per-call overhead.
_text: Callable[[str], str] = json.encoder.encode_basestring
_data_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
"""How stores write event data (and records) as JSON: the converter's field order, compact."""
_shared = threading.local()


def data_text(data: Any) -> str:
    """The JSON text of a transition's event data, as stores write it and the chain hashes it.

    Inside :func:`sharing_data_texts`, each event's text is made once and
    shared by the row that stores it and the chain entry that hashes it.
    """
    memo: dict[int, tuple[Any, str]] | None = getattr(_shared, "texts", None)
    if memo is not None:
        found = memo.get(id(data))
        if found is not None and found[0] is data:
            return found[1]
    text = _data_json(unstructure(data))
    if memo is not None:
        memo[id(data)] = (data, text)
    return text


@contextmanager
def sharing_data_texts() -> Iterator[None]:
    """Share :func:`data_text` results within one write (this thread only)."""
    outer = getattr(_shared, "texts", None)
    if outer is not None:  # already sharing: an enclosing write owns the memo
        yield
        return
    _shared.texts = {}
    try:
        yield
    finally:
        _shared.texts = None


def transition_text(  # noqa: PLR0917 - the row's own columns, in order
    problem_id: str,
    sequence: int,
    event: str,
    from_state: str | None,
    to_state: str,
    at_text: str,
    actor: tuple[str, str, str],
    note: str,
    data_json: str,
) -> str:
    """The canonical text of a transition from its own fields (``actor``: kind, id, name).

    Sorted-key JSON of ``{"key", "kind", "value"}``; in ``value`` the event
    data is embedded as the JSON text the store keeps (``data_json``), so the
    chain hashes exactly what is stored. Writers and :func:`verify` both
    build it here.
    """
    kind, actor_id, name = actor
    key = f"{problem_id}#{sequence}"
    parts = (
        '{"key":',
        _text(key),
        ',"kind":"transition","value":{"actor":{"id":',
        _text(actor_id),
        ',"kind":',
        _text(kind),
        ',"name":',
        _text(name),
        '},"at":',
        _text(at_text),
        ',"data":',
        data_json,
        ',"event":',
        _text(event),
        ',"from_state":',
        "null" if from_state is None else _text(from_state),
        ',"note":',
        _text(note),
        ',"problem_id":',
        _text(problem_id),
        ',"sequence":',
        str(sequence),
        ',"to_state":',
        _text(to_state),
        "}}",
    )
    return "".join(parts)


def transition_content(transition: Transition) -> tuple[str, str]:
    """A transition's chain key and canonical text (equal to :func:`transition_text`'s).

    Written out in one function: bulk loads call it once per transition.
    """
    actor = transition.actor
    from_state = transition.from_state
    problem_id = str(transition.problem_id)
    key = f"{problem_id}#{transition.sequence}"
    text = _text
    return key, "".join(
        (
            '{"key":',
            text(key),
            ',"kind":"transition","value":{"actor":{"id":',
            text(actor.id),
            ',"kind":"',
            actor.kind._value_,
            '","name":',
            text(actor.name),
            '},"at":"',
            transition.at.isoformat(),
            '","data":',
            data_text(transition.data),
            ',"event":"',
            transition.event._value_,
            '","from_state":',
            "null" if from_state is None else f'"{from_state._value_}"',
            ',"note":',
            text(transition.note),
            ',"problem_id":',
            text(problem_id),
            ',"sequence":',
            str(transition.sequence),
            ',"to_state":"',
            transition.to_state._value_,
            '"}}',
        )
    )


def transition_entries(problem: Problem, after: int = 0) -> Iterator[tuple[str, str, str]]:
    """The chain entries ``(kind, key, canonical text)`` of the transitions after ``after``."""
    for transition in problem.transitions[after:]:
        key, content = transition_content(transition)
        yield TRANSITION, key, content


def transition_audits(problem: Problem, after: int = 0) -> list[PendingAudit]:
    """Audit entries, one per transition of ``problem`` after ``after``, by its actor."""
    return [
        PendingAudit(
            actor=t.actor,
            action=t.event.value,
            object_kind="problem",
            object_id=problem.id,
            detail=f"transition {t.sequence}",
        )
        for t in problem.transitions[after:]
    ]


@attrs.frozen(kw_only=True)
class PendingAudit:
    """An audit entry about to be written (its number and time are given when it is)."""

    actor: Actor
    action: str
    object_kind: str
    object_id: str
    outcome: AuditOutcome = AuditOutcome.OK
    detail: str = ""


def extend_chain(
    session: Session,
    entries: Iterable[tuple[str, str, str]],
    audits: Sequence[PendingAudit] = (),
    *,
    at: dt.datetime | None = None,
) -> list[ChainLink]:
    """Append entries ``(kind, key, canonical text)``, then audit entries, to the chain.

    The session's :meth:`~jinjiecu.storage.base.IntegrityStorage.chain_head` takes the
    head (locking it where the database needs that), so writers take
    sequence numbers one after another. Audit entries are numbered, stamped
    with ``at`` (now, by default), written and chained after the entries.
    """
    head = session.chain_head()
    seq, previous = head.seq, head.digest
    links: list[ChainLink] = []
    append, sha256, link = links.append, hashlib.sha256, ChainLink
    # chain_digest, inlined: this loop runs once per transition of a bulk load.
    for kind, key, content in entries:
        seq += 1
        previous = sha256((previous + content).encode()).hexdigest()
        append(link(seq, kind, key, previous))
    written: list[AuditEntry] = []
    if audits:
        moment = now() if at is None else at
        for pending in audits:
            seq += 1
            entry = AuditEntry(
                seq=seq,
                at=moment,
                actor=pending.actor,
                action=pending.action,
                object_kind=pending.object_kind,
                object_id=pending.object_id,
                outcome=pending.outcome,
                detail=pending.detail,
            )
            key = audit_key(seq)
            previous = chain_digest(previous, canonical(AUDIT, key, audit_value(entry)))
            links.append(ChainLink(seq=seq, kind=AUDIT, key=key, digest=previous))
            written.append(entry)
    if links:
        session.write_chain(links)
    if written:
        session.insert_audit(written)
    return links


def audit_value(entry: AuditEntry) -> dict[str, Any]:
    """An audit entry unstructured (equal to ``unstructure(entry)``)."""
    actor = entry.actor
    return {
        "seq": entry.seq,
        "at": entry.at.isoformat(),
        "actor": {"kind": actor.kind._value_, "id": actor.id, "name": actor.name},
        "action": entry.action,
        "object_kind": entry.object_kind,
        "object_id": entry.object_id,
        "outcome": entry.outcome._value_,
        "detail": entry.detail,
    }


def verify(
    store: Store, checkpoint: Checkpoint | None = None, *, every_finding: bool = False
) -> VerifyReport:
    """Re-walk the store's history and report the first entry that does not match.

    Reads every transition, finance-record version and audit entry from the
    store's tables, recomputes the chain in order and compares: an entry whose
    content changed, that moved, that is missing, or that is in the tables
    but not in the chain is named. With a ``checkpoint``, a chain shorter
    than it, or one whose entry at the checkpoint has another digest, is
    reported too. Works on every adapter, in one read transaction.

    With ``every_finding``, the walk goes on past each finding (taking the
    chain's own digest as the next starting point) and the report lists them
    all; :attr:`VerifyReport.finding` is still the first.
    """
    if checkpoint is not None:
        check(
            isinstance(checkpoint, Checkpoint),
            field="checkpoint",
            expected="a Checkpoint",
            received=checkpoint,
        )
    return store.read(
        lambda session: verify_session(session, checkpoint, every_finding=every_finding)
    )


def verify_session(
    session: Session, checkpoint: Checkpoint | None = None, *, every_finding: bool = False
) -> VerifyReport:
    """:func:`verify` over one open session (for adapters' own checks and tests)."""
    stored: dict[tuple[str, str], StoredEntry] = {}
    extra: list[StoredEntry] = []
    for entry in session.stored_entries():
        slot = (entry.kind, entry.key)
        if slot in stored:
            extra.append(entry)
        else:
            stored[slot] = entry
    try:
        claimed_head: Checkpoint | str = session.chain_head()
    except (ValidationError, ValueError) as error:
        # The head row was changed into something no head can be (a digest with a
        # letter that is not hexadecimal, a count that is no number): that is a
        # finding, not a crash.
        claimed_head = readable(error)
    walk = _Walk(every_finding)
    walk.run(session.chain_links(), stored, extra, checkpoint, claimed_head)
    return VerifyReport(
        entries=walk.walked,
        head=Checkpoint(seq=walk.walked, digest=walk.previous),
        findings=tuple(walk.findings),
    )


class _Stop(Exception):  # noqa: N818 - not an error: the walk found what it reports
    """The first finding, when only the first is wanted."""


class _Walk:
    def __init__(self, every_finding: bool) -> None:  # noqa: FBT001 - internal
        self.every_finding = every_finding
        self.previous = GENESIS
        self.walked = 0
        self.findings: list[Finding] = []

    def found(self, seq: int | None, kind: str, key: str, reason: str) -> None:
        self.findings.append(Finding(seq=seq, kind=kind, key=key, reason=reason))
        if not self.every_finding:
            raise _Stop

    def run(
        self,
        links: Iterator[ChainLink],
        stored: dict[tuple[str, str], StoredEntry],
        extra: Sequence[StoredEntry],
        checkpoint: Checkpoint | None,
        claimed_head: Checkpoint | str,
    ) -> None:
        """Walk the chain; ``claimed_head`` is the stored head, or why it could not be read."""
        try:
            self._links(links, stored, checkpoint)
            self._rest(stored, extra, checkpoint, claimed_head)
        except _Stop:
            pass

    def _links(
        self,
        links: Iterator[ChainLink],
        stored: dict[tuple[str, str], StoredEntry],
        checkpoint: Checkpoint | None,
    ) -> None:
        for link in links:
            expected_seq = self.walked + 1
            in_step = link.seq == expected_seq
            if not in_step:
                self.found(
                    expected_seq,
                    link.kind,
                    link.key,
                    f"chain entry {expected_seq} is missing or moved (next found: {link.seq})",
                )
            entry = stored.pop((link.kind, link.key), None)
            self.walked = link.seq
            if entry is None:
                self.previous = link.digest
                self.found(
                    link.seq, link.kind, link.key, "missing from the tables (deleted or moved)"
                )
                continue
            if entry.content is None:
                self.previous = link.digest
                self.found(
                    link.seq, link.kind, link.key, f"the stored row cannot be read: {entry.fault}"
                )
                continue
            digest = chain_digest(self.previous, entry.content)
            self.previous = link.digest
            if in_step and digest != link.digest:
                self.found(
                    link.seq, link.kind, link.key, "content or order does not match the chain"
                )
                continue
            if entry.fault:
                self.found(link.seq, link.kind, link.key, entry.fault)
            if (
                checkpoint is not None
                and link.seq == checkpoint.seq
                and digest != checkpoint.digest
            ):
                self.found(
                    link.seq,
                    link.kind,
                    link.key,
                    "the history was rewritten: this entry's digest differs from the checkpoint's",
                )

    def _rest(
        self,
        stored: dict[tuple[str, str], StoredEntry],
        extra: Sequence[StoredEntry],
        checkpoint: Checkpoint | None,
        claimed_head: Checkpoint | str,
    ) -> None:
        for entry in sorted([*stored.values(), *extra], key=lambda e: (e.kind, e.key)):
            self.found(None, entry.kind, entry.key, "in the tables but not in the chain (inserted)")
        if isinstance(claimed_head, str):
            self.found(self.walked + 1, "head", "", f"the stored head is damaged: {claimed_head}")
        elif (claimed_head.seq, claimed_head.digest) != (self.walked, self.previous):
            self.found(
                min(self.walked, claimed_head.seq) + 1,
                "head",
                str(claimed_head.seq),
                f"the stored head (entry {claimed_head.seq}) does not match the chain "
                f"({self.walked} entries)",
            )
        if checkpoint is not None and checkpoint.seq > self.walked:
            self.found(
                self.walked + 1,
                "checkpoint",
                str(checkpoint.seq),
                f"the history is shorter than the checkpoint: {self.walked} entries, the "
                f"checkpoint says {checkpoint.seq}",
            )


def row_fault(names: Sequence[str], stored: Sequence[Any], expected: Sequence[Any]) -> str:
    """Name the columns where a stored row differs from the one its entry implies (or "")."""
    differ = [n for n, a, b in zip(names, stored, expected, strict=True) if a != b]
    return f"column(s) {', '.join(differ)} do not match the entry" if differ else ""


def readable(error: Exception) -> str:
    """A short reason for a row that could not be read back."""
    if isinstance(error, JinjiecuError):
        return error.message
    return f"{type(error).__name__}: {error}"
