"""message channels, verification codes, message templates, notifications

Issue 13: each account chooses the channels of its messages (e-mail on by default: the
registration address; SMS and Zalo once the phone is proved by a code) and their language;
the codes sent to prove a phone or an e-mail; administrators' versions of the message
templates; the notification centre's messages.

Revision ID: b7c4d2e9f615
Revises: b7c4d2e91f05
Create Date: 2026-12-06 21:40:00.000000

"""
from alembic import op
import sqlalchemy as sa

from portal.core.models import UTCDateTime


# revision identifiers, used by Alembic.
revision = 'b7c4d2e9f615'
down_revision = 'b7c4d2e91f05'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notify_email', sa.Boolean(), server_default=sa.true(),
                                      nullable=False))
        batch_op.add_column(sa.Column('notify_sms', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
        batch_op.add_column(sa.Column('notify_zalo', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
        batch_op.add_column(sa.Column('phone_verified', sa.String(length=20), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('email_verified', sa.String(length=254),
                                      server_default='', nullable=False))
        batch_op.add_column(sa.Column('language', sa.String(length=5), server_default='vi',
                                      nullable=False))

    op.create_table(
        'contact_verification',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('target', sa.String(length=254), nullable=False),
        sa.Column('salt', sa.String(length=32), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('expires_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('used_at', UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'],
                                name=op.f('fk_contact_verification_user_id_user'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_verification')),
    )
    op.create_index('ix_contact_verification_user_kind', 'contact_verification',
                    ['user_id', 'kind', 'created_at'], unique=False)

    op.create_table(
        'message_template',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=40), nullable=False),
        sa.Column('language', sa.String(length=5), nullable=False),
        sa.Column('subject', sa.String(length=300), nullable=False),
        sa.Column('email_body', sa.Text(), nullable=False),
        sa.Column('sms_text', sa.Text(), nullable=False),
        sa.Column('zalo_template_id', sa.String(length=64), nullable=False),
        sa.Column('zalo_params', sa.Text(), nullable=False),
        sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'],
                                name=op.f('fk_message_template_updated_by_id_user'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_message_template')),
        sa.UniqueConstraint('key', 'language', name=op.f('uq_message_template_key')),
    )

    op.create_table(
        'notification',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('dossier_id', sa.Integer(), nullable=True),
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('read_at', UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'],
                                name=op.f('fk_notification_dossier_id_dossier'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'],
                                name=op.f('fk_notification_user_id_user'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notification')),
    )
    op.create_index('ix_notification_user_unread', 'notification', ['user_id', 'read_at'],
                    unique=False)
    op.create_index('ix_notification_user_created', 'notification', ['user_id', 'created_at'],
                    unique=False)


def downgrade():
    op.drop_index('ix_notification_user_created', table_name='notification')
    op.drop_index('ix_notification_user_unread', table_name='notification')
    op.drop_table('notification')
    op.drop_table('message_template')
    op.drop_index('ix_contact_verification_user_kind', table_name='contact_verification')
    op.drop_table('contact_verification')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('language')
        batch_op.drop_column('email_verified')
        batch_op.drop_column('phone_verified')
        batch_op.drop_column('notify_zalo')
        batch_op.drop_column('notify_sms')
        batch_op.drop_column('notify_email')
