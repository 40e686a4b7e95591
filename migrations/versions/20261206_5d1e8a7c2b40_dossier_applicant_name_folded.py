"""dossier applicant name folded, and the applicant's id number and phone indexed

Issue 12: the staff search the agency's dossiers from one box, by code, applicant name with or
without accents, CCCD/tax number or phone. ``dossier.applicant_name_folded`` holds the name
folded by portal.core.text.fold (set by the model whenever the name is), so the same LIKE
works on SQLite and PostgreSQL; the id number and phone are matched exactly, from an index.

Revision ID: 5d1e8a7c2b40
Revises: 5a1c3e9b7d20
Create Date: 2026-12-06 18:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5d1e8a7c2b40'
down_revision = '5a1c3e9b7d20'
branch_labels = None
depends_on = None

BATCH = 5000


def upgrade():
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.add_column(sa.Column('applicant_name_folded', sa.String(length=200), server_default='', nullable=False))
        batch_op.create_index('ix_dossier_applicant_id_number', ['applicant_id_number'], unique=False)
        batch_op.create_index('ix_dossier_applicant_phone', ['applicant_phone'], unique=False)

    # Existing dossiers: fold their names with the function the model uses, a batch at a time.
    from portal.core.text import fold

    connection = op.get_bind()
    dossiers = sa.table('dossier', sa.column('id', sa.Integer),
                        sa.column('applicant_name', sa.String),
                        sa.column('applicant_name_folded', sa.String))
    update = (dossiers.update().where(dossiers.c.id == sa.bindparam('dossier_id'))
              .values(applicant_name_folded=sa.bindparam('folded')))
    last = 0
    while True:
        rows = connection.execute(
            sa.select(dossiers.c.id, dossiers.c.applicant_name).where(dossiers.c.id > last)
            .order_by(dossiers.c.id).limit(BATCH)).all()
        if not rows:
            break
        values = [{'dossier_id': i, 'folded': fold(name)} for i, name in rows if name]
        if values:
            connection.execute(update, values)
        last = rows[-1][0]


def downgrade():
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.drop_index('ix_dossier_applicant_phone')
        batch_op.drop_index('ix_dossier_applicant_id_number')
        batch_op.drop_column('applicant_name_folded')
