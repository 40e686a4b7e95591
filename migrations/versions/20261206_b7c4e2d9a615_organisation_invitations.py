"""organisation invitations

Issue 18: a business's manager invites a member by e-mail; the link (a random token, only its
SHA-256 stored) lets the person create an account or sign in, and join. Single-use, expiring,
revocable, resent with a new token.

Revision ID: b7c4e2d9a615
Revises: f101bf8a8ce4
Create Date: 2026-12-06 21:40:00.000000

"""
from alembic import op
import sqlalchemy as sa

import portal.core.models


# revision identifiers, used by Alembic.
revision = 'b7c4e2d9a615'
down_revision = 'f101bf8a8ce4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('organisation_invitation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('sent_at', portal.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', portal.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('accepted_at', portal.core.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('accepted_by_id', sa.Integer(), nullable=True),
    sa.Column('revoked_at', portal.core.models.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_organisation_invitation_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['invited_by_id'], ['user.id'], name=op.f('fk_organisation_invitation_invited_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['accepted_by_id'], ['user.id'], name=op.f('fk_organisation_invitation_accepted_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation_invitation')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_organisation_invitation_token_hash'))
    )
    with op.batch_alter_table('organisation_invitation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_invitation_organisation_id'), ['organisation_id'], unique=False)


def downgrade():
    with op.batch_alter_table('organisation_invitation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_invitation_organisation_id'))

    op.drop_table('organisation_invitation')
