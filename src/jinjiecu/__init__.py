"""jinjiecu: typed records, workflow and figures for enterprise-assistance campaigns.

进企业、解难题、促发展 (进解促): leaders and departments, organised in work
groups, visit enterprises and key projects, register every problem an
enterprise raises, route it, track it to resolution under working-day
deadlines, follow it up and count it.

Everything an app needs is a name of this package: ``from jinjiecu import
Problem, open_store, problem_summary``. The names are listed in ``__all__``
and documented on one reference page; the modules they live in are internal
and may move. Test suites also use :mod:`jinjiecu.testing` (the ``testing``
extra). Names are imported on first use, so ``import jinjiecu`` stays fast
(``benchmarks/bench_import.py`` measures it).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0.dev0"

# Two lists of the same names, kept equal by tests/unit/test_public_api.py:
# the imports below tell type checkers what each name is, and _EXPORTS tells
# __getattr__ where to find it at run time, importing the module on first use.
if TYPE_CHECKING:
    from jinjiecu.dispatcher import (
        Dispatcher as Dispatcher,
        UnknownNameError as UnknownNameError,
    )
    from jinjiecu.domain.calendar import (
        PROVISIONAL_YEARS as PROVISIONAL_YEARS,
        DaySource as DaySource,
        HolidayNotice as HolidayNotice,
        WorkingCalendar as WorkingCalendar,
        china_calendar as china_calendar,
        statutory_holidays as statutory_holidays,
    )
    from jinjiecu.domain.campaign import (
        Campaign as Campaign,
        CampaignKind as CampaignKind,
        CampaignTargets as CampaignTargets,
    )
    from jinjiecu.domain.clock import (
        CHINA_TZ as CHINA_TZ,
        at as at,
        end_of_day as end_of_day,
        local_date as local_date,
        now as now,
        start_of_day as start_of_day,
    )
    from jinjiecu.domain.codes import (
        CreditCode as CreditCode,
        CreditCodeError as CreditCodeError,
        DivisionCode as DivisionCode,
        DivisionLevel as DivisionLevel,
        is_valid_credit_code as is_valid_credit_code,
    )
    from jinjiecu.domain.divisions import (
        DEZHOU_DIVISIONS as DEZHOU_DIVISIONS,
        REFERENCE_DIVISIONS as REFERENCE_DIVISIONS,
        Division as Division,
        DivisionKind as DivisionKind,
        division_by_code as division_by_code,
        division_by_name as division_by_name,
    )
    from jinjiecu.domain.enterprise import (
        Enterprise as Enterprise,
        Project as Project,
        ProjectKind as ProjectKind,
        ProjectPhase as ProjectPhase,
        SizeClass as SizeClass,
    )
    from jinjiecu.domain.events import (
        Assign as Assign,
        Close as Close,
        ConsultationKind as ConsultationKind,
        Escalate as Escalate,
        EventData as EventData,
        Explain as Explain,
        ExtendDeadline as ExtendDeadline,
        FollowUp as FollowUp,
        FollowUpMethod as FollowUpMethod,
        FollowUpOutcome as FollowUpOutcome,
        HandlingLevel as HandlingLevel,
        MergeInto as MergeInto,
        Reassign as Reassign,
        RecountDeadline as RecountDeadline,
        Register as Register,
        Reject as Reject,
        Reopen as Reopen,
        Resolve as Resolve,
        Resume as Resume,
        Satisfaction as Satisfaction,
        Scope as Scope,
        Start as Start,
        Suspend as Suspend,
        Withdraw as Withdraw,
    )
    from jinjiecu.domain.finance import (
        Asset as Asset,
        AssetDisposal as AssetDisposal,
        AssetKind as AssetKind,
        BankPush as BankPush,
        BridgeDraw as BridgeDraw,
        BridgeFund as BridgeFund,
        CommitteeMeeting as CommitteeMeeting,
        CommitteeOutcome as CommitteeOutcome,
        CoordinatedFinancing as CoordinatedFinancing,
        CreditorCommittee as CreditorCommittee,
        Criterion as Criterion,
        DebtResolution as DebtResolution,
        DebtResolutionMethod as DebtResolutionMethod,
        DisposalMethod as DisposalMethod,
        FinancingSource as FinancingSource,
        Loan as Loan,
        LoanRenewal as LoanRenewal,
        RiskClass as RiskClass,
        Whitelist as Whitelist,
        WhitelistChange as WhitelistChange,
        WhitelistEvent as WhitelistEvent,
        group_totals as group_totals,
        total as total,
    )
    from jinjiecu.domain.guarantees import (
        Chain as Chain,
        ChainSplit as ChainSplit,
        Cycle as Cycle,
        Exposure as Exposure,
        ExposureChange as ExposureChange,
        GuaranteeLink as GuaranteeLink,
        GuaranteeNetwork as GuaranteeNetwork,
        Hub as Hub,
        HubKind as HubKind,
        MutualPair as MutualPair,
        UntangleReport as UntangleReport,
    )
    from jinjiecu.domain.ids import (
        AssetDisposalId as AssetDisposalId,
        BridgeFundId as BridgeFundId,
        CampaignId as CampaignId,
        CoordinatedFinancingId as CoordinatedFinancingId,
        CreditorCommitteeId as CreditorCommitteeId,
        DebtResolutionId as DebtResolutionId,
        DepartmentId as DepartmentId,
        EnterpriseId as EnterpriseId,
        GuaranteeLinkId as GuaranteeLinkId,
        LeaderId as LeaderId,
        LoanRenewalId as LoanRenewalId,
        OfficeId as OfficeId,
        ProblemId as ProblemId,
        ProjectId as ProjectId,
        RegionId as RegionId,
        VisitId as VisitId,
        WhitelistId as WhitelistId,
        WorkGroupId as WorkGroupId,
        new_uuid7 as new_uuid7,
    )
    from jinjiecu.domain.money import (
        Money as Money,
        MoneyUnit as MoneyUnit,
    )
    from jinjiecu.domain.org import (
        CampaignOffice as CampaignOffice,
        Department as Department,
        DepartmentKind as DepartmentKind,
        Leader as Leader,
        LeadershipBody as LeadershipBody,
        OrgLevel as OrgLevel,
        Region as Region,
        WorkGroup as WorkGroup,
        regions_from_divisions as regions_from_divisions,
    )
    from jinjiecu.domain.personal import (
        Contact as Contact,
        MobileNumber as MobileNumber,
        ResidentId as ResidentId,
        ResidentIdError as ResidentIdError,
        mask_id as mask_id,
        mask_mobile as mask_mobile,
        mask_name as mask_name,
        mask_text as mask_text,
    )
    from jinjiecu.domain.policy import (
        ALLOW_ALL as ALLOW_ALL,
        AllowAll as AllowAll,
        AuditEntry as AuditEntry,
        AuditOutcome as AuditOutcome,
        Decision as Decision,
        DefaultPolicy as DefaultPolicy,
        Policy as Policy,
    )
    from jinjiecu.domain.problem import (
        DEFAULT_RULES as DEFAULT_RULES,
        Actor as Actor,
        ActorKind as ActorKind,
        DeadlinePolicy as DeadlinePolicy,
        Problem as Problem,
        ProblemRules as ProblemRules,
        Standing as Standing,
        Transition as Transition,
        allowed_events as allowed_events,
    )
    from jinjiecu.domain.taxonomy import (
        DEFAULT_TAXONOMY as DEFAULT_TAXONOMY,
        Category as Category,
        Taxonomy as Taxonomy,
    )
    from jinjiecu.domain.visit import (
        Visit as Visit,
        VisitKind as VisitKind,
    )
    from jinjiecu.domain.workflow import (
        ACTIVE_STATES as ACTIVE_STATES,
        EXCLUDED_STATES as EXCLUDED_STATES,
        FINAL_STATES as FINAL_STATES,
        Event as Event,
        ProblemState as ProblemState,
        TransitionRule as TransitionRule,
    )
    from jinjiecu.errors import (
        CalendarCoverageError as CalendarCoverageError,
        ConfigurationError as ConfigurationError,
        ConflictError as ConflictError,
        DuplicateError as DuplicateError,
        HistoryError as HistoryError,
        IllegalTransitionError as IllegalTransitionError,
        IntegrityError as IntegrityError,
        JinjiecuError as JinjiecuError,
        NotFoundError as NotFoundError,
        PermissionDeniedError as PermissionDeniedError,
        SchemaVersionError as SchemaVersionError,
        StorageError as StorageError,
        StoreUnavailableError as StoreUnavailableError,
        ValidationError as ValidationError,
        WorkflowDefinitionError as WorkflowDefinitionError,
        WorkflowError as WorkflowError,
    )
    from jinjiecu.metrics import (
        DEFINITIONS as DEFINITIONS,
        RATES as RATES,
        Definition as Definition,
        Dimension as Dimension,
        DurationStats as DurationStats,
        FinanceFigures as FinanceFigures,
        FinanceSummary as FinanceSummary,
        ProblemFigures as ProblemFigures,
        ProblemSummary as ProblemSummary,
        Ranking as Ranking,
        Rate as Rate,
        Row as Row,
        Summary as Summary,
        TargetCoverage as TargetCoverage,
        VisitFigures as VisitFigures,
        VisitSummary as VisitSummary,
        finance_summary as finance_summary,
        problem_summary as problem_summary,
        rank as rank,
        target_coverage as target_coverage,
        visit_summary as visit_summary,
    )
    from jinjiecu.reports.briefing import (
        BriefingFigures as BriefingFigures,
        BriefingTemplates as BriefingTemplates,
        OverdueProblem as OverdueProblem,
        RenderedBriefing as RenderedBriefing,
        briefing as briefing,
        briefing_figures as briefing_figures,
        render_briefing as render_briefing,
    )
    from jinjiecu.reports.charts import (
        chart_language as chart_language,
        overdue_chart as overdue_chart,
        progress_chart as progress_chart,
        resolution_rate_chart as resolution_rate_chart,
    )
    from jinjiecu.reports.finance_ledger import (
        FinanceImportReport as FinanceImportReport,
        export_finance_ledger as export_finance_ledger,
        import_finance_ledger as import_finance_ledger,
    )
    from jinjiecu.reports.html import (
        html_report as html_report,
        render_html as render_html,
    )
    from jinjiecu.reports.ledger import (
        ImportReport as ImportReport,
        LedgerHeaders as LedgerHeaders,
        LedgerImportError as LedgerImportError,
        RowError as RowError,
        export_ledger as export_ledger,
        import_ledger as import_ledger,
    )
    from jinjiecu.reports.vocabulary import (
        UnknownWordError as UnknownWordError,
        Vocabulary as Vocabulary,
    )
    from jinjiecu.reports.workflow_diagram import (
        workflow_mermaid as workflow_mermaid,
        workflow_svg as workflow_svg,
    )
    from jinjiecu.sample import (
        SampleData as SampleData,
        dezhou_2019 as dezhou_2019,
    )
    from jinjiecu.serialization import (
        make_converter as make_converter,
        structure as structure,
        unstructure as unstructure,
    )
    from jinjiecu.storage import (
        DEFAULT_STORE_URL as DEFAULT_STORE_URL,
        MemoryStore as MemoryStore,
        PostgresStore as PostgresStore,
        Query as Query,
        SQLiteStore as SQLiteStore,
        Store as Store,
        Transaction as Transaction,
        Versioned as Versioned,
        mask_url as mask_url,
        open_store as open_store,
    )
    from jinjiecu.storage.base import (
        IdempotencyStorage as IdempotencyStorage,
        IndexValues as IndexValues,
        IntegrityStorage as IntegrityStorage,
        NoticeStorage as NoticeStorage,
        ProblemStorage as ProblemStorage,
        RecordKind as RecordKind,
        Session as Session,
        SessionCore as SessionCore,
    )
    from jinjiecu.storage.integrity import (
        Checkpoint as Checkpoint,
        Finding as Finding,
        VerifyReport as VerifyReport,
        verify as verify,
    )
    from jinjiecu.storage.notices import (
        CalendarChange as CalendarChange,
        DeadlineMove as DeadlineMove,
        NoticeEntry as NoticeEntry,
        store_calendar as store_calendar,
    )

_EXPORTS: dict[str, tuple[str, ...]] = {
    "jinjiecu.errors": (
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
    ),
    "jinjiecu.domain.ids": (
        "AssetDisposalId",
        "BridgeFundId",
        "CampaignId",
        "CoordinatedFinancingId",
        "CreditorCommitteeId",
        "DebtResolutionId",
        "DepartmentId",
        "EnterpriseId",
        "GuaranteeLinkId",
        "LeaderId",
        "LoanRenewalId",
        "OfficeId",
        "ProblemId",
        "ProjectId",
        "RegionId",
        "VisitId",
        "WhitelistId",
        "WorkGroupId",
        "new_uuid7",
    ),
    "jinjiecu.domain.money": (
        "Money",
        "MoneyUnit",
    ),
    "jinjiecu.domain.codes": (
        "CreditCode",
        "CreditCodeError",
        "DivisionCode",
        "DivisionLevel",
        "is_valid_credit_code",
    ),
    "jinjiecu.domain.clock": (
        "CHINA_TZ",
        "at",
        "end_of_day",
        "local_date",
        "now",
        "start_of_day",
    ),
    "jinjiecu.domain.calendar": (
        "PROVISIONAL_YEARS",
        "DaySource",
        "HolidayNotice",
        "WorkingCalendar",
        "china_calendar",
        "statutory_holidays",
    ),
    "jinjiecu.domain.campaign": (
        "Campaign",
        "CampaignKind",
        "CampaignTargets",
    ),
    "jinjiecu.domain.org": (
        "CampaignOffice",
        "Department",
        "DepartmentKind",
        "Leader",
        "LeadershipBody",
        "OrgLevel",
        "Region",
        "WorkGroup",
        "regions_from_divisions",
    ),
    "jinjiecu.domain.divisions": (
        "DEZHOU_DIVISIONS",
        "REFERENCE_DIVISIONS",
        "Division",
        "DivisionKind",
        "division_by_code",
        "division_by_name",
    ),
    "jinjiecu.domain.enterprise": (
        "Enterprise",
        "Project",
        "ProjectKind",
        "ProjectPhase",
        "SizeClass",
    ),
    "jinjiecu.domain.visit": (
        "Visit",
        "VisitKind",
    ),
    "jinjiecu.domain.problem": (
        "DEFAULT_RULES",
        "Actor",
        "ActorKind",
        "DeadlinePolicy",
        "Problem",
        "ProblemRules",
        "Standing",
        "Transition",
        "allowed_events",
    ),
    "jinjiecu.domain.events": (
        "Assign",
        "Close",
        "ConsultationKind",
        "Escalate",
        "EventData",
        "Explain",
        "ExtendDeadline",
        "FollowUp",
        "FollowUpMethod",
        "FollowUpOutcome",
        "HandlingLevel",
        "MergeInto",
        "Reassign",
        "RecountDeadline",
        "Register",
        "Reject",
        "Reopen",
        "Resolve",
        "Resume",
        "Satisfaction",
        "Scope",
        "Start",
        "Suspend",
        "Withdraw",
    ),
    "jinjiecu.domain.workflow": (
        "ACTIVE_STATES",
        "EXCLUDED_STATES",
        "FINAL_STATES",
        "Event",
        "ProblemState",
        "TransitionRule",
    ),
    "jinjiecu.domain.taxonomy": (
        "DEFAULT_TAXONOMY",
        "Category",
        "Taxonomy",
    ),
    "jinjiecu.domain.policy": (
        "ALLOW_ALL",
        "AllowAll",
        "AuditEntry",
        "AuditOutcome",
        "Decision",
        "DefaultPolicy",
        "Policy",
    ),
    "jinjiecu.domain.finance": (
        "Asset",
        "AssetDisposal",
        "AssetKind",
        "BankPush",
        "BridgeDraw",
        "BridgeFund",
        "CommitteeMeeting",
        "CommitteeOutcome",
        "CoordinatedFinancing",
        "CreditorCommittee",
        "Criterion",
        "DebtResolution",
        "DebtResolutionMethod",
        "DisposalMethod",
        "FinancingSource",
        "Loan",
        "LoanRenewal",
        "RiskClass",
        "Whitelist",
        "WhitelistChange",
        "WhitelistEvent",
        "group_totals",
        "total",
    ),
    "jinjiecu.domain.guarantees": (
        "Chain",
        "ChainSplit",
        "Cycle",
        "Exposure",
        "ExposureChange",
        "GuaranteeLink",
        "GuaranteeNetwork",
        "Hub",
        "HubKind",
        "MutualPair",
        "UntangleReport",
    ),
    "jinjiecu.domain.personal": (
        "Contact",
        "MobileNumber",
        "ResidentId",
        "ResidentIdError",
        "mask_id",
        "mask_mobile",
        "mask_name",
        "mask_text",
    ),
    "jinjiecu.storage": (
        "DEFAULT_STORE_URL",
        "MemoryStore",
        "PostgresStore",
        "Query",
        "SQLiteStore",
        "Store",
        "Transaction",
        "Versioned",
        "mask_url",
        "open_store",
    ),
    "jinjiecu.storage.base": (
        "IdempotencyStorage",
        "IndexValues",
        "IntegrityStorage",
        "NoticeStorage",
        "ProblemStorage",
        "RecordKind",
        "Session",
        "SessionCore",
    ),
    "jinjiecu.storage.integrity": (
        "Checkpoint",
        "Finding",
        "VerifyReport",
        "verify",
    ),
    "jinjiecu.storage.notices": (
        "CalendarChange",
        "DeadlineMove",
        "NoticeEntry",
        "store_calendar",
    ),
    "jinjiecu.metrics": (
        "DEFINITIONS",
        "RATES",
        "Definition",
        "Dimension",
        "DurationStats",
        "FinanceFigures",
        "FinanceSummary",
        "ProblemFigures",
        "ProblemSummary",
        "Ranking",
        "Rate",
        "Row",
        "Summary",
        "TargetCoverage",
        "VisitFigures",
        "VisitSummary",
        "finance_summary",
        "problem_summary",
        "rank",
        "target_coverage",
        "visit_summary",
    ),
    "jinjiecu.reports.briefing": (
        "BriefingFigures",
        "BriefingTemplates",
        "OverdueProblem",
        "RenderedBriefing",
        "briefing",
        "briefing_figures",
        "render_briefing",
    ),
    "jinjiecu.reports.ledger": (
        "ImportReport",
        "LedgerHeaders",
        "LedgerImportError",
        "RowError",
        "export_ledger",
        "import_ledger",
    ),
    "jinjiecu.reports.finance_ledger": (
        "FinanceImportReport",
        "export_finance_ledger",
        "import_finance_ledger",
    ),
    "jinjiecu.reports.vocabulary": (
        "UnknownWordError",
        "Vocabulary",
    ),
    "jinjiecu.reports.charts": (
        "chart_language",
        "overdue_chart",
        "progress_chart",
        "resolution_rate_chart",
    ),
    "jinjiecu.reports.html": (
        "html_report",
        "render_html",
    ),
    "jinjiecu.reports.workflow_diagram": (
        "workflow_mermaid",
        "workflow_svg",
    ),
    "jinjiecu.dispatcher": (
        "Dispatcher",
        "UnknownNameError",
    ),
    "jinjiecu.sample": (
        "SampleData",
        "dezhou_2019",
    ),
    "jinjiecu.serialization": (
        "make_converter",
        "structure",
        "unstructure",
    ),
}

_MODULE_OF = {name: module for module, names in _EXPORTS.items() for name in names}

# Built from _EXPORTS so that the run-time list and __all__ cannot differ.
__all__ = ["__version__", *sorted(_MODULE_OF)]  # noqa: PLE0604


# Hidden from type checkers, which see the imports above instead: to them a
# misspelt name is an error, not an attribute of type Any.
if not TYPE_CHECKING:

    def __getattr__(name: str) -> Any:
        """Import a public name's module on first use and keep the name here."""
        module = _MODULE_OF.get(name)
        if module is None:
            msg = f"module 'jinjiecu' has no attribute {name!r}"
            raise AttributeError(msg)
        value = getattr(importlib.import_module(module), name)
        globals()[name] = value
        return value


def __dir__() -> list[str]:
    """The public names, as ``dir(jinjiecu)`` and tab completion show them."""
    return sorted({*globals(), *__all__})
