"""periodic jobs records and staff mail preferences

Issue 13: the periodic jobs (portal/notifications/jobs.py) remember what they announced, so a
job run twice sends nothing twice: the overdue alerts per dossier and due instant, the staff
reminders and digests per person and day, each job's last run. Staff choose whether they get
reminders and digests (no row: both).

Revision ID: f101bf8a8ce4
Revises: 8e2f4a6b1c93
Create Date: 2026-12-06 21:17:09.281055

"""
from alembic import op
import sqlalchemy as sa

import portal.core.models


# revision identifiers, used by Alembic.
revision = 'f101bf8a8ce4'
down_revision = '8e2f4a6b1c93'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('job_run',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('last_run_at', portal.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_job_run'))
    )
    op.create_table('staff_mail_preference',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('reminders', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('digests', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('updated_at', portal.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_staff_mail_preference_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_staff_mail_preference'))
    )
    op.create_table('staff_mailing',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('reminder', 'digest', name='mailing_kind', native_enum=False, length=32), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('sent_at', portal.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_staff_mailing_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_mailing')),
    sa.UniqueConstraint('user_id', 'kind', 'day', name='uq_staff_mailing')
    )
    op.create_table('overdue_alert',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('due_at', portal.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('alerted_at', portal.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('messages', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_overdue_alert_dossier_id_dossier'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_overdue_alert')),
    sa.UniqueConstraint('dossier_id', 'due_at', name='uq_overdue_alert')
    )


def downgrade():
    op.drop_table('overdue_alert')
    op.drop_table('staff_mailing')
    op.drop_table('staff_mail_preference')
    op.drop_table('job_run')
