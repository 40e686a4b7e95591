"""user password temporary

Issue 18: a staff account an administrator creates gets a password the administrator chose;
its owner must replace it at the first login. Existing accounts keep theirs (false).

Revision ID: 8e2f4a6b1c93
Revises: 5d1e8a7c2b40
Create Date: 2026-12-06 20:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8e2f4a6b1c93'
down_revision = '5d1e8a7c2b40'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('password_temporary', sa.Boolean(),
                                      server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('password_temporary')
