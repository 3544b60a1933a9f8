"""Write the weekly briefing (工作通报) of the 2019 Dezhou drive, as text and as an HTML report.

Run it with ``python examples/weekly_briefing.py [FOLDER]``. It loads the
sample drive (:func:`jinjiecu.sample.dezhou_2019`) into an in-memory store and
writes, as the records stood at the end of 2019-11-13, into FOLDER (default:
the working directory):

- ``briefing-2019-11-13.txt``: the briefing in Chinese, as the office sends it;
- ``briefing-2019-11-13.en.txt``: the same in English;
- ``briefing-2019-11-13.html``: briefing, tables and charts in one file that
  opens in a browser with no network (charts need the ``charts`` extra; without
  matplotlib the report is written without them).

It prints the Chinese briefing and the files it wrote.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from jinjiecu import briefing, dezhou_2019, html_report, local_date, open_store


def main() -> None:
    """Load the sample drive, write the briefing in both languages and the HTML report."""
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path.cwd()
    folder.mkdir(parents=True, exist_ok=True)
    drive = dezhou_2019()
    day = local_date(drive.as_of).isoformat()
    with open_store("memory://") as store:
        drive.load_into(store)
        chinese = briefing(store, as_of=drive.as_of, campaign_id=drive.campaign_id)
        english = briefing(store, as_of=drive.as_of, campaign_id=drive.campaign_id, language="en")
        written = [folder / f"briefing-{day}.txt", folder / f"briefing-{day}.en.txt"]
        written[0].write_text(chinese, encoding="utf-8")
        written[1].write_text(english, encoding="utf-8")
        charts = importlib.util.find_spec("matplotlib") is not None
        written.append(
            html_report(
                store,
                folder / f"briefing-{day}.html",
                as_of=drive.as_of,
                campaign_id=drive.campaign_id,
                charts=charts,
            )
        )
    print(chinese)
    for path in written:
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")
    if not charts:
        print("the HTML report has no charts: pip install 'jinjiecu[charts]' to add them")


if __name__ == "__main__":
    main()
