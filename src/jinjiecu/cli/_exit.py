"""The ``jinjiecu`` command's exit statuses, in one place for every command module."""

from __future__ import annotations

import enum

__all__ = ["ExitCode"]


class ExitCode(enum.IntEnum):
    """What the ``jinjiecu`` command's exit status means.

    Scripts can rely on these numbers; they do not change between versions.
    """

    OK = 0
    """成功 · the command did what was asked."""
    DATA = 1
    """数据或输入有误 · bad input or data (an invalid value, an unknown id, a refused
    transition, a ledger with bad rows; nothing was written)."""
    USAGE = 2
    """用法错误 · the command line itself is wrong (an unknown option, a missing
    argument, a value of the wrong form such as a date that is not a date)."""
    STORE = 3
    """数据库问题 · the store cannot be used (a bad ``--store`` URL, a missing file, a
    database that is locked, unreachable or written by a newer version), or a write
    lost to someone else's (a conflict; nothing was written)."""
    FILE = 4
    """文件问题 · a file named on the command line cannot be read or written."""
    DEPENDENCY = 5
    """缺少组件 · the command needs an optional extra that is not installed
    (``pip install 'jinjiecu[excel]'`` for xlsx, ``'jinjiecu[charts]'`` for charts)."""
    INTERNAL = 70
    """内部错误 · a bug in jinjiecu; run again with ``--debug`` and report the traceback."""
    INTERRUPTED = 130
    """已中断 · stopped with Ctrl-C; a write in progress was rolled back."""
