"""pages: legal texts per municipality

Revision ID: 4cc3a374923e
Revises: 5d2a9c7e4b10
Create Date: 2026-11-30 05:56:42.709115

The imprint, privacy policy and accessibility statement of each municipality, one row per page,
in Markdown, kept by its administrators.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4cc3a374923e'
down_revision = '5d2a9c7e4b10'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('legal_text',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('imprint', 'privacy', 'accessibility', name='legal_page'), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("body <> ''", name=op.f('ck_legal_text_body_not_empty')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_legal_text_municipality_id_municipality'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_legal_text_updated_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_legal_text')),
    sa.UniqueConstraint('municipality_id', 'kind', name=op.f('uq_legal_text_municipality_id_kind'))
    )
    with op.batch_alter_table('legal_text', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_legal_text_municipality_id'), ['municipality_id'], unique=False)



def downgrade():
    with op.batch_alter_table('legal_text', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_legal_text_municipality_id'))

    op.drop_table('legal_text')
    sa.Enum(name='legal_page').drop(op.get_bind(), checkfirst=True)
