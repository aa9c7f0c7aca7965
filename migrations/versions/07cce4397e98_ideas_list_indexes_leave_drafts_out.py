"""ideas: list indexes leave drafts out

Revision ID: 07cce4397e98
Revises: 145604a83b99
Create Date: 2026-11-22 23:31:42.393947

Drafts are never listed. Without them, the indexes that serve the idea list in its three orders
also tell that a row is no draft, so a page is found from the index alone and only its own rows
are read from the table (see `portal.core.pagination.seek`).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '07cce4397e98'
down_revision = '145604a83b99'
branch_labels = None
depends_on = None


_LISTED = sa.text("state <> 'draft'")
_INDEXES = {
    'ix_idea_list_newest': ['municipality_id', 'submitted_at', 'id'],
    'ix_idea_list_supported': ['municipality_id', 'support_count', 'submitted_at', 'id'],
    'ix_idea_list_discussed': ['municipality_id', 'comment_count', 'submitted_at', 'id'],
}


def upgrade():
    with op.batch_alter_table('idea', schema=None) as batch_op:
        for name, columns in _INDEXES.items():
            batch_op.drop_index(name)
            batch_op.create_index(name, columns, unique=False, postgresql_where=_LISTED, sqlite_where=_LISTED)


def downgrade():
    with op.batch_alter_table('idea', schema=None) as batch_op:
        for name, columns in _INDEXES.items():
            batch_op.drop_index(name)
            batch_op.create_index(name, columns, unique=False)
