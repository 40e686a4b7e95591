"""financial obligation as data

Issue 18: the obligation is an amount, a payee, where to pay, a deadline and the tax notice as
a file (and, once paid, the day and the receipt), no longer free text. Obligations recorded
before keep their text in the dossier's history; they have no row here.

Revision ID: 3b7c9d2e4f61
Revises: b7c4d2e9f615
Create Date: 2026-12-06 21:18:23.021601

"""
from alembic import op
import sqlalchemy as sa

import portal.core.models


# revision identifiers, used by Alembic.
revision = '3b7c9d2e4f61'
down_revision = 'b7c4d2e9f615'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('dossier_obligation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('payee', sa.String(length=300), nullable=False),
    sa.Column('pay_to', sa.Text(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('requested_at', portal.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('confirmed_at', portal.core.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
    sa.Column('receipt_note', sa.String(length=500), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_dossier_obligation_amount_positive')),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['user.id'], name=op.f('fk_dossier_obligation_confirmed_by_id_user')),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_dossier_obligation_dossier_id_dossier'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user.id'], name=op.f('fk_dossier_obligation_requested_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dossier_obligation'))
    )
    with op.batch_alter_table('dossier_obligation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dossier_obligation_dossier_id'), ['dossier_id'], unique=False)

    op.create_table('dossier_obligation_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('obligation_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('notice', 'receipt', name='obligation_file_kind', native_enum=False, length=32), nullable=False),
    sa.Column('storage_key', sa.String(length=300), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', portal.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['obligation_id'], ['dossier_obligation.id'], name=op.f('fk_dossier_obligation_file_obligation_id_dossier_obligation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user.id'], name=op.f('fk_dossier_obligation_file_uploaded_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dossier_obligation_file')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_dossier_obligation_file_storage_key'))
    )
    with op.batch_alter_table('dossier_obligation_file', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dossier_obligation_file_obligation_id'), ['obligation_id'], unique=False)



def downgrade():
    with op.batch_alter_table('dossier_obligation_file', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dossier_obligation_file_obligation_id'))

    op.drop_table('dossier_obligation_file')
    with op.batch_alter_table('dossier_obligation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dossier_obligation_dossier_id'))

    op.drop_table('dossier_obligation')
