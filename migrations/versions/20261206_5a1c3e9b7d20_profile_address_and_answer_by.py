"""the address on a profile, and the date a request for papers is to be answered by

user.address: the profile is editable (issue 12, item 2); it prefills the applicant's
address of a new dossier. dossier_notice.answer_by: a request for papers (form 02) tells the
applicant the date to answer by (issue 12, item 3); requests issued earlier have none.

Revision ID: 5a1c3e9b7d20
Revises: 74d7cd83a129
Create Date: 2026-12-06 18:20:00.000000

"""
from alembic import op
import sqlalchemy as sa

import portal.core.models


# revision identifiers, used by Alembic.
revision = '5a1c3e9b7d20'
down_revision = '74d7cd83a129'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('address', sa.String(length=300), server_default='',
                                      nullable=False))
    with op.batch_alter_table('dossier_notice', schema=None) as batch_op:
        batch_op.add_column(sa.Column('answer_by', portal.core.models.UTCDateTime(timezone=True),
                                      nullable=True))


def downgrade():
    with op.batch_alter_table('dossier_notice', schema=None) as batch_op:
        batch_op.drop_column('answer_by')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('address')
