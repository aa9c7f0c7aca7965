"""Merging duplicates: supports and comments move to the kept idea, without double supports."""

import pytest
from sqlalchemy import func, select

from portal.accounts.models import Role
from portal.core.errors import Conflict, InvalidTransition
from portal.ideas.models import Comment, IdeaState, Support
from portal.ideas.services import discussion, lifecycle
from tests import factories


@pytest.fixture
def moderator(db):
    return factories.user(roles={Role.MODERATOR, Role.EMPLOYEE})


def test_merge_moves_supports_and_comments_and_deduplicates(db, moderator):
    keep = factories.idea(title="Online-Terminvergabe")
    duplicate = factories.idea(title="Termine online buchen")
    both, only_duplicate, only_keep = factories.user(), factories.user(), factories.user()
    for user in (both, only_duplicate):
        discussion.support(duplicate, user)
    for user in (both, only_keep):
        discussion.support(keep, user)
    # The kept idea's author supported the duplicate; that support must not land on their own.
    discussion.support(duplicate, keep.author)
    discussion.add_comment(duplicate, both, "Gleiches Anliegen.")
    discussion.add_comment(keep, only_keep, "Gute Idee.")

    lifecycle.merge(duplicate, keep, moderator, "Doppelt eingereicht.")

    supporters = set(db.session.scalars(select(Support.user_id).where(Support.idea_id == keep.id)))
    assert supporters == {both.id, only_duplicate.id, only_keep.id}
    assert db.session.scalar(select(func.count(Comment.id)).where(Comment.idea_id == keep.id)) == 2
    assert (keep.support_count, keep.comment_count) == (3, 2)
    assert (duplicate.support_count, duplicate.comment_count) == (0, 0)
    assert duplicate.state is IdeaState.MERGED
    assert duplicate.merged_into_id == keep.id
    assert [m.id for m in lifecycle.merged_ideas(keep)] == [duplicate.id]


def test_merge_refuses_itself_drafts_and_closed_targets(db, moderator):
    idea = factories.idea()
    with pytest.raises(Conflict):
        lifecycle.merge(idea, idea, moderator)
    declined = factories.idea()
    lifecycle.change_state(declined, IdeaState.DECLINED, moderator, "Nein.")
    with pytest.raises(InvalidTransition):
        lifecycle.merge(idea, declined, moderator)
    with pytest.raises(InvalidTransition):
        lifecycle.merge(declined, factories.idea(), moderator)


def test_authors_of_both_ideas_are_notified(db, moderator):
    from portal.notifications.models import Notification

    keep, duplicate = factories.idea(), factories.idea()
    lifecycle.merge(duplicate, keep, moderator)
    for author in (keep.author, duplicate.author):
        assert (
            db.session.scalar(
                select(func.count(Notification.id)).where(Notification.user_id == author.id)
            )
            == 1
        )


def test_merge_moves_the_attachments_with_the_supports_and_comments(db, moderator):
    import io

    from portal.ideas.models import Attachment
    from portal.ideas.services import attachments

    keep, duplicate = factories.idea(), factories.idea()
    pdf = b"%PDF-1.4\n%%EOF\n"
    moved = attachments.add_attachment(duplicate, duplicate.author, io.BytesIO(pdf), "Skizze.pdf")
    stays = attachments.add_attachment(keep, keep.author, io.BytesIO(pdf), "Konzept.pdf")
    lifecycle.merge(duplicate, keep, moderator)
    on_keep = db.session.scalars(select(Attachment.id).where(Attachment.idea_id == keep.id))
    assert set(on_keep) == {moved.id, stays.id}
    assert attachments.idea_attachments(duplicate) == []
    # The file is where it was and downloads from the kept idea.
    assert attachments.get_attachment(keep, moved.id)[1].is_file()
