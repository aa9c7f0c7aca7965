"""Odd values in the query string of a list page show the list, never an error page."""

import pytest

from portal.accounts.models import Role
from portal.core.urls import LARGEST_ID, as_key

ODD = ["²", "9" * 30, "abc", "-1", "", "1.5"]


@pytest.mark.parametrize("value", ODD)
def test_list_pages_ignore_numbers_that_are_not_numbers(client, login_as, value):
    login_as(Role.EMPLOYEE, Role.MODERATOR, Role.ADMIN)
    for path in (
        f"/ideas/?page={value}&field={value}&org_unit={value}&state={value}&sort={value}",
        f"/ideas/mine?page={value}",
        f"/ideas/screening?page={value}",
        f"/ideas/similar?title=Akte&exclude={value}",
        f"/admin/users?page={value}&org_unit={value}&role={value}&active={value}",
        f"/notifications/?page={value}",
    ):
        assert client.get(path).status_code == 200, path


@pytest.mark.parametrize(
    ("sent", "key"),
    [
        ("17", 17),
        (17, 17),
        (str(LARGEST_ID), LARGEST_ID),
        (str(LARGEST_ID + 1), None),
        ("9" * 5000, None),  # beyond what Python converts from text at all
        ("٣", None),
        ("²", None),
        (" 1", None),
        ("", None),
        (None, None),
    ],
)
def test_a_key_from_a_form_or_link_is_a_whole_number_that_fits_the_database(sent, key):
    assert as_key(sent) == key
