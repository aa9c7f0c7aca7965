"""Ask before an action that cannot be undone, without needing JavaScript.

The action's form posts as usual. Its view checks the input and the rules first, then asks
`confirmed()`; while the answer is no, it returns `ask(Confirmation(...))`: a page that asks
"Really …?", says what will happen and carries everything the form sent in hidden fields, with a
button that posts it once more with `confirm=1` and a link back. Nothing is written until then.
It works by keyboard and without script, like any other form of the portal.

    if not confirmed():
        return ask(Confirmation(_("Really delete this draft?"), _("Delete draft"), back_url))
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template, request
from flask.typing import ResponseReturnValue

#: The form field whose value "1" says that the user confirmed.
CONFIRM_FIELD = "confirm"

#: Fields the confirmation page does not carry over: it sends its own.
_NOT_CARRIED = frozenset({"csrf_token", CONFIRM_FIELD})


@dataclass(frozen=True)
class Confirmation:
    """What the confirmation page asks and offers."""

    #: The question, e.g. "Really decline this idea?".
    question: str
    #: The label of the button that confirms, e.g. "Decline idea".
    button: str
    #: Where "Cancel" leads: the page the user came from.
    cancel_url: str
    #: Sentences that say what will happen and that it cannot be undone.
    details: tuple[str, ...] = ()
    #: Text the user typed that goes with the action (a reason), shown as typed.
    quote: str = ""


def confirmed() -> bool:
    """Tell whether the current request carries the user's confirmation."""
    return request.form.get(CONFIRM_FIELD) == "1"


def ask(confirmation: Confirmation) -> ResponseReturnValue:
    """Return the page that asks *confirmation* and posts the current form again if confirmed."""
    carried = [
        (name, value)
        for name, values in request.form.lists()
        if name not in _NOT_CARRIED
        for value in values
    ]
    return render_template(
        "confirm.html",
        confirmation=confirmation,
        action=request.path,
        carried=carried,
        confirm_field=CONFIRM_FIELD,
    )
