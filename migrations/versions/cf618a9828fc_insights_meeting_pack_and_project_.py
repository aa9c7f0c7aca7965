"""insights: meeting pack and project status report

Revision ID: cf618a9828fc
Revises: 2a2be51bb7ca
Create Date: 2026-11-30 12:06:15.799694

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'cf618a9828fc'
down_revision = '2a2be51bb7ca'
branch_labels = None
depends_on = None

BEFORE = ('council_paper', 'round_report')
ADDED = ('meeting_pack', 'project_report')
ROUND_CHECK = "(kind IN ('council_paper', 'round_report')) = (round_id IS NOT NULL)"
MEETING_CHECK = "(kind = 'meeting_pack') = (meeting_id IS NOT NULL)"


def upgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        # PostgreSQL uses a new value of an enum only once the transaction that added it has
        # committed, and the check constraints below name the new values.
        with op.get_context().autocommit_block():
            for value in ADDED:
                op.execute(f"ALTER TYPE document_kind ADD VALUE IF NOT EXISTS '{value}'")
    with op.batch_alter_table('generated_document', schema=None) as batch_op:
        batch_op.add_column(sa.Column('meeting_id', sa.Integer(), nullable=True))
        if not postgresql:
            batch_op.alter_column('kind',
                   existing_type=sa.Enum(*BEFORE, name='document_kind'),
                   type_=sa.Enum(*BEFORE, *ADDED, name='document_kind'),
                   existing_nullable=False)
        batch_op.drop_index(batch_op.f('ix_generated_document_subject'))
        batch_op.create_index('ix_generated_document_subject', ['kind', 'round_id', 'meeting_id', 'data_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_generated_document_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_generated_document_meeting_id_board_meeting'), 'board_meeting', ['meeting_id'], ['id'], ondelete='CASCADE')
        # Each kind has exactly its subject: a round, a meeting, or neither (the portfolio).
        batch_op.drop_constraint(op.f('ck_generated_document_round_document_has_round'), type_='check')
        batch_op.create_check_constraint(op.f('ck_generated_document_round_document_has_round'), ROUND_CHECK)
        batch_op.create_check_constraint(op.f('ck_generated_document_meeting_pack_has_meeting'), MEETING_CHECK)


def downgrade():
    op.execute(f"DELETE FROM generated_document WHERE kind IN {ADDED!r}")
    with op.batch_alter_table('generated_document', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_generated_document_meeting_pack_has_meeting'), type_='check')
        batch_op.drop_constraint(op.f('ck_generated_document_round_document_has_round'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_generated_document_round_document_has_round'),
            "kind NOT IN ('council_paper', 'round_report') OR round_id IS NOT NULL",
        )
        batch_op.drop_constraint(batch_op.f('fk_generated_document_meeting_id_board_meeting'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_generated_document_meeting_id'))
        batch_op.drop_index('ix_generated_document_subject')
        batch_op.create_index(batch_op.f('ix_generated_document_subject'), ['kind', 'round_id', 'data_hash'], unique=False)
        batch_op.drop_column('meeting_id')
    # PostgreSQL cannot drop a value of an enum; the two stay in the type, unused.
