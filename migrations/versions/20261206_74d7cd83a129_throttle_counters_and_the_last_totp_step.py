"""throttle counters and the last TOTP step

One counter row per key replaces the login_attempt log (issue 10, items 2, 5, 10, 11): the
shared throttle of portal/core/throttle.py locks a key's row to count attempts atomically.
The old rows only fed the 15-minute login window, so they are dropped, not converted.
user.totp_last_step remembers the last accepted TOTP time-step (RFC 6238 §5.2).

Revision ID: 74d7cd83a129
Revises: 83fddd0bb1bf
Create Date: 2026-12-06 08:20:13.941885

"""
from alembic import op
import sqlalchemy as sa

import portal.core.models


# revision identifiers, used by Alembic.
revision = '74d7cd83a129'
down_revision = '83fddd0bb1bf'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('throttle',
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('blocked_until', portal.core.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('expires_at', portal.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_throttle'))
    )
    with op.batch_alter_table('throttle', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_throttle_expires_at'), ['expires_at'], unique=False)

    with op.batch_alter_table('login_attempt', schema=None) as batch_op:
        batch_op.drop_index('ix_login_attempt_key_at')

    op.drop_table('login_attempt')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_last_step', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('totp_last_step')

    op.create_table('login_attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=300), nullable=False),
    sa.Column('at', portal.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_attempt'))
    )
    with op.batch_alter_table('login_attempt', schema=None) as batch_op:
        batch_op.create_index('ix_login_attempt_key_at', ['key', 'at'], unique=False)

    with op.batch_alter_table('throttle', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_throttle_expires_at'))

    op.drop_table('throttle')
