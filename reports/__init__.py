"""Figures and documents from plain data: the reports core.

Figures: each builder takes a frozen dataclass and the caller's translated texts and returns a
``Chart``, the Plotly figure in its JSON form (``FigureSpec``, plain dicts) with the ``DataTable``
of exactly what it plots. ``figure_svg`` draws a figure as SVG for the documents with one
Chromium kept running (Kaleido).

Documents: the portal fills one dataclass per document (``CouncilPaper``, ``MeetingPack``,
``RoundReport``, ``ProjectReport``) and ``document_pdf`` returns a tagged PDF/A-3a with the given
files embedded; ``document_html`` returns the HTML it is made from. Nothing here knows about
HTTP or databases, and nothing is fetched from outside the static folder the caller names.
Invalid input raises a ``ReportError`` subclass whose message names the problem and gives a hint.

See ``reports/README.md`` for each figure and document in plain words.
"""

from reports._documents import (
    MAX_LOGO_BYTES,
    AgendaItem,
    Annex,
    Attachment,
    Consultation,
    CouncilPaper,
    Criterion,
    CriterionAgreement,
    CriterionScore,
    Decision,
    Document,
    Figure,
    FinancialImpact,
    IdeaBrief,
    Letterhead,
    MeetingPack,
    Method,
    ProjectLine,
    ProjectReport,
    RankedIdea,
    RoundReport,
    Signature,
    Wave,
    WeightRange,
)
from reports._errors import (
    ExportFailed,
    InvalidLogo,
    InvalidReportData,
    ReportError,
    ResourceRefused,
)
from reports._figures import (
    PALETTE,
    Chart,
    ChartTexts,
    FigureSpec,
    IdeaFunnel,
    LateMilestones,
    Milestone,
    ParticipationByUnit,
    ParticipationOverTime,
    ProjectStatusByWave,
    RankingContributions,
    RankProbabilities,
    Series,
    ValueEffort,
    idea_funnel,
    late_milestones,
    participation_by_unit,
    participation_over_time,
    project_status_by_wave,
    rank_probabilities,
    ranking_contributions,
    value_effort,
)
from reports._format import format_amount, format_date, format_number, format_share
from reports._pdf import CONTENTS_FROM_PAGES, StaticFetcher, document_html, document_pdf
from reports._svg import figure_svg, start_svg_export, stop_svg_export
from reports._tables import Column, DataTable

__all__ = [
    "CONTENTS_FROM_PAGES",
    "MAX_LOGO_BYTES",
    "PALETTE",
    "AgendaItem",
    "Annex",
    "Attachment",
    "Chart",
    "ChartTexts",
    "Column",
    "Consultation",
    "CouncilPaper",
    "Criterion",
    "CriterionAgreement",
    "CriterionScore",
    "DataTable",
    "Decision",
    "Document",
    "ExportFailed",
    "Figure",
    "FigureSpec",
    "FinancialImpact",
    "IdeaBrief",
    "IdeaFunnel",
    "InvalidLogo",
    "InvalidReportData",
    "LateMilestones",
    "Letterhead",
    "MeetingPack",
    "Method",
    "Milestone",
    "ParticipationByUnit",
    "ParticipationOverTime",
    "ProjectLine",
    "ProjectReport",
    "ProjectStatusByWave",
    "RankProbabilities",
    "RankedIdea",
    "RankingContributions",
    "ReportError",
    "ResourceRefused",
    "RoundReport",
    "Series",
    "Signature",
    "StaticFetcher",
    "ValueEffort",
    "Wave",
    "WeightRange",
    "document_html",
    "document_pdf",
    "figure_svg",
    "format_amount",
    "format_date",
    "format_number",
    "format_share",
    "idea_funnel",
    "late_milestones",
    "participation_by_unit",
    "participation_over_time",
    "project_status_by_wave",
    "rank_probabilities",
    "ranking_contributions",
    "start_svg_export",
    "stop_svg_export",
    "value_effort",
]
