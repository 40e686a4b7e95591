"""structured addresses

Issue 15: addresses from the official list of administrative units (two levels since
1 July 2025): the profile's address and the dossier's postal return address keep a province
code, a ward code and the street beside the text stored before, which stays readable.

Revision ID: 5d1e8a4c2b70
Revises: 6ba79efcd2dd
Create Date: 2026-12-07 01:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5d1e8a4c2b70'
down_revision = '6ba79efcd2dd'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('address_province_code', sa.String(length=2), server_default='', nullable=False))
        batch_op.add_column(sa.Column('address_ward_code', sa.String(length=5), server_default='', nullable=False))
        batch_op.add_column(sa.Column('address_street', sa.String(length=300), server_default='', nullable=False))
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.add_column(sa.Column('postal_province_code', sa.String(length=2), server_default='', nullable=False))
        batch_op.add_column(sa.Column('postal_ward_code', sa.String(length=5), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.drop_column('postal_ward_code')
        batch_op.drop_column('postal_province_code')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('address_street')
        batch_op.drop_column('address_ward_code')
        batch_op.drop_column('address_province_code')
