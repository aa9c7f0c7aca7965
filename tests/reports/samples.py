"""Realistic, seeded input of the reports core, for the tests and the benchmarks.

The names are those of a German city administration (Kiel's Ki:GO, Kreis Soest's Agilkom); the
numbers are drawn with a fixed seed, so every run builds the same documents.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import reports

FIELDS = ("Bürgerservice", "Digitale Arbeit", "Personal", "Organisation", "Klima")
UNITS = (
    "Amt für Digitalisierung",
    "Bürger- und Ordnungsamt",
    "Personal- und Organisationsamt",
    "Amt für Finanzwirtschaft",
    "Tiefbauamt",
    "Jugendamt",
)
TOPICS = (
    "Online-Terminvergabe im Bürgerbüro",
    "E-Akte im Jugendamt",
    "Digitale Posteingangsstelle",
    "Lernräume für agiles Arbeiten",
    "Mobiles Arbeiten für den Außendienst",
    "Chatbot für häufige Fragen",
    "Digitale Unterschriftenmappe",
    "Wissensdatenbank der Sachbearbeitung",
    "Ideenmanagement im Intranet",
    "Dienstreiseanträge ohne Papier",
)
CRITERIA = (
    reports.Criterion(
        "Nutzen für Bürger:innen", 0.35, "benefit", "Wie sehr erleichtert es Anliegen?"
    ),
    reports.Criterion("Entlastung der Beschäftigten", 0.25, "benefit", "Weniger Routinearbeit"),
    reports.Criterion("Strategische Bedeutung", 0.2, "benefit", "Beitrag zur Digitalstrategie"),
    reports.Criterion("Aufwand", 0.2, "cost", "Kosten und Personentage"),
)
LOGO = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="48" viewBox="0 0 40 48">'
    b'<path d="M2 2h36v24c0 12-9 18-18 20C11 44 2 38 2 26z" fill="#0b5cad"/>'
    b'<path d="M8 14h24v4H8zM12 22h16v4H12z" fill="#fff"/></svg>'
)
LETTERHEAD = reports.Letterhead("Landeshauptstadt Musterstadt", LOGO, "Stabsstelle Digitalisierung")


def title(index: int) -> str:
    """Return a distinct idea title for ``index``."""
    topic = TOPICS[index % len(TOPICS)]
    return topic if index < len(TOPICS) else f"{topic} ({index // len(TOPICS) + 1})"


def ranking(count: int, seed: int = 14) -> tuple[reports.RankedIdea, ...]:
    """Return ``count`` ranked ideas, best first, a third of the first half in the portfolio."""
    rng = random.Random(seed)
    scores = sorted((rng.uniform(0.2, 0.95) for _ in range(count)), reverse=True)
    return tuple(
        reports.RankedIdea(
            rank=i + 1,
            title=title(i),
            score=score,
            org_unit=UNITS[i % len(UNITS)],
            cost=Decimal(rng.randrange(5_000, 250_000_00)) / 100,
            in_portfolio=i < count // 2 and i % 3 != 2,
        )
        for i, score in enumerate(scores)
    )


def method() -> reports.Method:
    """Return the method of the sample round."""
    return reports.Method(
        criteria=CRITERIA,
        scale="0 (kein Nutzen) bis 4 (sehr hoher Nutzen)",
        assessors=5,
        weighting="die Lenkungsgruppe durch paarweisen Vergleich (AHP)",
        aggregation=(
            "Die Bewertungen je Kriterium wurden gemittelt und mit den Gewichten zu einer "
            "Punktzahl von 0 bis 100 zusammengefasst (gewichtete Summe)."
        ),
    )


def council_paper(
    count: int = 30, figures: tuple[reports.Figure, ...] = ()
) -> reports.CouncilPaper:
    """Return the council paper of a round of ``count`` ranked ideas."""
    ranked = ranking(count)
    return reports.CouncilPaper(
        reference="0123/2026",
        subject=(
            "Ki:GO – Ergebnis der Priorisierungsrunde 2026 und Entscheidungen der Lenkungsgruppe"
        ),
        date=dt.date(2026, 11, 22),
        lead="Dezernat III",
        involved=("Stabsstelle Digitalisierung", "Personalrat"),
        consultations=(
            reports.Consultation("Hauptausschuss", dt.date(2026, 12, 2)),
            reports.Consultation("Ratsversammlung", dt.date(2026, 12, 17)),
        ),
        financial=reports.FinancialImpact(
            total=Decimal("1234.56")
            + sum((i.cost or 0 for i in ranked if i.in_portfolio), Decimal()),
            product="11.1.01 Digitalisierung",
            coverage="partly",
            covered_by="Mittel des Digitalisierungsfonds",
            explanation="Die Mittel für die Vorhaben der zweiten Welle werden 2027 beantragt.",
        ),
        summary=(
            "Mitarbeitende haben Ideen eingereicht, Bewerter:innen haben sie nach veröffentlichten "
            "Kriterien bewertet, und die Lenkungsgruppe hat über das Portfolio entschieden."
        ),
        method=method(),
        ranking=ranked,
        stability=(
            "Die ersten fünf Plätze bleiben gleich, solange das Gewicht des Nutzens für "
            "Bürger:innen zwischen 28 % und 41 % liegt."
        ),
        decisions=_decisions(ranked),
        signature=reports.Signature(
            "Dr. Erika Mustermann",
            "Stadträtin",
            "Musterstadt",
            dt.date(2026, 11, 22),
            "In Vertretung",
        ),
        figures=figures,
        annexes=(reports.Annex("Konzeptpapier Ki:GO"),),
    )


def _decisions(ranked: tuple[reports.RankedIdea, ...]) -> tuple[reports.Decision, ...]:
    """Return the board's decisions on the sample round: two departures from the ranking."""
    if len(ranked) < 8:
        return ()
    return (
        reports.Decision("B-2026-07", ranked[0].title, "genehmigt", "Höchster Rang.", 1),
        reports.Decision(
            "B-2026-08",
            ranked[1].title,
            "zurückgestellt",
            rank=2,
            departs=True,
            explanation="Die Vergabe des Rahmenvertrags steht aus; die Lenkungsgruppe "
            "entscheidet nach der Ausschreibung im März 2027 erneut.",
        ),
        reports.Decision(
            "B-2026-09",
            ranked[7].title,
            "genehmigt",
            rank=8,
            departs=True,
            explanation="Das Vorhaben ist Voraussetzung für die E-Akte und muss vor "
            "den höher gereihten Vorschlägen beginnen.",
        ),
    )


def round_report(
    count: int = 2000, figures: tuple[reports.Figure, ...] = ()
) -> reports.RoundReport:
    """Return the report of a round of ``count`` ranked ideas."""
    return reports.RoundReport(
        round="Ki:GO 2026",
        period=(dt.date(2026, 3, 1), dt.date(2026, 10, 31)),
        as_of=dt.date(2026, 11, 22),
        method=method(),
        ranking=ranking(count),
        unranked=("Kantine mit regionalem Angebot", "Jobrad für Beschäftigte"),
        agreement=tuple(
            reports.CriterionAgreement(c.name, alpha, reading)
            for c, alpha, reading in zip(
                CRITERIA,
                (0.83, 0.71, None, 0.52),
                (
                    "gute Übereinstimmung",
                    "ausreichend für vorläufige Schlüsse",
                    "zu wenige gemeinsame Bewertungen",
                    "schwache Übereinstimmung",
                ),
                strict=True,
            )
        ),
        order_agreement=(0.64, "mäßige Übereinstimmung in der Reihenfolge"),
        stability=(
            "Die ersten fünf Plätze bleiben gleich, solange kein Gewicht um mehr als "
            "sechs Prozentpunkte verschoben wird.",
        ),
        weight_ranges=tuple(
            reports.WeightRange(c.name, c.weight - 0.06, c.weight, c.weight + 0.08)
            for c in CRITERIA
        ),
        figures=figures,
    )


def meeting_pack(items: int = 30, figures: tuple[reports.Figure, ...] = ()) -> reports.MeetingPack:
    """Return the pack of a board meeting with ``items`` agenda items, each on an idea."""
    ranked = ranking(max(items, 2))
    return reports.MeetingPack(
        board="Ki:GO Board (Lenkungsgruppe)",
        title="4. Sitzung der Lenkungsgruppe",
        starts=dt.datetime(2026, 12, 3, 14, 30),
        place="Rathaus, Raum 101",
        items=tuple(
            reports.AgendaItem(
                number=str(i + 1),
                title=f"Entscheidung über „{idea.title}“",
                presenter="Stabsstelle Digitalisierung",
                idea=reports.IdeaBrief(
                    title=idea.title,
                    summary="Der Vorschlag vereinfacht ein häufiges Anliegen und spart Wege.",
                    org_unit=idea.org_unit,
                    round="Ki:GO 2026",
                    rank=idea.rank,
                    ranked=len(ranked),
                    score=idea.score,
                    breakdown=tuple(
                        reports.CriterionScore(c.name, c.weight, 2.5, c.weight * idea.score)
                        for c in CRITERIA
                    ),
                    stability="Der Platz hält, solange das Gewicht des Aufwands unter 31 % bleibt.",
                    portfolio="im vorgeschlagenen Portfolio"
                    if idea.in_portfolio
                    else "nicht im Portfolio: das Budget reicht nicht",
                    cost=idea.cost,
                    staff_days=12.5,
                ),
            )
            for i, idea in enumerate(ranked[:items])
        ),
        figures=figures,
    )


def project_report(waves: int = 2, per_wave: int = 8) -> reports.ProjectReport:
    """Return the status of ``waves`` waves of ``per_wave`` projects."""
    statuses = ("Grün: im Plan", "Gelb: gefährdet", "Grün: im Plan", "Rot: nicht im Plan")
    return reports.ProjectReport(
        title="Ki:GO – Stand der Projekte",
        as_of=dt.date(2026, 11, 22),
        waves=tuple(
            reports.Wave(
                f"Welle {w + 1}",
                f"ab {reports.format_date(dt.date(2026 + w, 1, 1), 'de')}",
                tuple(
                    reports.ProjectLine(
                        title=title(w * per_wave + p),
                        status=statuses[p % len(statuses)],
                        lead=UNITS[p % len(UNITS)],
                        progress=(p % 5) / 4,
                        budget=Decimal("48000.00") + p * 1000,
                        spent=Decimal("12345.67") + p * 500,
                        next_milestone="Abnahme",
                        due=dt.date(2026, 11, 1) + dt.timedelta(days=10 * p),
                        late=p % 3 == 0,
                        reason="Die Ausschreibung verzögert sich." if p % 2 else "",
                        staff_days=40 + p,
                        staff_days_spent=12 + p,
                        late_milestones=1 if p % 3 == 0 else 0,
                    )
                    for p in range(per_wave)
                ),
            )
            for w in range(waves)
        ),
    )
