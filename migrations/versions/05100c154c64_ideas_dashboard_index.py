"""ideas: an index that holds every column the dashboards count ideas by

Revision ID: 05100c154c64
Revises: cf618a9828fc
Create Date: 2026-11-30 12:20:49.680909

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '05100c154c64'
down_revision = 'cf618a9828fc'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('idea', schema=None) as batch_op:
        batch_op.create_index('ix_idea_dashboard', ['municipality_id', 'state', 'field_of_action_id', 'submitted_at', 'author_id'], unique=False)


def downgrade():
    with op.batch_alter_table('idea', schema=None) as batch_op:
        batch_op.drop_index('ix_idea_dashboard')
