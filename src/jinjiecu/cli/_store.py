"""Opening a command's store, the notices and actors it records, and ``jinjiecu init``.

Every command that reads or writes records goes through :func:`opened`: it
picks the store (``--store``, else ``$JINJIECU_STORE``, else ``jinjiecu.db``),
refuses an SQLite file that does not exist, and first adds the holiday notices
given with ``--holiday-notice``. :func:`actor_of` and :func:`notice_actor`
name who a writing command records; :func:`provisional_note` is the line
every command prints under figures counted on a provisional year.
"""

from __future__ import annotations

import getpass
import os
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from jinjiecu.cli._exit import ExitCode
from jinjiecu.cli._text import Ui, fail

if TYPE_CHECKING:
    import argparse
    from collections.abc import Iterator, Sequence

    from jinjiecu.domain.calendar import HolidayNotice
    from jinjiecu.domain.problem import Actor
    from jinjiecu.storage.base import Store


# ---------------------------------------------------------------------- the store


def store_url(args: argparse.Namespace) -> str:
    """The store the command works on: ``--store``, else ``$JINJIECU_STORE``, else ``jinjiecu.db``.

    A plain file path (no ``://``) means an SQLite file.
    """
    from jinjiecu.storage import DEFAULT_STORE_URL, STORE_ENV  # noqa: PLC0415

    given = (getattr(args, "store", None) or "").strip()
    url = given or os.environ.get(STORE_ENV, "").strip() or DEFAULT_STORE_URL
    if "://" not in url:
        url = f"sqlite:///{url}"
    return url


NOTICES_ENV = "JINJIECU_HOLIDAY_NOTICES"
"""Environment variable: notice files to add to the store, separated like ``PATH``."""


def read_notice(path: str | Path) -> HolidayNotice:
    """A holiday notice typed as TOML in ``path``; errors name the file."""
    from jinjiecu.domain.calendar import HolidayNotice  # noqa: PLC0415
    from jinjiecu.errors import ValidationError  # noqa: PLC0415

    text = Path(path).read_text(encoding="utf-8-sig")
    try:
        return HolidayNotice.from_toml(text)
    except ValidationError as error:
        raise error.at(str(path)) from None


def add_notice_options(args: argparse.Namespace, store: Store, ui: Ui) -> None:
    """Add the notices of ``--holiday-notice`` (or ``$JINJIECU_HOLIDAY_NOTICES``) to the store.

    A file is added only for a year the store has no notice for, so a file
    left in the environment after a correction changes nothing: the store's
    notice stands, and a note says the file differs from it. A year the
    ``holidays`` package covers is left to the package, with a note.
    """
    paths = getattr(args, "holiday_notice", None) or [
        part for part in os.environ.get(NOTICES_ENV, "").split(os.pathsep) if part.strip()
    ]
    if not paths:
        return
    from jinjiecu.errors import ValidationError  # noqa: PLC0415

    notices = sorted(((read_notice(path), path) for path in paths), key=lambda pair: pair[0].year)
    calendar = store.holiday_notices.calendar()
    current = store.holiday_notices.current()
    for notice, path in notices:
        year = notice.year
        if year in calendar.package_years:
            ui.note(
                f"{year}年已有 holidays 数据包中的官方日历，未使用 {path}",
                f"{year} is covered by the holidays package; {path} is not used",
            )
            continue
        entry = current.get(year)
        if entry is not None:
            if entry.notice != notice:
                ui.note(
                    f"{path} 与数据库中的{year}年放假通知（第{entry.version}版）不同，"
                    f"按数据库中的计算；如需更正：jinjiecu calendar add-notice {path} --replace",
                    f"{path} differs from the store's {year} notice (version {entry.version}), "
                    f"which is used; to correct it: jinjiecu calendar add-notice {path} --replace",
                )
            continue
        try:
            store.holiday_notices.add(notice, actor=notice_actor(args))
        except ValidationError as error:
            raise error.at(str(path)) from None
        ui.note(
            f"已将{year}年放假通知写入数据库（{path}），此后无需再指定。",
            f"Added the {year} holiday notice ({path}) to the store; every command "
            "now counts with it without the option.",
        )


def notice_actor(args: argparse.Namespace) -> Actor:
    """Who adds a notice: ``--actor`` where the command has it, else the login name."""
    from jinjiecu.domain.problem import Actor, ActorKind  # noqa: PLC0415

    name = getattr(args, "actor", None) or _login_name()
    kind = ActorKind.parse(getattr(args, "actor_kind", None) or "clerk", field="actor_kind")
    return Actor(kind=kind, id=name, name=name)


def provisional_note(ui: Ui, years: Sequence[int]) -> None:
    """One line naming the provisional years counted on, and how to add their notices."""
    if not years:
        return
    shown = "、".join(f"{year}年" for year in years)
    english = ", ".join(str(year) for year in years)
    ui.say(
        f"注：{shown}尚无放假通知，涉及的工作日按法定节假日暂计（不含调休）；"
        "通知发布后运行 jinjiecu calendar add-notice 通知.toml，时限将自动重算。",
        f"Note: {english} has no holiday notice yet, so its working days are provisional "
        "(statutory holidays, no make-up workdays); once the notice is out, run "
        "`jinjiecu calendar add-notice notice.toml` and deadlines are recounted.",
    )


def _sqlite_file(url: str) -> str | None:
    scheme, _, rest = url.partition("://")
    if scheme.lower() != "sqlite" or not rest.startswith("/") or len(rest) < 2:
        return None
    return rest[1:]


@contextmanager
def opened(args: argparse.Namespace, ui: Ui, *, create: bool = False) -> Iterator[Store]:
    """Open the command's store; refuse an SQLite file that does not exist unless ``create``.

    Reading commands never create an empty database by accident (a typo in
    ``--store`` would otherwise give figures of zero). Notices given with
    ``--holiday-notice`` are added to the store first (:func:`add_notice_options`).
    """
    from jinjiecu.storage import open_store  # noqa: PLC0415

    url = store_url(args)
    path = _sqlite_file(url)
    if not create and path is not None and not Path(path).exists():
        fail(
            f"找不到数据库 {path}，请检查 --store，或先运行 jinjiecu init（或 jinjiecu demo）",
            f"no store at {path}: check --store, or run `jinjiecu init` (or `jinjiecu demo`) first",
            code=ExitCode.STORE,
        )
    with open_store(url) as store:
        add_notice_options(args, store, ui)
        yield store


# ---------------------------------------------------------------------- actors


def actor_of(args: argparse.Namespace) -> Actor:
    """The actor a writing command records: ``--actor`` (default: the user's login name)."""
    from jinjiecu.domain.problem import Actor, ActorKind  # noqa: PLC0415

    name = args.actor or _login_name()
    return Actor(kind=ActorKind.parse(args.actor_kind, field="actor_kind"), id=name, name=name)


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name in this environment
        return "jinjiecu-cli"


# ---------------------------------------------------------------------- init


def run_init(args: argparse.Namespace, ui: Ui) -> int:
    """``jinjiecu init``: create the store or bring its schema up to date."""
    url = store_url(args)
    path = _sqlite_file(url)
    existed = path is None or Path(path).exists()
    with opened(args, ui, create=True) as store:
        where = store.url
        version = _schema_version(store)
    if ui.json:
        ui.dump({"store": where, "created": not existed, "schema_version": version})
        return 0
    if existed:
        ui.say(
            f"数据库已就绪：{where}（结构版本 {version}）",
            f"Store ready: {where} (schema version {version})",
        )
    else:
        ui.say(
            f"已创建数据库：{where}（结构版本 {version}）",
            f"Created the store {where} (schema version {version})",
        )
    return 0


def _schema_version(store: Store) -> int | None:
    from jinjiecu.storage.memory import MemoryStore  # noqa: PLC0415

    if isinstance(store, MemoryStore):
        return None
    from jinjiecu.storage.sql import SCHEMA_VERSION  # noqa: PLC0415

    return SCHEMA_VERSION
