"""pauses holding a clock, by their end

Issue 19: which dossiers a pause holds at an instant (``holds_clock``: begun before it, with
working time left, not ended before it) read from a partial index of the pauses with time
left, by their end — the open ones (``ended_at IS NULL``) and those ended after the instant —
instead of every pause (a tenth of the dossiers at national volume).

Revision ID: 3b8d51c0e6a2
Revises: 7c3e9a4d2f18
Create Date: 2026-12-07 08:55:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '3b8d51c0e6a2'
down_revision = '7c3e9a4d2f18'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('dossier_pause', schema=None) as batch_op:
        batch_op.create_index('ix_dossier_pause_holding', ['ended_at', 'started_at', 'dossier_id'],
                              unique=False,
                              postgresql_where=sa.text('remaining_seconds > 0'),
                              sqlite_where=sa.text('remaining_seconds > 0'))


def downgrade():
    with op.batch_alter_table('dossier_pause', schema=None) as batch_op:
        batch_op.drop_index('ix_dossier_pause_holding',
                            postgresql_where=sa.text('remaining_seconds > 0'),
                            sqlite_where=sa.text('remaining_seconds > 0'))
