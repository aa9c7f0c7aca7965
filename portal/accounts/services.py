"""Rules of accounts: tenants, passwords, sign-in with rate limits, users and org units."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from portal.accounts.models import LoginAttempt, Municipality, OrgUnit, OrgUnitKind, Role, User
from portal.core import tenancy
from portal.core.errors import Conflict, DomainError, NotFound, RateLimited
from portal.core.models import utcnow
from portal.core.transactions import keep_regardless
from portal.extensions import db

# A hash computed once per process, verified against when the e-mail is unknown, so that an
# unknown address takes as long as a wrong password and does not reveal which accounts exist.
_DUMMY_HASH: dict[tuple[int, int], str] = {}


class WeakPassword(DomainError):
    """The new password does not meet the password rules."""


class InvalidCredentials(DomainError):
    """E-mail or password is wrong, or the account is inactive."""

    status_code = 401


def municipality_for(slug: str) -> Municipality:
    """Return the municipality named *slug*, the tenant a request, command or job works for."""
    municipality = db.session.scalar(select(Municipality).where(Municipality.slug == slug))
    if municipality is None:
        raise NotFound(f"The municipality {slug!r} does not exist; run `wandelwerk db upgrade`.")
    return municipality


def current_municipality() -> Municipality:
    """Return the municipality of the current unit of work."""
    municipality = db.session.get(Municipality, tenancy.tenant_id())
    if municipality is None:
        raise NotFound("The municipality of this unit of work does not exist.")
    return municipality


def rename_municipality(municipality: Municipality, name: str) -> None:
    """Change the official name shown in the header and in documents."""
    municipality.name = name.strip()
    db.session.flush()


def _hasher() -> PasswordHasher:
    config = current_app.config
    return PasswordHasher(
        time_cost=config["PASSWORD_HASH_TIME_COST"],
        memory_cost=config["PASSWORD_HASH_MEMORY_KIB"],
        parallelism=1,
    )


def check_password_rules(password: str, *, email: str = "", name: str = "") -> None:
    """Raise `WeakPassword` unless *password* is long enough and not the user's own name."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        raise WeakPassword(_("The password must have at least %(n)d characters.", n=minimum))
    lowered = password.lower()
    for own in (email.lower(), email.split("@")[0].lower(), name.lower()):
        if own and lowered == own:
            raise WeakPassword(_("The password must not be your name or e-mail address."))


def hash_password(password: str) -> str:
    """Return the Argon2id hash of *password*."""
    return _hasher().hash(password)


def verify_password(user: User | None, password: str) -> bool:
    """Tell whether *password* is *user*'s; take the same time when there is no user."""
    hasher = _hasher()
    if user is None:
        key = (hasher.time_cost, hasher.memory_cost)
        if key not in _DUMMY_HASH:
            _DUMMY_HASH[key] = hasher.hash("not-a-real-password")
        stored = _DUMMY_HASH[key]
    else:
        stored = user.password_hash
    try:
        hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False
    if user is not None and hasher.check_needs_rehash(stored):
        user.password_hash = hasher.hash(password)
    return user is not None


def normalise_email(email: str) -> str:
    """Return *email* as stored: trimmed and in lower case."""
    return email.strip().lower()


def _recent_failures(**where: str) -> int:
    window = timedelta(minutes=current_app.config["LOGIN_FAILURE_WINDOW_MINUTES"])
    column, value = next(iter(where.items()))
    # Only failures since the last success count, so a user who signed in starts afresh.
    last_success = (
        select(func.max(LoginAttempt.at))
        .where(getattr(LoginAttempt, column) == value, LoginAttempt.succeeded.is_(True))
        .scalar_subquery()
    )
    query = select(func.count(LoginAttempt.id)).where(
        getattr(LoginAttempt, column) == value,
        LoginAttempt.succeeded.is_(False),
        LoginAttempt.at > utcnow() - window,
        (LoginAttempt.at > last_success) | last_success.is_(None),
    )
    return db.session.scalar(query) or 0


def authenticate(email: str, password: str, address: str) -> User:
    """Return the active user with these credentials; record the attempt.

    Raise `RateLimited` while the account or the address has too many recent failures, and
    `InvalidCredentials` otherwise when the e-mail, the password or the account is not valid.
    """
    email = normalise_email(email)
    config = current_app.config
    if (
        _recent_failures(email=email) >= config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
        or _recent_failures(address=address) >= config["LOGIN_MAX_FAILURES_PER_ADDRESS"]
    ):
        raise RateLimited(
            _(
                "Too many failed sign-in attempts. Please wait %(minutes)d minutes and try again.",
                minutes=config["LOGIN_FAILURE_WINDOW_MINUTES"],
            )
        )
    user = db.session.scalar(select(User).where(User.email == email))
    valid = verify_password(user, password) and user is not None and user.active
    # A failed attempt must be counted although the refused request writes nothing else.
    attempt = LoginAttempt(email=email, address=address, succeeded=valid)
    if valid:
        db.session.add(attempt)
    else:
        keep_regardless(attempt)
    if not valid or user is None:
        raise InvalidCredentials(_("E-mail address or password is wrong."))
    user.last_login_at = utcnow()
    return user


def change_password(user: User, current: str, new: str) -> None:
    """Replace *user*'s password after checking the current one and the rules."""
    if not verify_password(user, current):
        raise InvalidCredentials(_("The current password is wrong."))
    if current == new:
        raise WeakPassword(_("The new password must differ from the current one."))
    check_password_rules(new, email=user.email, name=user.name)
    user.password_hash = hash_password(new)
    user.must_change_password = False


def set_locale(user: User, locale: str) -> None:
    """Remember *user*'s language."""
    if locale not in current_app.config["LANGUAGES"]:
        raise DomainError(_("This language is not available."))
    user.locale = locale


@dataclass(frozen=True)
class UserData:
    """What an administrator enters for a user."""

    name: str
    email: str
    org_unit_id: int | None
    locale: str
    roles: frozenset[Role]
    active: bool = True


def get_user(user_id: int) -> User:
    """Return the user *user_id* of the current municipality."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("This user does not exist."))
    return user


def get_org_unit(org_unit_id: int) -> OrgUnit:
    """Return the org unit *org_unit_id* of the current municipality."""
    unit = db.session.get(OrgUnit, org_unit_id)
    if unit is None:
        raise NotFound(_("This org unit does not exist."))
    return unit


def _check_unique_email(email: str, exclude_id: int | None = None) -> None:
    query = select(User.id).where(User.email == email)
    if exclude_id is not None:
        query = query.where(User.id != exclude_id)
    if db.session.scalar(query) is not None:
        raise Conflict(_("A user with the e-mail address %(email)s already exists.", email=email))


def _apply(user: User, data: UserData) -> None:
    user.name = data.name.strip()
    user.email = normalise_email(data.email)
    user.org_unit = get_org_unit(data.org_unit_id) if data.org_unit_id else None
    user.locale = data.locale
    user.active = data.active
    user.set_roles(set(data.roles))


def create_user(
    data: UserData,
    password: str,
    *,
    must_change_password: bool = True,
    password_hash: str | None = None,
) -> User:
    """Create a user with an initial *password* chosen by an administrator.

    *password_hash* is the hash of *password* when the caller has one already: the demo's
    accounts share their password, and hashing it forty times would only slow the demo down.
    """
    email = normalise_email(data.email)
    _check_unique_email(email)
    check_password_rules(password, email=email, name=data.name)
    user = User(
        password_hash=password_hash or hash_password(password),
        must_change_password=must_change_password,
    )
    _apply(user, data)
    db.session.add(user)
    db.session.flush()
    return user


def update_user(user: User, data: UserData, acting: User) -> None:
    """Change *user* as entered by the administrator *acting*."""
    _check_unique_email(normalise_email(data.email), exclude_id=user.id)
    if user.id == acting.id and (not data.active or Role.ADMIN not in data.roles):
        raise Conflict(_("You cannot deactivate yourself or remove your own administrator role."))
    _apply(user, data)
    db.session.flush()


def reset_password(user: User, password: str) -> None:
    """Set a new initial password that *user* must replace at the next sign-in."""
    check_password_rules(password, email=user.email, name=user.name)
    user.password_hash = hash_password(password)
    user.must_change_password = True


@dataclass(frozen=True)
class OrgUnitData:
    """What an administrator enters for an org unit."""

    kind: OrgUnitKind
    code: str
    name: str
    parent_id: int | None


K = OrgUnitKind
#: Where each kind of unit belongs in a German administration (None: at the top).
ALLOWED_PARENTS: dict[OrgUnitKind, frozenset[OrgUnitKind | None]] = {
    K.DEZERNAT: frozenset({None}),
    K.STABSSTELLE: frozenset({None, K.DEZERNAT}),
    K.AMT: frozenset({K.DEZERNAT}),
    K.ABTEILUNG: frozenset({K.AMT}),
}


def _check_hierarchy(kind: OrgUnitKind, parent: OrgUnit | None, unit: OrgUnit | None) -> None:
    """Refuse a unit of *kind* below *parent*, or above children that cannot stay below it."""
    if (parent.kind if parent else None) not in ALLOWED_PARENTS[kind]:
        if parent is None:
            raise Conflict(
                _("A unit of the kind “%(kind)s” belongs below another unit.", kind=kind.label)
            )
        raise Conflict(
            _(
                "A unit of the kind “%(kind)s” cannot stand below one of the kind “%(parent)s”.",
                kind=kind.label,
                parent=parent.kind.label,
            )
        )
    for child in unit.children if unit is not None else []:
        if kind not in ALLOWED_PARENTS[child.kind]:
            raise Conflict(
                _(
                    "“%(child)s” cannot stay below a unit of the kind “%(kind)s”; move it first.",
                    child=child.display_name,
                    kind=kind.label,
                )
            )


def _check_org_unit(unit: OrgUnit | None, data: OrgUnitData) -> OrgUnit | None:
    query = select(OrgUnit.id).where(OrgUnit.code == data.code.strip())
    if unit is not None:
        query = query.where(OrgUnit.id != unit.id)
    if db.session.scalar(query) is not None:
        raise Conflict(_("An org unit with the code %(code)s already exists.", code=data.code))
    parent = get_org_unit(data.parent_id) if data.parent_id else None
    ancestor = parent
    while ancestor is not None:
        if unit is not None and ancestor.id == unit.id:
            raise Conflict(_("An org unit cannot be placed below itself."))
        ancestor = ancestor.parent
    _check_hierarchy(data.kind, parent, unit)
    return parent


def create_org_unit(data: OrgUnitData) -> OrgUnit:
    """Create an org unit below *data.parent_id* (or at the top)."""
    parent = _check_org_unit(None, data)
    unit = OrgUnit(
        kind=data.kind,
        code=data.code.strip(),
        name=data.name.strip(),
        parent=parent,
    )
    db.session.add(unit)
    db.session.flush()
    return unit


def update_org_unit(unit: OrgUnit, data: OrgUnitData) -> None:
    """Change *unit*, refusing a duplicate code or a cycle in the tree."""
    unit.parent = _check_org_unit(unit, data)
    unit.kind = data.kind
    unit.code = data.code.strip()
    unit.name = data.name.strip()
    db.session.flush()


def org_units_tree() -> list[tuple[int, OrgUnit]]:
    """Return the municipality's org units depth-first with their depth, for lists and choices."""
    units = db.session.scalars(select(OrgUnit).order_by(OrgUnit.code)).all()
    children: dict[int | None, list[OrgUnit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    ordered: list[tuple[int, OrgUnit]] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for unit in children.get(parent_id, []):
            ordered.append((depth, unit))
            walk(unit.id, depth + 1)

    walk(None, 0)
    return ordered
