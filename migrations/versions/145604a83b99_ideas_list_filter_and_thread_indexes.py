"""ideas: indexes for filtering the idea list and for the latest comment threads

Revision ID: 145604a83b99
Revises: 763297bd1aba
Create Date: 2026-11-22 22:49:51.774835

The link tables of org units and tags get their idea_id into the index on the filtered column,
so that a filtered list finds its ideas in the index alone. The idea page shows the latest 50
threads of a busy idea; without an index in that order, PostgreSQL read and sorted all of its
comments (4,500 on the benchmark's busiest idea).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '145604a83b99'
down_revision = '763297bd1aba'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('idea_org_unit', schema=None) as batch_op:
        batch_op.drop_index('ix_idea_org_unit_org_unit_id')
        batch_op.create_index('ix_idea_org_unit_org_unit_id', ['org_unit_id', 'idea_id'], unique=False)

    with op.batch_alter_table('idea_tag', schema=None) as batch_op:
        batch_op.drop_index('ix_idea_tag_tag_id')
        batch_op.create_index('ix_idea_tag_tag_id', ['tag_id', 'idea_id'], unique=False)

    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.create_index('ix_comment_idea_threads', ['idea_id', 'created_at', 'id'], unique=False, postgresql_where=sa.text('parent_id IS NULL'), sqlite_where=sa.text('parent_id IS NULL'))


def downgrade():
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.drop_index('ix_comment_idea_threads')

    with op.batch_alter_table('idea_tag', schema=None) as batch_op:
        batch_op.drop_index('ix_idea_tag_tag_id')
        batch_op.create_index('ix_idea_tag_tag_id', ['tag_id'], unique=False)

    with op.batch_alter_table('idea_org_unit', schema=None) as batch_op:
        batch_op.drop_index('ix_idea_org_unit_org_unit_id')
        batch_op.create_index('ix_idea_org_unit_org_unit_id', ['org_unit_id'], unique=False)
