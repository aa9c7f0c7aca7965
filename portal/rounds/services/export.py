"""The export of a round's ranking, from which anyone can recompute it (docs/round-export.md).

The export holds what `ranking.round_inputs` read and what `ranking.rank` made of it: the
criteria with their directions, scales and weights, the ranked ideas, every single score behind
the aggregated matrix (and the ideas' own estimates where a criterion reads them), the ranking,
and the ideas set apart. It never holds a score of a recused or unsubmitted assessment (those
never enter the ranking), and names the assessors only where the round says they are named.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import zipfile
from collections.abc import Iterable
from operator import itemgetter
from typing import Any

import numpy as np
from flask import current_app
from sqlalchemy import select

import scoring
from portal.accounts.models import User
from portal.extensions import db
from portal.rounds.models import Assignment, AssignmentState, Round, Score
from portal.rounds.services import analysis, ranking
from portal.rounds.services.ranking import RoundInputs

#: The version of the format; raised whenever a field changes meaning or disappears.
FORMAT = "wandelwerk-round-export/1"

#: The files of the CSV bundle and their columns, in order.
CSV_FILES: dict[str, tuple[str, ...]] = {
    "round.csv": (
        "format",
        "round_id",
        "round_name",
        "method",
        "aggregation",
        "min_assessors",
        "tie_tolerance",
    ),
    "criteria.csv": ("id", "name", "direction", "scale_min", "scale_max", "weight", "source"),
    "ideas.csv": ("id", "title"),
    "scores.csv": ("assessor", "idea", "criterion", "value", "justification"),
    "ranking.csv": ("idea", "score", "rank"),
    "set_apart.csv": ("idea", "title", "reason", "assessments"),
}


def pseudonyms(round_id: int, assessor_ids: Iterable[int]) -> dict[int, str]:
    """Return "A1", "A2", … per assessor ("A01" … from ten on, so that they sort), in an order
    keyed by the portal's secret.

    The same assessor keeps the same pseudonym in every export of the round, but neither the
    order of user ids nor of assignments shows through, so the pseudonym reveals nobody.
    """
    key = str(current_app.config["SECRET_KEY"]).encode()

    def keyed(user_id: int) -> str:
        return hmac.new(key, f"{round_id}:{user_id}".encode(), hashlib.sha256).hexdigest()

    ordered = sorted(set(assessor_ids), key=keyed)
    width = len(str(len(ordered)))
    return {user_id: f"A{n:0{width}d}" for n, user_id in enumerate(ordered, start=1)}


def _score_rows(round_: Round, inputs: RoundInputs) -> list[dict[str, Any]]:
    """Return one row per submitted score behind the ranking and per estimate a criterion reads,
    ordered by idea, criterion and assessor.

    The values are those the ranking was computed from (`inputs.assessments`, the current value
    of each submitted score), so export and ranking cannot disagree; only the justifications are
    read beside them.
    """
    if round_.assessors_named:
        names = dict(
            db.session.execute(
                select(User.id, User.name).where(User.id.in_(inputs.assessor_ids))
            ).all()
        )
        label = [names[user_id] for user_id in inputs.assessor_ids]
    else:
        known = pseudonyms(round_.id, inputs.assessor_ids)
        label = [known[user_id] for user_id in inputs.assessor_ids]
    texts = {
        (row.assessor_id, row.idea_id, row.criterion_id): row.justification
        for row in db.session.execute(
            select(
                Assignment.assessor_id, Assignment.idea_id, Score.criterion_id, Score.justification
            )
            .join(Score, Score.assignment_id == Assignment.id)
            .where(
                Assignment.round_id == round_.id,
                Assignment.state == AssignmentState.SUBMITTED,
                Score.justification != "",
            )
        )
    }
    ideas = np.array(inputs.idea_ids, dtype=np.int64)
    criteria = np.array([c.id for c in inputs.criteria], dtype=np.int64)
    # Recused and open assessments are not in `assessments`, so they never leave the portal.
    a, i, j = np.nonzero(~np.isnan(inputs.assessments))
    values = inputs.assessments[a, i, j]
    # The idea's estimates as the ranking uses them (clipped to the scale), without assessor.
    measured = [k for k, c in enumerate(inputs.criteria) if c.from_idea]
    grid = np.meshgrid(np.arange(len(ideas)), measured, indexing="ij")
    mi, mj = grid[0].ravel(), grid[1].ravel()
    i, j = np.concatenate([i, mi]), np.concatenate([j, mj])
    values = np.concatenate([values, inputs.matrix[mi, mj]])
    # By idea, criterion (in the catalogue's order) and assessor; estimates have none (-1).
    rank_of = np.argsort(np.argsort(np.array(label, dtype=object), kind="stable"), kind="stable")
    who = np.concatenate([rank_of[a], np.full(len(mi), -1)])
    order = np.lexsort((who, j, ideas[i]))
    by_rank = [label[k] for k in np.argsort(rank_of)]
    assessor_ids = np.array((*inputs.assessor_ids, 0), dtype=np.int64)
    return [
        {
            "assessor": by_rank[w] if w >= 0 else None,
            "idea": idea,
            "criterion": criterion,
            "value": value,
            "justification": texts.get((user, idea, criterion), "") if w >= 0 else "",
        }
        for w, user, idea, criterion, value in zip(
            who[order].tolist(),
            assessor_ids[np.concatenate([a, np.full(len(mi), -1)])][order].tolist(),
            ideas[i][order].tolist(),
            criteria[j][order].tolist(),
            values[order].tolist(),
            strict=True,
        )
    ]


def round_export(round_: Round, user: User) -> dict[str, Any]:
    """Return the export of *round_*'s ranking as plain JSON values, if *user* may read it.

    Raise `Forbidden` for readers the ranking is not published to and `RankingUnavailable`
    for a round that cannot be ranked yet.
    """
    ranking.require_ranking_reader(round_, user)
    return export_of(round_)


def export_of(round_: Round) -> dict[str, Any]:
    """Return the export of *round_*'s ranking, for a caller that has authorised its reader
    (a document the board asked for); raise `RankingUnavailable` like `round_export`."""
    inputs = analysis.current_inputs(round_)
    ranked = ranking.rank(inputs)
    return {
        "format": FORMAT,
        "round": {"id": round_.id, "name": round_.name},
        "method": {
            "name": "weighted_sum",
            "aggregation": {"name": ranking.AGGREGATION, "min_assessors": inputs.min_assessors},
            "tie_tolerance": scoring.TIE_TOLERANCE,
        },
        "criteria": [
            {
                "id": c.id,
                "name": c.name,
                "direction": c.direction.value,
                "scale": {"min": c.scale.low, "max": c.scale.high},
                "weight": c.weight,
                "source": "idea" if c.from_idea else "assessors",
            }
            for c in inputs.criteria
        ],
        "ideas": [{"id": idea.id, "title": idea.title} for idea in inputs.ideas],
        "scores": _score_rows(round_, inputs),
        "ranking": [
            {
                "idea": inputs.ideas[int(i)].id,
                "score": float(ranked.scores[i]),
                "rank": int(ranked.ranks[i]),
            }
            for i in ranked.order
        ],
        "set_apart": [
            {
                "idea": u.idea.id,
                "title": u.idea.title,
                "reason": u.reason,
                "assessments": u.idea.assessments,
            }
            for u in inputs.unranked
        ],
    }


def _csv(columns: tuple[str, ...], rows: Iterable[Iterable[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    # The csv module writes floats by repr (exact when read back) and None as an empty cell.
    writer.writerows(rows)
    # A BOM lets spreadsheet programs read the umlauts as UTF-8.
    return out.getvalue().encode("utf-8-sig")


def filename(round_id: int, extension: str) -> str:
    """Return the name the export of round *round_id* is downloaded as."""
    return f"wandelwerk-round-{round_id}.{extension}"


def json_file(export: dict[str, Any]) -> bytes:
    """Return the export as the JSON file that is downloaded (UTF-8, compact)."""
    return json.dumps(export, ensure_ascii=False, separators=(",", ":")).encode()


def csv_files(export: dict[str, Any]) -> dict[str, bytes]:
    """Return the export as CSV files with the same content, by name (`CSV_FILES`)."""
    method = export["method"]
    tables: dict[str, Iterable[Iterable[Any]]] = {
        "round.csv": [
            [
                export["format"],
                export["round"]["id"],
                export["round"]["name"],
                method["name"],
                method["aggregation"]["name"],
                method["aggregation"]["min_assessors"],
                method["tie_tolerance"],
            ]
        ],
        "criteria.csv": [
            [
                c["id"],
                c["name"],
                c["direction"],
                c["scale"]["min"],
                c["scale"]["max"],
                c["weight"],
                c["source"],
            ]
            for c in export["criteria"]
        ],
        "ideas.csv": [[i["id"], i["title"]] for i in export["ideas"]],
        "scores.csv": map(itemgetter(*CSV_FILES["scores.csv"]), export["scores"]),
        "ranking.csv": map(itemgetter(*CSV_FILES["ranking.csv"]), export["ranking"]),
        "set_apart.csv": map(itemgetter(*CSV_FILES["set_apart.csv"]), export["set_apart"]),
    }
    return {name: _csv(columns, tables[name]) for name, columns in CSV_FILES.items()}


def csv_bundle(export: dict[str, Any]) -> bytes:
    """Return the export as a ZIP archive of its CSV files (`csv_files`)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in csv_files(export).items():
            archive.writestr(name, data)
    return out.getvalue()
