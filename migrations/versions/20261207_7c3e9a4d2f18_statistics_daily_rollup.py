"""statistics daily rollup

Issue 19: the statistics at national volume. ``stats_day`` (one row per agency and local
date: receptions per channel, endings by kind) kept by triggers on ``dossier``
(portal/stats/days.py, the same SQL text create_all uses), filled from the existing dossiers;
the GiST index of the dossiers' open ranges (PostgreSQL), and three small partial indexes
(dossiers finished before their reception, results returned by post, dossiers resolved on the
spot).

Revision ID: 7c3e9a4d2f18
Revises: 24398d3ee130
Create Date: 2026-12-07 07:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '7c3e9a4d2f18'
down_revision = '24398d3ee130'
branch_labels = None
depends_on = None

FINISHED_BEFORE_RECEIVED_SQL = "finished_at < received_at"
POSTAL_RETURNED_SQL = "return_method = 'postal' AND state = 'returned'"
ON_THE_SPOT_SQL = "finished_at = received_at AND state = 'returned'"


def upgrade():
    op.create_table('stats_day',
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    *(sa.Column(name, sa.Integer(), server_default='0', nullable=False)
      for name in ('online', 'direct', 'postal', 'resolved', 'on_time', 'early', 'on_due_day',
                   'late', 'withdrawn', 'returned', 'on_the_spot')),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'],
                            name=op.f('fk_stats_day_agency_id_agency')),
    sa.PrimaryKeyConstraint('agency_id', 'day', name=op.f('pk_stats_day'))
    )
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.create_index('ix_dossier_finished_before_received', ['agency_id'], unique=False,
                              postgresql_where=sa.text(FINISHED_BEFORE_RECEIVED_SQL),
                              sqlite_where=sa.text(FINISHED_BEFORE_RECEIVED_SQL))
        batch_op.create_index('ix_dossier_postal_returned', ['returned_at', 'agency_id'],
                              unique=False, postgresql_where=sa.text(POSTAL_RETURNED_SQL),
                              sqlite_where=sa.text(POSTAL_RETURNED_SQL))
        batch_op.create_index('ix_dossier_on_the_spot',
                              ['received_at', 'agency_id', 'procedure_version_id'],
                              unique=False, postgresql_where=sa.text(ON_THE_SPOT_SQL),
                              sqlite_where=sa.text(ON_THE_SPOT_SQL))
    from portal.stats import days

    bind = op.get_bind()
    days.create_triggers(bind)  # and ix_dossier_open_span (SPAN_SQL) on PostgreSQL
    bind.execute(days.StatsDay.__table__.insert().from_select(
        ['agency_id', 'day', *days.COLUMNS], days.contributions()))


def downgrade():
    from portal.stats import days

    bind = op.get_bind()
    days.drop_triggers(bind)
    if bind.dialect.name == 'postgresql':
        op.execute("DROP INDEX IF EXISTS ix_dossier_open_span")
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.drop_index('ix_dossier_on_the_spot', sqlite_where=sa.text(ON_THE_SPOT_SQL),
                            postgresql_where=sa.text(ON_THE_SPOT_SQL))
        batch_op.drop_index('ix_dossier_postal_returned',
                            sqlite_where=sa.text(POSTAL_RETURNED_SQL),
                            postgresql_where=sa.text(POSTAL_RETURNED_SQL))
        batch_op.drop_index('ix_dossier_finished_before_received',
                            sqlite_where=sa.text(FINISHED_BEFORE_RECEIVED_SQL),
                            postgresql_where=sa.text(FINISHED_BEFORE_RECEIVED_SQL))
    op.drop_table('stats_day')
