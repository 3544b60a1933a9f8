"""The ``jinjiecu`` command line: a clerk's way into the records, with no traceback for a mistake.

Installed as the ``jinjiecu`` console script (also ``python -m jinjiecu.cli``)::

    jinjiecu demo                                   # load the 2019 Dezhou sample, print its figures
    jinjiecu stats --as-of 2019-11-13 --by 工作组     # figures per work group, as of a day
    jinjiecu problem show dz2019-p-0001             # a problem and its history
    jinjiecu import 工作台账.xlsx                    # read the office's ledger
    jinjiecu report --html 通报.html                 # the briefing, with charts

Every command takes ``--store URL`` (default: ``$JINJIECU_STORE``, else the
SQLite file ``jinjiecu.db`` in the working directory), ``--lang zh|en|both``,
``--quiet`` and ``--debug``; most take ``--json``. ``JINJIECU_LANG`` sets the
default language (``LANG_ENV``). A user's mistake prints one
line on standard error (in Chinese and English) and exits with an
:class:`ExitCode`; ``--debug`` adds the traceback.
"""

from __future__ import annotations

from jinjiecu.cli._app import LANG_ENV, main
from jinjiecu.cli._exit import ExitCode

__all__ = ["LANG_ENV", "ExitCode", "main"]
