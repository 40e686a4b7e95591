"""statistics overdue span

Issue 19: the charts' overdue at each month's end at national volume. The GiST index of the
ranges (due_at, finished_at] of the received dossiers finished late or not finished
(PostgreSQL only, like ix_dossier_open_span: made by portal/stats/days.py
``create_overdue_span_index``, the same SQL text create_all uses; migrations/env.py leaves it
out of the comparison).

Revision ID: b81d4f6e2a93
Revises: 3b8d51c0e6a2
Create Date: 2026-12-07 09:00:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b81d4f6e2a93'
down_revision = '3b8d51c0e6a2'
branch_labels = None
depends_on = None


def upgrade():
    from portal.stats import days

    days.create_overdue_span_index(op.get_bind())


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP INDEX IF EXISTS ix_dossier_overdue_span")
