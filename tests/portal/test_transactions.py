"""The transaction contract: a request commits once when it succeeds, and any answer of 400 or
above rolls back whatever was written, whoever produced the answer. Records that must outlive a
refusal are written through `keep_regardless`, in a transaction of their own."""

import pytest
from flask import Flask, abort
from sqlalchemy import func, select

import config
from portal import create_app
from portal.accounts.models import LoginAttempt, OrgUnit
from portal.core.access import PUBLIC, allow
from portal.core.errors import Conflict
from portal.core.transactions import keep_regardless, on_commit, on_rollback
from tests import factories


def _refused_by_a_rule():
    raise Conflict("refused by a rule")


def _crash():
    raise RuntimeError("simulated failure")


@pytest.fixture
def contract_app(app: Flask, db) -> Flask:
    """A portal like production (exceptions are answered, not raised) with views that write
    and then answer in each of the ways a view can."""
    portal = create_app(
        config.TestingConfig(
            TESTING=False, SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"]
        )
    )
    outcomes = {
        "redirect": lambda: ("", 302, {"Location": "/"}),
        "form-refused": lambda: ("form with a message", 422),
        "bad-request": lambda: ("", 400),
        "domain-error": _refused_by_a_rule,
        "http-error": lambda: abort(403),
        "crash": _crash,
    }

    @portal.route("/write/<outcome>", methods=["POST"])
    @allow(PUBLIC)
    def write(outcome: str):
        factories.org_unit(code=f"Amt {outcome}", name="Geschrieben")
        keep_regardless(LoginAttempt(email=f"{outcome}@x.example", address="t", succeeded=False))
        return outcomes[outcome]()

    portal.config["WTF_CSRF_ENABLED"] = False
    return portal


def _written(db, outcome: str) -> tuple[bool, bool]:
    unit = db.session.scalar(select(OrgUnit.id).where(OrgUnit.code == f"Amt {outcome}"))
    kept = db.session.scalar(
        select(func.count(LoginAttempt.id)).where(LoginAttempt.email == f"{outcome}@x.example")
    )
    return unit is not None, bool(kept)


def test_a_successful_request_commits(contract_app, db):
    response = contract_app.test_client().post("/write/redirect")
    assert response.status_code == 302
    assert _written(db, "redirect") == (True, True)


@pytest.mark.parametrize(
    ("outcome", "status"),
    [
        ("form-refused", 422),
        ("bad-request", 400),
        ("domain-error", 409),
        ("http-error", 403),
        ("crash", 500),
    ],
)
def test_any_answer_of_400_or_above_rolls_back_but_keeps_what_must_be_kept(
    contract_app, db, outcome, status
):
    response = contract_app.test_client().post(f"/write/{outcome}")
    assert response.status_code == status
    assert _written(db, outcome) == (False, True)


def test_side_effects_follow_the_outcome(db):
    happened = []
    on_commit(lambda: happened.append("after commit"))
    on_rollback(lambda: happened.append("after rollback"))
    db.session.rollback()
    assert happened == ["after rollback"]
    on_commit(lambda: happened.append("after commit"))
    db.session.commit()
    assert happened == ["after rollback", "after commit"]
