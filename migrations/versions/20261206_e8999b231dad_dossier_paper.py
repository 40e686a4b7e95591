"""dossier paper

Issue 18: per required paper, what the counter officer took from a walk-in or postal
applicant (original, copy or certified copy; how many), scanned or not. Form 01 prints it and
reception checks the mandatory papers against it. A new table; nothing existing changes.

Revision ID: e8999b231dad
Revises: b7c4e2d9a615
Create Date: 2026-12-06 21:16:46.140422

"""
from alembic import op
import sqlalchemy as sa

import portal.core.models


# revision identifiers, used by Alembic.
revision = 'e8999b231dad'
down_revision = 'b7c4e2d9a615'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('dossier_paper',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('requirement_id', sa.Integer(), nullable=False),
    sa.Column('form', sa.Enum('original', 'copy', 'certified_copy', name='document_form', native_enum=False, length=32), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', portal.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('quantity >= 1 AND quantity <= 99', name=op.f('ck_dossier_paper_quantity_in_range')),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_dossier_paper_dossier_id_dossier'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_dossier_paper_recorded_by_id_user')),
    sa.ForeignKeyConstraint(['requirement_id'], ['procedure_document.id'], name=op.f('fk_dossier_paper_requirement_id_procedure_document'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dossier_paper')),
    sa.UniqueConstraint('dossier_id', 'requirement_id', name=op.f('uq_dossier_paper_dossier_id'))
    )
    with op.batch_alter_table('dossier_paper', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dossier_paper_dossier_id'), ['dossier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dossier_paper_requirement_id'), ['requirement_id'], unique=False)



def downgrade():
    with op.batch_alter_table('dossier_paper', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dossier_paper_requirement_id'))
        batch_op.drop_index(batch_op.f('ix_dossier_paper_dossier_id'))

    op.drop_table('dossier_paper')
