"""``jinjiecu demo``: load the 2019 Dezhou sample into the store (once) and print its headline."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from jinjiecu.cli._store import opened

if TYPE_CHECKING:
    import argparse
    import datetime as dt

    from jinjiecu.cli._text import Ui
    from jinjiecu.sample import SampleData
    from jinjiecu.storage.base import Store


def run_demo(args: argparse.Namespace, ui: Ui) -> int:
    """``jinjiecu demo``: load the 2019 Dezhou sample (once) and print its headline figures."""
    from jinjiecu.cli._progress import Progress  # noqa: PLC0415

    sample = _sample()
    with opened(args, ui, create=True) as store:
        loaded = 0
        already = sample.campaign_id in store.campaigns
        if not already:
            label = ui.text("写入样例", "loading the sample")
            with Progress(label, ui.err, enabled=not ui.quiet) as progress:
                loaded = load_missing(store, sample, progress)
        figures, zh, en = headline(store, as_of=sample.as_of, campaign_id=sample.campaign_id)
        where = store.url
    if ui.json:
        ui.dump(
            {
                "store": where,
                "loaded": not already,
                "records_added": loaded,
                "campaign_id": sample.campaign_id,
                "as_of": sample.as_of,
                "figures": figures,
                "headline": {"zh": zh, "en": en},
            }
        )
        return 0
    if already:
        ui.note(
            f"样例已在数据库中，未重复写入：{where}",
            f"The sample is already in {where}; nothing was added.",
        )
    else:
        ui.note(
            f"已将2019年德州市集中行动样例写入 {where}（{loaded} 条记录）",
            f"Loaded the sample 2019 Dezhou drive into {where} ({loaded} records).",
        )
    if args.full:
        _print_briefing(args, ui, sample.as_of, sample.campaign_id)
        return 0
    ui.say(zh, en)
    ui.note(
        "接着试试：jinjiecu stats --as-of 2019-11-13 --by 工作组；"
        "完整通报：jinjiecu report --as-of 2019-11-13",
        "Next, try: jinjiecu stats --as-of 2019-11-13 --by work_group; "
        "the whole briefing: jinjiecu report --as-of 2019-11-13",
    )
    return 0


def _print_briefing(args: argparse.Namespace, ui: Ui, as_of: dt.datetime, campaign_id: str) -> None:
    from jinjiecu.domain.ids import CampaignId  # noqa: PLC0415
    from jinjiecu.reports.briefing import briefing  # noqa: PLC0415

    languages = ["zh", "en"] if ui.lang == "both" else [ui.lang]
    with opened(args, ui) as store:
        texts = [
            briefing(store, as_of=as_of, campaign_id=CampaignId(campaign_id), language=language)
            for language in languages
        ]
    ui.print("\n\n".join(text.rstrip("\n") for text in texts))


@functools.cache
def _sample() -> SampleData:
    from jinjiecu.sample import dezhou_2019  # noqa: PLC0415

    return dezhou_2019()


def load_missing(store: Store, sample: SampleData, progress: Any) -> int:
    """Add the sample's records that the store does not hold yet, in one transaction.

    Records already there (the regions the ``dezhou_campaign`` example stores,
    say) are kept as they are. Returns how many records were added.
    """
    batches = [(kind, tuple(getattr(sample, kind))) for kind in sample.KINDS]
    total = sum(len(records) for _, records in batches)
    done = added = 0
    progress(0, total)
    with store.transaction() as tx:
        for kind, records in batches:
            collection = getattr(tx, kind)
            fresh = [record for record in records if record.id not in collection]
            added += collection.add_many(fresh)
            done += len(records)
            progress(done, total)
    return added


def headline(
    store: Store, *, as_of: dt.datetime, campaign_id: str | None
) -> tuple[dict[str, int], str, str]:
    """The briefing's headline: its figures, and its sentence in Chinese and in English.

    The figures are work groups, visits, identified, in progress and solved;
    the sentences are the briefing's own
    (:func:`~jinjiecu.reports.briefing.headline_sentence`), without reading
    the rest of the briefing.
    """
    from jinjiecu.domain.ids import CampaignId  # noqa: PLC0415
    from jinjiecu.metrics import problem_summary, visit_summary  # noqa: PLC0415
    from jinjiecu.reports.briefing import headline_sentence  # noqa: PLC0415
    from jinjiecu.storage.base import MAX_PAGE, Query as StoreQuery  # noqa: PLC0415

    campaign = None if campaign_id is None else CampaignId(campaign_id)
    query = StoreQuery(campaign_id=campaign)
    groups = store.work_groups.list(query, limit=MAX_PAGE)
    levels = {group.level for group in groups}
    problems = problem_summary(store, as_of=as_of, query=query).total
    visits = visit_summary(store, as_of=as_of, campaign_id=campaign).total
    figures = {
        "work_groups": len(groups),
        "visits": visits.visits,
        "identified": problems.identified,
        "in_progress": problems.in_progress,
        "solved": problems.solved,
    }
    zh, en = (
        headline_sentence(
            problems,
            visits,
            as_of=as_of,
            work_groups=len(groups),
            group_level=next(iter(levels)) if len(levels) == 1 else None,
            language=language,
        )
        for language in ("zh", "en")
    )
    return figures, zh, en
