"""fee exemption proof and decision

Issue 14: an exemption claim carries its proof (a dossier file) and the counter officer's
decision (pending, confirmed, rejected with a reason).

Revision ID: 5e1f0c2a9b7d
Revises: 1d98cd8cd660
Create Date: 2026-12-07 02:15:00

"""
from alembic import op
import sqlalchemy as sa

import portal.core.models


# revision identifiers, used by Alembic.
revision = '5e1f0c2a9b7d'
down_revision = '1d98cd8cd660'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('dossier_fee_answer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('proof_file_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('exemption_state', sa.String(length=20), server_default='', nullable=False))
        batch_op.add_column(sa.Column('decided_at', portal.core.models.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('decided_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('decision_reason', sa.String(length=500), server_default='', nullable=False))
        batch_op.create_foreign_key(batch_op.f('fk_dossier_fee_answer_proof_file_id_dossier_file'), 'dossier_file', ['proof_file_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_dossier_fee_answer_decided_by_id_user'), 'user', ['decided_by_id'], ['id'])
    # A claim made before proofs existed stays as it was: waived, shown at the counter.
    op.execute("UPDATE dossier_fee_answer SET exemption_state = 'confirmed' "
               "WHERE exemption_id IS NOT NULL")


def downgrade():
    with op.batch_alter_table('dossier_fee_answer', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_dossier_fee_answer_decided_by_id_user'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_dossier_fee_answer_proof_file_id_dossier_file'), type_='foreignkey')
        batch_op.drop_column('decision_reason')
        batch_op.drop_column('decided_by_id')
        batch_op.drop_column('decided_at')
        batch_op.drop_column('exemption_state')
        batch_op.drop_column('proof_file_id')
