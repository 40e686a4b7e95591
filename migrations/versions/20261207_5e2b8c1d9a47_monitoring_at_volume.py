"""monitoring at volume

Issue 19: the monitoring dashboard at national volume. Three indexes: ``ix_dossier_lookup``
(the dossier's agency, procedure, due time and end by id, for the period's supplement
requests, inter-agency forwards and consultations, read without the wide rows),
``ix_dossier_stopped`` (the dossiers stopped, by end) and ``ix_consultation_unanswered`` (the
open consultations by due time).

Revision ID: 5e2b8c1d9a47
Revises: b81d4f6e2a93
Create Date: 2026-12-07 09:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '5e2b8c1d9a47'
down_revision = 'b81d4f6e2a93'
branch_labels = None
depends_on = None

STOPPED_SQL = "state = 'stopped'"
UNANSWERED_SQL = "answered_at IS NULL"


def upgrade():
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.create_index('ix_dossier_lookup',
                              ['id', 'agency_id', 'procedure_version_id', 'due_at',
                               'finished_at'], unique=False)
        batch_op.create_index('ix_dossier_stopped', ['finished_at', 'agency_id', 'due_at', 'id'],
                              unique=False, postgresql_where=sa.text(STOPPED_SQL),
                              sqlite_where=sa.text(STOPPED_SQL))
    with op.batch_alter_table('consultation', schema=None) as batch_op:
        batch_op.create_index('ix_consultation_unanswered',
                              ['due_at', 'agency_id', 'dossier_id', 'requested_by_id',
                               'requested_at', 'id'], unique=False,
                              postgresql_where=sa.text(UNANSWERED_SQL),
                              sqlite_where=sa.text(UNANSWERED_SQL))


def downgrade():
    with op.batch_alter_table('consultation', schema=None) as batch_op:
        batch_op.drop_index('ix_consultation_unanswered',
                            sqlite_where=sa.text(UNANSWERED_SQL),
                            postgresql_where=sa.text(UNANSWERED_SQL))
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.drop_index('ix_dossier_stopped', sqlite_where=sa.text(STOPPED_SQL),
                            postgresql_where=sa.text(STOPPED_SQL))
        batch_op.drop_index('ix_dossier_lookup')
