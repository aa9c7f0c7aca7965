"""The demo municipality Musterstadt: the documented log-ins work and every role is present."""

import io
from datetime import date

import pypdf
import pytest
from sqlalchemy import func, select

from portal.accounts.models import OrgUnit, OrgUnitKind, Role, User
from portal.board.models import Meeting, MeetingState
from portal.ideas.models import Attachment, Comment, Idea, IdeaEvent, IdeaEventKind, IdeaState
from portal.ideas.services.lifecycle import TRANSITIONS
from portal.insights.models import DocumentKind, DocumentState, GeneratedDocument
from portal.rounds.models import (
    Assignment,
    AssignmentState,
    Criterion,
    RecusalReason,
    Round,
    RoundIdea,
    RoundPhase,
    ScaleLevel,
    Score,
)
from tests.conftest import csrf_token, rolled_back_database
from tests.portal.test_cli import wandelwerk

DEMO_LOGINS = {
    "admin@musterstadt.example": Role.ADMIN,
    "moderation@musterstadt.example": Role.MODERATOR,
    "bewertung@musterstadt.example": Role.ASSESSOR,
    "lenkung@musterstadt.example": Role.BOARD_MEMBER,
    "personalrat@musterstadt.example": Role.STAFF_COUNCIL,
    "mitarbeiterin@musterstadt.example": Role.EMPLOYEE,
}


@pytest.fixture(scope="module")
def demo(app):
    """The demo municipality, loaded once for this module's tests by `wandelwerk demo load
    --if-empty` on the empty database, as `make run` does (it takes a while: it renders the
    council paper), and rolled back after them; the tests only read it, and sign-ins add
    nothing the others look at."""
    with rolled_back_database(app) as database:
        loaded = wandelwerk(app, "demo", "load", "--if-empty")
        assert loaded.exit_code == 0, loaded.output
        assert "Stadt Musterstadt" in loaded.stdout
        yield database


def test_the_demo_is_loaded_once_and_skipped_or_refused_when_users_exist(demo, app):
    again = wandelwerk(app, "demo", "load", "--if-empty")
    assert again.exit_code == 0, again.output
    assert "not loaded" in again.stdout
    refused = wandelwerk(app, "demo", "load")
    assert refused.exit_code != 0
    assert "already has users" in refused.stderr


def test_demo_has_five_dezernate_about_forty_users_and_every_role(demo):
    dezernate = demo.session.scalar(
        select(func.count(OrgUnit.id)).where(OrgUnit.kind == OrgUnitKind.DEZERNAT)
    )
    assert dezernate == 5
    users = demo.session.scalars(select(User)).all()
    assert 35 <= len(users) <= 50
    assert set().union(*(user.roles for user in users)) == set(Role)


def test_documented_demo_log_ins_work(demo, app):
    for email, role in DEMO_LOGINS.items():
        client = app.test_client()
        response = client.post(
            "/login",
            data={
                "email": email,
                "password": "musterstadt-demo",
                "csrf_token": csrf_token(client, "/login"),
            },
        )
        assert response.status_code == 302, email
        html = client.get("/").get_data(as_text=True)
        assert f'id="panel-{role.value}"' in html


def test_every_demo_state_change_is_one_the_lifecycle_allows(demo):
    events = demo.session.scalars(
        select(IdeaEvent)
        .where(IdeaEvent.kind == IdeaEventKind.STATE)
        .order_by(IdeaEvent.at, IdeaEvent.id)
    ).all()
    created = {event.idea_id for event in events if event.from_state is None}
    steps = [(event.from_state, event.to_state) for event in events if event.from_state]
    assert all(step in TRANSITIONS for step in steps), set(steps) - set(TRANSITIONS)
    ideas = demo.session.scalars(select(Idea)).all()
    assert created == {idea.id for idea in ideas}
    # Each idea's last recorded step is its state.
    last = {event.idea_id: event.to_state for event in events}
    assert all(last[idea.id] is idea.state for idea in ideas)


def test_demo_shows_no_state_whose_record_does_not_exist_yet(demo):
    shown = set(demo.session.scalars(select(Idea.state).distinct()))
    assert shown == {
        IdeaState.DRAFT,
        IdeaState.SUBMITTED,
        IdeaState.SCREENING,
        IdeaState.ACCEPTED,
        IdeaState.SCORED,
        IdeaState.DECIDED,
        IdeaState.DECLINED,
        IdeaState.MERGED,
        # Each with its project (test_demo_projects_come_from_approving_decisions_in_two_waves).
        IdeaState.PROJECT,
    }


def test_every_scored_demo_idea_was_scored_in_a_round_whose_scoring_closed(demo):
    submitted = (
        select(Assignment.idea_id, Assignment.round_id, func.count().label("assessments"))
        .where(Assignment.state == AssignmentState.SUBMITTED)
        .group_by(Assignment.idea_id, Assignment.round_id)
        .subquery()
    )
    rows = demo.session.execute(
        select(Idea.state, Round.phase, Round.min_assessors, submitted.c.assessments)
        .join(RoundIdea, RoundIdea.idea_id == Idea.id)
        .join(Round, Round.id == RoundIdea.round_id)
        .outerjoin(
            submitted,
            (submitted.c.idea_id == Idea.id) & (submitted.c.round_id == Round.id),
        )
    ).all()
    # Decided ideas, and those become projects, were scored before the board decided them.
    scored = [
        row for row in rows if row.state in (IdeaState.SCORED, IdeaState.DECIDED, IdeaState.PROJECT)
    ]
    assert len(scored) >= 20
    assert all(row.phase is RoundPhase.DECIDE for row in scored)
    assert all(row.assessments >= row.min_assessors for row in scored)
    # The ideas of the closed scoring that too few assessors scored stay accepted.
    short = [row for row in rows if row.phase is RoundPhase.DECIDE and row not in scored]
    assert all(row.state is IdeaState.ACCEPTED for row in short)
    assert all((row.assessments or 0) < row.min_assessors for row in short)


def test_demo_rounds_show_recusals_a_declared_conflict_and_a_revised_disagreement(demo):
    recusals = dict(
        demo.session.execute(
            select(Assignment.recusal, func.count())
            .where(Assignment.recusal.is_not(None))
            .group_by(Assignment.recusal)
        ).all()
    )
    assert recusals[RecusalReason.DECLARED] == 1
    assert recusals[RecusalReason.OWN_ORG_UNIT] >= 1
    [revised] = demo.session.scalars(select(Score).where(Score.revised_value.is_not(None))).all()
    assert revised.revision_reason
    assert abs(revised.revised_value - revised.value) >= 2
    without_reason = demo.session.scalar(
        select(func.count(Score.id))
        .join(Score.assignment)
        .join(Score.criterion)
        .join(
            ScaleLevel,
            (ScaleLevel.criterion_id == Criterion.id) & (ScaleLevel.value == Score.value),
        )
        .where(ScaleLevel.needs_justification, Score.justification == "")
    )
    assert without_reason == 0


def test_demo_shows_edited_and_deleted_comments_removed_files_and_a_title_only_draft(demo, app):
    edited = demo.session.scalars(select(Comment).where(Comment.edited_at.is_not(None))).all()
    assert len(edited) == 1
    assert edited[0].edited_at > edited[0].created_at
    [deleted] = demo.session.scalars(select(Comment).where(Comment.deleted_at.is_not(None))).all()
    assert (deleted.body, deleted.author_id) == ("", None)
    assert demo.session.scalar(select(func.count()).where(Comment.parent_id == deleted.id)) == 1
    removed = demo.session.scalars(
        select(IdeaEvent).where(IdeaEvent.kind == IdeaEventKind.ATTACHMENT_REMOVED)
    ).all()
    assert [event.detail for event in removed] == ["Entwurf veraltet.pdf"]
    [kept] = demo.session.scalars(select(Attachment)).all()
    assert kept.idea_id == removed[0].idea_id
    assert (app.config["UPLOAD_PATH"] / kept.storage_name).is_file()
    draft = demo.session.scalar(select(Idea).where(Idea.title == "Dienstreiseanträge ohne Papier"))
    assert (draft.state, draft.problem, draft.proposal) == (IdeaState.DRAFT, "", "")


def test_demo_board_meets_decides_and_votes_in_writing(demo):
    from portal.board.models import (
        Board,
        BoardFunction,
        Decision,
        Meeting,
        MeetingState,
        Recusal,
        Vote,
        VoteMode,
        VoteState,
    )
    from portal.board.models import RecusalReason as Recused

    [board] = demo.session.scalars(select(Board)).all()
    assert board.name == "Lenkungsgruppe Digitale Verwaltung"
    seats = {member.user.email: member.function for member in board.members}
    assert len(seats) == 7
    assert seats["lenkung@musterstadt.example"] is BoardFunction.CHAIR
    assert seats["t.weber@musterstadt.example"] is BoardFunction.DEPUTY
    states = [m.state for m in demo.session.scalars(select(Meeting).order_by(Meeting.starts_at))]
    assert states == [
        MeetingState.MINUTES_APPROVED,
        MeetingState.MINUTES_APPROVED,
        MeetingState.HELD,
        MeetingState.PLANNED,
    ]
    written = demo.session.scalars(select(Vote).where(Vote.mode == VoteMode.WRITTEN)).all()
    assert [vote.state for vote in written] == [VoteState.OPEN]
    # Every idea the demo shows as decided has its decision on the record. The second meeting
    # decides most of the finished round's portfolio proposal in rank order: one departure
    # from the ranking, explained, comes last, below the deferred and the rejected idea.
    decided = demo.session.scalars(select(Idea.id).where(Idea.state == IdeaState.DECIDED)).all()
    records = demo.session.scalars(select(Decision).order_by(Decision.number)).all()
    assert decided
    assert set(decided) <= {decision.idea_id for decision in records}
    assert [d.reference.split("/")[1] for d in records] == [f"{n:03d}" for n in range(1, 16)]
    assert [d.outcome.value for d in records] == ["approved"] * 12 + [
        "deferred",
        "rejected",
        "approved",
    ]
    assert [d.rank for d in records] == sorted(d.rank for d in records)
    assert all(d.in_portfolio for d in records)
    assert [d.departs for d in records] == [False] * 14 + [True]
    assert records[-1].explanation
    assert all(d.released_at is not None and d.rank is not None for d in records)
    assert {d.vote.item.meeting.title for d in records} == {"2. Sitzung"}
    reasons = {recusal.reason for recusal in demo.session.scalars(select(Recusal))}
    assert reasons == set(Recused)


def test_demo_projects_come_from_approving_decisions_in_two_waves(demo):
    from portal.board.models import Decision
    from portal.projects.models import (
        Indicator,
        Milestone,
        ProgressUpdate,
        Project,
        ProjectState,
        Task,
        TaskState,
        Traffic,
        Wave,
        WaveState,
    )
    from portal.projects.services.waves import DEFAULT_ROLES

    first, second = demo.session.scalars(select(Wave).order_by(Wave.starts_on)).all()
    assert (first.name, first.state, second.name, second.state) == (
        "Welle 1",
        WaveState.RUNNING,
        "Welle 2",
        WaveState.PLANNED,
    )
    assert [unit.code for unit in first.org_units] == ["Dez. I", "Dez. II"]
    assert first.starts_on <= date.today() < second.starts_on
    approving = demo.session.scalars(
        select(Decision).where(Decision.outcome.in_(["approved", "approved_with_conditions"]))
    ).all()
    found = demo.session.scalars(select(Project)).all()
    # A project for each approving decision, made after the decision was released.
    assert 10 <= len(found) <= 14
    assert sorted(p.decision_id for p in found) == sorted(d.id for d in approving)
    assert all(p.created_at > p.decision.released_at for p in found)
    assert {p.wave_id for p in found} == {first.id, second.id}
    assert all(p.state is ProjectState.PLANNED for p in found if p.wave_id == second.id)
    assert {p.state for p in found} == set(ProjectState)
    assert {p.traffic for p in found} == set(Traffic)
    assert all(p.traffic_reason for p in found if p.traffic is not Traffic.GREEN)
    # Every idea the demo shows as a project has its project, and only those.
    shown = demo.session.scalars(select(Idea.id).where(Idea.state == IdeaState.PROJECT)).all()
    assert sorted(shown) == sorted(p.idea_id for p in found)
    # Owners entered what was spent: never more than was approved, nothing before the start.
    for project in found:
        assert project.budget_spent <= (project.budget_approved or 0), project.title
        assert project.staff_days_spent <= (project.staff_days_approved or 0), project.title
        if project.state is ProjectState.PLANNED:
            assert (project.budget_spent, project.staff_days_spent, project.progress) == (0, 0, 0)
    assert any(p.staff_days_spent for p in found)
    # Teams in the Ki:GO roles, milestones done and late, tasks in every column, updates.
    roles = {member.role.name for p in found for member in p.members}
    assert roles == set(DEFAULT_ROLES)
    milestones = demo.session.scalars(select(Milestone)).all()
    assert any(m.done_on for m in milestones)
    assert any(m.late(date.today()) for m in milestones)
    tasks = demo.session.scalars(select(Task)).all()
    assert {t.state for t in tasks} == set(TaskState)
    assert all(t.assignee is not None and t.assignee.active for t in tasks)
    updates = demo.session.scalars(select(ProgressUpdate)).all()
    assert {u.project_id for u in updates} == {
        p.id for p in found if p.state is not ProjectState.PLANNED
    }
    assert any("**" in u.body for u in updates)
    # The evaluated project: indicators with their measured values and dates, a closing report.
    [evaluated] = [p for p in found if p.state is ProjectState.EVALUATED]
    assert evaluated.closing_report
    assert evaluated.evaluated_at is not None
    indicators = demo.session.scalars(
        select(Indicator).where(Indicator.project_id == evaluated.id)
    ).all()
    assert len(indicators) >= 2
    for indicator in indicators:
        assert indicator.unit
        assert indicator.measured is not None
        assert evaluated.starts_on <= indicator.measured_on <= date.today()


def test_demo_holds_a_released_council_paper_with_the_boards_decisions(demo):
    paper = demo.session.scalars(
        select(GeneratedDocument).where(GeneratedDocument.kind == DocumentKind.COUNCIL_PAPER)
    ).one()
    assert paper.state is DocumentState.READY
    assert paper.released_at is not None
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(paper.pdf)).pages)
    year = date.today().year
    assert f"Ergebnis der Priorisierungsrunde „Priorisierung {year}“" in text
    # The board's released decisions, each with its reference.
    assert "Entscheidungen der Lenkungsgruppe" in text
    assert f"LG-{year}/001" in text
    assert f"LG-{year}/015" in text
    # The method in plain words, and what the portfolio proposal would cost.
    assert "auf einer Skala von 0 bis 4" in " ".join(text.split())
    assert "Höhe der gesamten finanziellen Auswirkungen" in text
    assert "Ideen des Portfolio-Vorschlags" in " ".join(text.split())


def test_demo_holds_the_board_pack_of_the_planned_meeting_unreleased(demo):
    pack = demo.session.scalars(
        select(GeneratedDocument).where(GeneratedDocument.kind == DocumentKind.MEETING_PACK)
    ).one()
    meeting = demo.session.get(Meeting, pack.meeting_id)
    assert meeting.state is MeetingState.PLANNED
    assert (pack.state, pack.released_at) == (DocumentState.READY, None)
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pack.pdf)).pages)
    assert "Sitzungsunterlage" in text
    assert meeting.title in text
    assert all(item.title in " ".join(text.split()) for item in meeting.items)
