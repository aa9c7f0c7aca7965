"""Rules of accounts: tenants, passwords, sign-in with rate limits, sessions, password resets,
users and org units."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update
from zxcvbn import zxcvbn

from portal.accounts.models import (
    LoginAttempt,
    Municipality,
    OrgUnit,
    OrgUnitKind,
    PasswordReset,
    RememberToken,
    Role,
    User,
)
from portal.core import tenancy
from portal.core.errors import Conflict, DomainError, NotFound, RateLimited
from portal.core.jobs import enqueue, job, periodic
from portal.core.models import utcnow
from portal.core.registry import Link
from portal.core.transactions import keep_regardless
from portal.core.urls import external_url
from portal.extensions import db

# A hash computed once per process, verified against when the e-mail is unknown, so that an
# unknown address takes as long as a wrong password and does not reveal which accounts exist.
_DUMMY_HASH: dict[tuple[int, int], str] = {}

#: The password every demo account shares; it is published (README), so only the demo loader
#: may set it.
DEMO_PASSWORD = "musterstadt-demo"
#: zxcvbn's score from 0 to 4 a new password needs: 3 stands for more than 10^8 guesses.
_MIN_SCORE = 3
#: zxcvbn takes seconds for a few hundred characters; whether a password can be guessed shows
#: in its first 64.
_SCORED_LENGTH = 64
#: Words common in German passwords that zxcvbn's English lists do not know.
_GERMAN_WORDS = (
    "passwort",
    "kennwort",
    "geheim",
    "hallo",
    "willkommen",
    "schatz",
    "ichliebedich",
    "sommer",
    "winter",
    "frühling",
    "herbst",
    "fussball",
    "fußball",
    "schalke",
    "bayern",
    "borussia",
    "deutschland",
    "qwertz",
    "qwertzuiop",
    "wandelwerk",
    "musterstadt",
    "rathaus",
    "verwaltung",
)
#: A link in a password reset e-mail works this long after it was asked for.
RESET_LINK_VALID = timedelta(hours=1)
#: At most this many reset e-mails go to one address per hour, however many are asked for.
_RESET_MAILS_PER_EMAIL = 3


class WeakPassword(DomainError):
    """The new password does not meet the password rules."""


class InvalidCredentials(DomainError):
    """E-mail or password is wrong, or the account is inactive."""

    status_code = 401


class WrongCurrentPassword(DomainError):
    """The current password given to confirm a change is wrong."""


class SignInPaused(RateLimited):
    """Too many failed sign-ins: the next attempt must wait *retry_after* seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


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
    """Raise `WeakPassword` unless *password* is long enough, not too long, not the user's own
    name or address, not published and not easy to guess (ASVS V6.2)."""
    config = current_app.config
    minimum, maximum = config["PASSWORD_MIN_LENGTH"], config["PASSWORD_MAX_LENGTH"]
    if len(password) < minimum:
        raise WeakPassword(_("The password must have at least %(n)d characters.", n=minimum))
    if len(password) > maximum:
        raise WeakPassword(_("The password may have at most %(n)d characters.", n=maximum))
    lowered = password.lower()
    local_part = email.split("@")[0].lower()
    for own in (email.lower(), local_part, name.lower()):
        if own and lowered == own:
            raise WeakPassword(_("The password must not be your name or e-mail address."))
    if lowered.strip() == DEMO_PASSWORD:
        raise WeakPassword(
            _("This password is published as the password of the demo accounts; choose another.")
        )
    own_words = [email, local_part, name, *name.split(), DEMO_PASSWORD, *_GERMAN_WORDS]
    if tenancy.has_tenant():
        own_words += current_municipality().name.split()
    strength = zxcvbn(password[:_SCORED_LENGTH], user_inputs=[w for w in own_words if w])
    if strength["score"] < _MIN_SCORE:
        raise WeakPassword(
            _(
                "This password is too easy to guess: it is a common password, a word with digits "
                "added, or repeats characters. A sentence of several words that you can remember "
                "works well."
            )
        )


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


def _wait_message(seconds: int) -> str:
    if seconds < 120:
        wait = ngettext("%(num)d second", "%(num)d seconds", seconds)
    else:
        wait = ngettext("%(num)d minute", "%(num)d minutes", -(-seconds // 60))
    return str(
        _("Too many failed sign-in attempts. Please wait %(wait)s and try again.", wait=wait)
    )


def _seconds_until(moment: datetime, now: datetime) -> int:
    return max(0, -(-int((moment - now).total_seconds() * 1000) // 1000))


def address_wait(address: str, now: datetime) -> int:
    """Return how many seconds *address* must wait before its next sign-in attempt.

    Every failure within the window counts, whatever succeeded in between: signing in to one's
    own account does not buy more guesses at colleagues' passwords.
    """
    config = current_app.config
    window = timedelta(minutes=config["LOGIN_FAILURE_WINDOW_MINUTES"])
    limit = config["LOGIN_MAX_FAILURES_PER_ADDRESS"]
    # The address may try again once fewer than `limit` failures are left in the window, that
    # is, when the limit-th most recent one leaves it.
    deciding = db.session.scalar(
        select(LoginAttempt.at)
        .where(
            LoginAttempt.address == address,
            LoginAttempt.succeeded.is_(False),
            LoginAttempt.at > now - window,
        )
        .order_by(LoginAttempt.at.desc())
        .offset(limit - 1)
        .limit(1)
    )
    return 0 if deciding is None else _seconds_until(deciding + window, now)


def account_delay(failures: int) -> int:
    """Return the seconds an account waits after *failures* failed sign-ins in a row: none for
    the first few, then 1, 2, 4 … up to `LOGIN_MAX_DELAY_SECONDS`."""
    config = current_app.config
    beyond = failures - config["LOGIN_FREE_FAILURES_PER_ACCOUNT"]
    if beyond <= 0:
        return 0
    return int(min(2 ** min(beyond - 1, 30), config["LOGIN_MAX_DELAY_SECONDS"]))


def account_wait(email: str, now: datetime) -> int:
    """Return how many seconds the next sign-in attempt to *email* must wait.

    The account is slowed down, never locked: whoever knows the password gets in after the
    wait. The same holds for addresses without an account, so the answer tells nothing about
    which accounts exist.
    """
    window = timedelta(minutes=current_app.config["LOGIN_FAILURE_WINDOW_MINUTES"])
    last_success = (
        select(func.max(LoginAttempt.at))
        .where(LoginAttempt.email == email, LoginAttempt.succeeded.is_(True))
        .scalar_subquery()
    )
    failures, latest = db.session.execute(
        select(func.count(LoginAttempt.id), func.max(LoginAttempt.at)).where(
            LoginAttempt.email == email,
            LoginAttempt.succeeded.is_(False),
            LoginAttempt.at > now - window,
            (LoginAttempt.at > last_success) | last_success.is_(None),
        )
    ).one()
    if latest is None:
        return 0
    return _seconds_until(latest + timedelta(seconds=account_delay(failures)), now)


def _check_not_paused(email: str, address: str, now: datetime) -> None:
    wait = max(address_wait(address, now), account_wait(email, now))
    if wait:
        raise SignInPaused(_wait_message(wait), wait)


def authenticate(email: str, password: str, address: str) -> User:
    """Return the active user with these credentials; record the attempt.

    Raise `SignInPaused` while the address or the account must wait after failed attempts,
    and `InvalidCredentials` when the e-mail, the password or the account is not valid.
    """
    email = normalise_email(email)
    now = utcnow()
    _check_not_paused(email, address, now)
    user = db.session.scalar(select(User).where(User.email == email))
    # No password is that long, and hashing megabytes would only cost time.
    fits = len(password) <= current_app.config["PASSWORD_MAX_LENGTH"]
    valid = fits and verify_password(user, password) and user is not None and user.active
    # A failed attempt must be counted although the refused request writes nothing else.
    attempt = LoginAttempt(email=email, address=address, succeeded=valid, at=now)
    if valid:
        db.session.add(attempt)
    else:
        keep_regardless(attempt)
    if not valid or user is None:
        raise InvalidCredentials(_("E-mail address or password is wrong."))
    user.last_login_at = now
    return user


def end_sessions(user: User) -> None:
    """End every session of *user* on every device (ASVS V7.4): raise the session generation,
    which each session must match, and forget the devices that stay signed in."""
    user.session_generation = (user.session_generation or 0) + 1
    db.session.execute(delete(RememberToken).where(RememberToken.user_id == user.id))
    db.session.flush()


def _set_password(user: User, password: str, *, must_change: bool) -> None:
    user.password_hash = hash_password(password)
    user.must_change_password = must_change
    end_sessions(user)
    # A new password makes every reset link sent before it useless.
    db.session.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
        .values(used_at=utcnow())
    )


def change_password(user: User, current: str, new: str, *, address: str = "unknown") -> None:
    """Replace *user*'s password after checking the current one and the rules; end the user's
    sessions everywhere (the caller renews the one it serves).

    A wrong current password counts as a failed sign-in, so that a session left open does not
    allow guessing the password without limit.
    """
    _check_not_paused(user.email, address, utcnow())
    if not verify_password(user, current):
        keep_regardless(LoginAttempt(email=user.email, address=address, succeeded=False))
        raise WrongCurrentPassword(_("The current password is wrong."))
    if current == new:
        raise WeakPassword(_("The new password must differ from the current one."))
    check_password_rules(new, email=user.email, name=user.name)
    _set_password(user, new, must_change=False)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token() -> str:
    return secrets.token_urlsafe(32)


def remember_device(user: User, expires_at: datetime | None = None) -> tuple[str, datetime]:
    """Let one device of *user* stay signed in until *expires_at* (default: `REMEMBER_DAYS`
    from now); return the token for its cookie and the expiry. Only the token's hash is
    stored."""
    now = utcnow()
    expires = expires_at or now + current_app.config["REMEMBER_COOKIE_DURATION"]
    db.session.execute(
        delete(RememberToken).where(
            RememberToken.user_id == user.id, RememberToken.expires_at <= now
        )
    )
    token = _new_token()
    db.session.add(
        RememberToken(
            user_id=user.id, token_hash=_digest(token), created_at=now, expires_at=expires
        )
    )
    db.session.flush()
    return token, expires


def use_remember_token(token: str) -> tuple[User, str, datetime] | None:
    """Return the user whose device presented *token*, the token that replaces it and their
    common expiry; None if the token is unknown, used, revoked or expired.

    The swap is one conditional update, so that of two requests with the same token only one
    gets the user.
    """
    now = utcnow()
    replacement = _new_token()
    swapped = db.session.execute(
        update(RememberToken)
        .where(RememberToken.token_hash == _digest(token), RememberToken.expires_at > now)
        .values(token_hash=_digest(replacement), last_used_at=now)
        .returning(RememberToken.user_id, RememberToken.expires_at)
        .execution_options(synchronize_session=False)
    ).first()
    if swapped is None:
        return None
    user = db.session.get(User, swapped.user_id)
    if user is None or not user.active:
        return None
    return user, replacement, swapped.expires_at


def _reset_wait(address: str, now: datetime) -> int:
    limit = current_app.config["PASSWORD_RESET_MAX_PER_ADDRESS"]
    deciding = db.session.scalar(
        select(PasswordReset.requested_at)
        .where(
            PasswordReset.address == address, PasswordReset.requested_at > now - timedelta(hours=1)
        )
        .order_by(PasswordReset.requested_at.desc())
        .offset(limit - 1)
        .limit(1)
    )
    return 0 if deciding is None else _seconds_until(deciding + timedelta(hours=1), now)


def request_password_reset(email: str, address: str) -> None:
    """Have a reset link mailed to *email* if it belongs to an active account.

    The request does the same work whether or not the account exists (the mail job looks the
    account up), so neither the answer nor its timing tells. Requests are limited per client
    address; beyond `_RESET_MAILS_PER_EMAIL` an hour, an address gets no further mail.
    """
    email = normalise_email(email)
    now = utcnow()
    wait = _reset_wait(address, now)
    if wait:
        raise RateLimited(
            _(
                "Too many requests for a new password. Please wait %(wait)s and try again.",
                wait=ngettext("%(num)d minute", "%(num)d minutes", -(-wait // 60)),
            )
        )
    mailed = db.session.scalar(
        select(func.count(PasswordReset.id)).where(
            PasswordReset.email == email, PasswordReset.requested_at > now - timedelta(hours=1)
        )
    )
    reset = PasswordReset(email=email, address=address, requested_at=now)
    db.session.add(reset)
    db.session.flush()
    if (mailed or 0) < _RESET_MAILS_PER_EMAIL:
        enqueue(send_password_reset_mail, reset.id)


@job(retries=3, retry_delay=60)
def send_password_reset_mail(reset_id: int) -> None:
    """Mail a single-use reset link for request *reset_id* if its address belongs to an active
    account. The token is made here and only its hash is stored, so a failed send that rolls
    back leaves no usable link behind."""
    # Mails leave the way every mail does; imported here since notifications builds on accounts.
    from portal.notifications.services import Mail, send_mail

    reset = db.session.get(PasswordReset, reset_id)
    if reset is None or reset.token_hash is not None:
        return
    if reset.requested_at <= utcnow() - RESET_LINK_VALID:
        return
    user = db.session.scalar(select(User).where(User.email == reset.email))
    if user is None or not user.active:
        return
    token = _new_token()
    reset.user_id = user.id
    reset.token_hash = _digest(token)
    link = external_url(Link("accounts.password_reset", {"token": token}))
    with force_locale(user.locale):
        body = "\n".join(
            [
                _("Hello %(name)s,", name=user.name),
                "",
                _("someone, hopefully you, asked for a new password for Wandelwerk."),
                _("Set a new password here (the link works once and for one hour):"),
                link,
                "",
                _("If you did not ask for it, ignore this e-mail; your password stays as it is."),
            ]
        )
        mail = Mail(user.email, _("Wandelwerk: set a new password"), body)
    send_mail(mail)


def reset_for_token(token: str) -> PasswordReset:
    """Return the unused, unexpired reset of *token*; raise `NotFound` otherwise."""
    found = None
    if 20 <= len(token) <= 100:
        found = db.session.scalar(
            select(PasswordReset).where(
                PasswordReset.token_hash == _digest(token),
                PasswordReset.used_at.is_(None),
                PasswordReset.requested_at > utcnow() - RESET_LINK_VALID,
            )
        )
    user = db.session.get(User, found.user_id) if found and found.user_id else None
    if found is None or user is None or not user.active:
        raise NotFound(_("This link is not valid: it was used already or is older than one hour."))
    return found


def reset_password_by_link(token: str, password: str) -> User:
    """Set *password* for the user the reset link *token* was mailed to, use the link up and
    end all the user's sessions; return the user."""
    reset = reset_for_token(token)
    user = db.session.get(User, reset.user_id)
    assert user is not None  # reset_for_token checked it
    check_password_rules(password, email=user.email, name=user.name)
    _set_password(user, password, must_change=False)
    return user


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
    demo: bool = False,
) -> User:
    """Create a user with an initial *password* chosen by an administrator.

    *password_hash* is the hash of *password* when the caller has one already: the demo's
    accounts share their password, and hashing it forty times would only slow the demo down.
    *demo* is for the demo loader alone: its accounts get the published `DEMO_PASSWORD`, which
    the password rules refuse everywhere else.
    """
    email = normalise_email(data.email)
    _check_unique_email(email)
    if not (demo and password == DEMO_PASSWORD):
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
    deactivated = user.active and not data.active
    _apply(user, data)
    if deactivated:
        end_sessions(user)
    db.session.flush()


def reset_password(user: User, password: str) -> None:
    """Set a new initial password that *user* must replace at the next sign-in; end the
    user's sessions everywhere."""
    check_password_rules(password, email=user.email, name=user.name)
    _set_password(user, password, must_change=True)


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


@periodic(hour="3", minute="30")
def forget_old_sign_in_records() -> None:
    """Delete sign-in attempts and password-reset requests older than
    `LOGIN_ATTEMPT_RETENTION_DAYS`, and expired "stay signed in" tokens, in every municipality,
    as the privacy policy promises."""
    before = utcnow() - timedelta(days=current_app.config["LOGIN_ATTEMPT_RETENTION_DAYS"])
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.at < before))
    db.session.execute(delete(PasswordReset).where(PasswordReset.requested_at < before))
    db.session.execute(delete(RememberToken).where(RememberToken.expires_at < utcnow()))
