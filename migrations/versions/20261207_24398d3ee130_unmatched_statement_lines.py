"""unmatched statement lines

Issue 14: the bank statement imports (who, when, the file) and the lines of them a person
must resolve (short, excess, unknown, a second transfer for a code already paid), unique by
the bank's reference, with who resolved each, when, and how (a note).

Revision ID: 24398d3ee130
Revises: 5e1f0c2a9b7d
Create Date: 2026-12-07 04:17:10.632262

"""
import sqlalchemy as sa
from alembic import op

import portal.core.models

# revision identifiers, used by Alembic.
revision = '24398d3ee130'
down_revision = '5e1f0c2a9b7d'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('statement_import',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('imported_at', portal.core.models.UTCDateTime(timezone=True),
              nullable=False),
    sa.Column('imported_by_id', sa.Integer(), nullable=True),
    sa.Column('line_count', sa.Integer(), nullable=False),
    sa.Column('matched_count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['imported_by_id'], ['user.id'],
                            name=op.f('fk_statement_import_imported_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_statement_import'))
    )
    op.create_table('statement_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('import_id', sa.Integer(), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=False),
    sa.Column('booked_on', sa.Date(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('description', sa.String(length=500), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('dossier_code', sa.String(length=40), nullable=False),
    sa.Column('expected_amount', sa.BigInteger(), nullable=True),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.Column('imported_at', portal.core.models.UTCDateTime(timezone=True),
              nullable=False),
    sa.Column('imported_by_id', sa.Integer(), nullable=True),
    sa.Column('resolved_at', portal.core.models.UTCDateTime(timezone=True),
              nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.Column('resolution_note', sa.String(length=500), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_statement_line_amount_positive')),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'],
                            name=op.f('fk_statement_line_agency_id_agency')),
    sa.ForeignKeyConstraint(['import_id'], ['statement_import.id'],
                            name=op.f('fk_statement_line_import_id_statement_import')),
    sa.ForeignKeyConstraint(['imported_by_id'], ['user.id'],
                            name=op.f('fk_statement_line_imported_by_id_user')),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['user.id'],
                            name=op.f('fk_statement_line_resolved_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_statement_line')),
    sa.UniqueConstraint('reference', name='uq_statement_line_reference')
    )
    with op.batch_alter_table('statement_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_statement_line_agency_id'), ['agency_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_statement_line_import_id'), ['import_id'],
                              unique=False)
        batch_op.create_index('ix_statement_line_open', ['resolved_at', 'imported_at'],
                              unique=False)



def downgrade():
    with op.batch_alter_table('statement_line', schema=None) as batch_op:
        batch_op.drop_index('ix_statement_line_open')
        batch_op.drop_index(batch_op.f('ix_statement_line_import_id'))
        batch_op.drop_index(batch_op.f('ix_statement_line_agency_id'))

    op.drop_table('statement_line')
    op.drop_table('statement_import')
