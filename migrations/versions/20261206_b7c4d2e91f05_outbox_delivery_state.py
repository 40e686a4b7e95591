"""outbox delivery state

Issue 13: the worker delivers outbox rows with retries. Each row gets its state (pending,
sent, failed, cancelled), when its next attempt is due, when the last one was, and the
provider's message id. Rows already sent become "sent"; the others are due now.

Revision ID: b7c4d2e91f05
Revises: e8999b231dad
Create Date: 2026-12-06 21:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

from portal.core.models import UTCDateTime


# revision identifiers, used by Alembic.
revision = 'b7c4d2e91f05'
down_revision = 'e8999b231dad'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('state', sa.String(length=16), server_default='pending',
                                      nullable=False))
        batch_op.add_column(sa.Column('next_attempt_at', UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('last_attempt_at', UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('provider_message_id', sa.String(length=200),
                                      server_default='', nullable=False))
    op.execute("UPDATE outbox_message SET state = 'sent' WHERE sent_at IS NOT NULL")
    op.execute("UPDATE outbox_message SET next_attempt_at = created_at")
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.alter_column('next_attempt_at', existing_type=UTCDateTime(timezone=True),
                              nullable=False, server_default=sa.func.now())
        batch_op.drop_index('ix_outbox_unsent')
        batch_op.create_index('ix_outbox_state', ['state', 'id'], unique=False)
    # Partial indexes of the pending rows (the worker's claim), outside the batch: SQLite's
    # table copy would not carry their WHERE clause.
    op.create_index('ix_outbox_pending', 'outbox_message', ['id'], unique=False,
                    postgresql_where=sa.text("state = 'pending'"),
                    sqlite_where=sa.text("state = 'pending'"))
    op.create_index('ix_outbox_pending_recipient', 'outbox_message',
                    ['recipient', 'channel', 'id'], unique=False,
                    postgresql_where=sa.text("state = 'pending'"),
                    sqlite_where=sa.text("state = 'pending'"))


def downgrade():
    op.drop_index('ix_outbox_pending_recipient', table_name='outbox_message')
    op.drop_index('ix_outbox_pending', table_name='outbox_message')
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_state')
        batch_op.create_index('ix_outbox_unsent', ['sent_at', 'id'], unique=False)
        batch_op.drop_column('provider_message_id')
        batch_op.drop_column('last_attempt_at')
        batch_op.drop_column('next_attempt_at')
        batch_op.drop_column('state')
