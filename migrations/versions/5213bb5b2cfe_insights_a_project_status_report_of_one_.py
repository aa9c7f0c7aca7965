"""insights: a project status report of one wave

Revision ID: 5213bb5b2cfe
Revises: 664aaebf77d6
Create Date: 2026-11-30 15:54:10.769363

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5213bb5b2cfe'
down_revision = '664aaebf77d6'
branch_labels = None
depends_on = None

WAVE_CHECK = "wave_id IS NULL OR kind = 'project_report'"


def upgrade():
    with op.batch_alter_table('generated_document', schema=None) as batch_op:
        batch_op.add_column(sa.Column('wave_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_generated_document_wave_id'), ['wave_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_generated_document_wave_id_project_wave'), 'project_wave', ['wave_id'], ['id'], ondelete='CASCADE')
        # Only the project status report is about a wave (or about none: the whole portfolio).
        batch_op.create_check_constraint(op.f('ck_generated_document_only_status_report_has_wave'), WAVE_CHECK)


def downgrade():
    op.execute("DELETE FROM generated_document WHERE wave_id IS NOT NULL")
    with op.batch_alter_table('generated_document', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_generated_document_only_status_report_has_wave'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_generated_document_wave_id_project_wave'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_generated_document_wave_id'))
        batch_op.drop_column('wave_id')
