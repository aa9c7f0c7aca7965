"""ideas: drafts without texts, history of files, comments edited and deleted

Revision ID: 1508e40f8a45
Revises: bedf782ce371
Create Date: 2026-11-30 05:59:00.078718

* A draft needs a title only; problem and proposal are needed from submission on
  (`ck_idea_submitted_has_texts`; submitted ideas of earlier versions have both).
* An idea's history records more than steps of its lifecycle: `idea_event.kind` says what an
  entry records (existing entries are steps, `state`), `detail` what it concerns (a file's name);
  only steps name states (`ck_idea_event_states_only_on_steps`).
* Comments show when they were edited (`edited_at`); a deleted comment with replies stays as a
  placeholder without text and author (`deleted_at`, `author_id` nullable), which
  `ck_comment_text_and_author_until_deleted` holds instead of `ck_comment_body_not_empty`.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1508e40f8a45'
down_revision = 'bedf782ce371'
branch_labels = None
depends_on = None

_EVENT_KIND = sa.Enum('state', 'attachment_added', 'attachment_removed', name='idea_event_kind')


def upgrade():
    # PostgreSQL keeps enumerations as types of their own; adding a column does not create one.
    _EVENT_KIND.create(op.get_bind(), checkfirst=True)

    with op.batch_alter_table('idea', schema=None) as batch_op:
        batch_op.create_check_constraint(
            'submitted_has_texts', "state = 'draft' OR (problem <> '' AND proposal <> '')"
        )

    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('edited_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.alter_column('author_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.drop_constraint(op.f('ck_comment_body_not_empty'), type_='check')
        batch_op.create_check_constraint(
            'text_and_author_until_deleted',
            "(deleted_at IS NULL AND author_id IS NOT NULL AND body <> '')"
            " OR (deleted_at IS NOT NULL AND author_id IS NULL AND body = '')",
        )

    # The server defaults fill the existing rows and are dropped again: the models set both.
    with op.batch_alter_table('idea_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', _EVENT_KIND, nullable=False, server_default='state'))
        batch_op.add_column(sa.Column('detail', sa.String(length=200), nullable=False, server_default=''))
        batch_op.alter_column('to_state',
               existing_type=sa.VARCHAR(length=9),
               nullable=True)
    with op.batch_alter_table('idea_event', schema=None) as batch_op:
        batch_op.alter_column('kind', server_default=None)
        batch_op.alter_column('detail', server_default=None)
        batch_op.create_check_constraint(
            'states_only_on_steps',
            "(kind = 'state' AND to_state IS NOT NULL)"
            " OR (kind <> 'state' AND to_state IS NULL AND from_state IS NULL)",
        )


def downgrade():
    # The earlier schema knows neither entries about files nor deleted comments: the entries
    # go, the replies of a deleted comment become comments of their own, the placeholder goes.
    op.execute("DELETE FROM idea_event WHERE kind <> 'state'")
    op.execute(
        "UPDATE comment SET parent_id = NULL"
        " WHERE parent_id IN (SELECT id FROM comment WHERE deleted_at IS NOT NULL)"
    )
    op.execute("DELETE FROM comment WHERE deleted_at IS NOT NULL")

    with op.batch_alter_table('idea_event', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_idea_event_states_only_on_steps'), type_='check')
        batch_op.alter_column('to_state',
               existing_type=sa.VARCHAR(length=9),
               nullable=False)
        batch_op.drop_column('detail')
        batch_op.drop_column('kind')
    _EVENT_KIND.drop(op.get_bind(), checkfirst=True)

    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_comment_text_and_author_until_deleted'), type_='check')
        batch_op.create_check_constraint('body_not_empty', "body <> ''")
        batch_op.alter_column('author_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('deleted_at')
        batch_op.drop_column('edited_at')

    with op.batch_alter_table('idea', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_idea_submitted_has_texts'), type_='check')
