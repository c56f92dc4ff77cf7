"""concern categories per community: each office keeps its own list

Revision ID: d41c7a9e2b10
Revises: e5b8c1d2f309
Create Date: 2026-11-30 15:20:00

The shared rows become each community's own copy (same code, names, position and active flag);
every concern is pointed at its own community's copy; then the shared rows go.
"""
from alembic import op
import sqlalchemy as sa


revision = 'd41c7a9e2b10'
down_revision = 'e5b8c1d2f309'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('concern_categories', schema=None) as batch_op:
        batch_op.add_column(sa.Column('community_id', sa.Integer(), nullable=True))

    bind = op.get_bind()
    categories = sa.table(
        'concern_categories',
        sa.column('id', sa.Integer), sa.column('community_id', sa.Integer),
        sa.column('code', sa.String), sa.column('name_zh', sa.String),
        sa.column('name_en', sa.String), sa.column('position', sa.Integer),
        sa.column('active', sa.Boolean),
    )
    concerns = sa.table(
        'concerns', sa.column('category_id', sa.Integer), sa.column('community_id', sa.Integer)
    )
    shared = bind.execute(
        sa.select(categories.c.id, categories.c.code, categories.c.name_zh,
                  categories.c.name_en, categories.c.position, categories.c.active)
        .where(categories.c.community_id.is_(None))
    ).all()
    communities = bind.execute(sa.text('SELECT id FROM communities ORDER BY id')).scalars().all()
    for community_id in communities:
        for row in shared:
            new_id = bind.execute(
                sa.insert(categories)
                .values(community_id=community_id, code=f'{row.code}~{community_id}', name_zh=row.name_zh,
                        name_en=row.name_en, position=row.position, active=row.active)
                .returning(categories.c.id)
            ).scalar_one()
            bind.execute(
                sa.update(concerns)
                .where(concerns.c.category_id == row.id, concerns.c.community_id == community_id)
                .values(category_id=new_id)
            )
    bind.execute(sa.delete(categories).where(categories.c.community_id.is_(None)))
    # The copies took a marked code while the shared code was still unique; now unmark them.
    with op.batch_alter_table('concern_categories', schema=None) as batch_op:
        batch_op.drop_constraint('uq_concern_categories_code', type_='unique')
    for row in bind.execute(sa.select(categories.c.id, categories.c.code)).all():
        bind.execute(
            sa.update(categories).where(categories.c.id == row.id)
            .values(code=row.code.rsplit('~', 1)[0])
        )

    with op.batch_alter_table('concern_categories', schema=None) as batch_op:
        batch_op.alter_column('community_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_concern_categories_community_id_communities'),
            'communities', ['community_id'], ['id'],
        )
        batch_op.create_index(
            batch_op.f('ix_concern_categories_community_id'), ['community_id'], unique=False
        )
        batch_op.create_unique_constraint(
            'uq_concern_categories_community_code', ['community_id', 'code']
        )


def downgrade():
    # Back to one shared list: the first community's copy stays for everyone (by code).
    bind = op.get_bind()
    categories = sa.table(
        'concern_categories', sa.column('id', sa.Integer), sa.column('community_id', sa.Integer),
        sa.column('code', sa.String),
    )
    concerns = sa.table('concerns', sa.column('category_id', sa.Integer))
    rows = bind.execute(
        sa.select(categories.c.id, categories.c.code).order_by(categories.c.community_id,
                                                               categories.c.id)
    ).all()
    keep: dict[str, int] = {}
    for row in rows:
        if row.code not in keep:
            keep[row.code] = row.id
            continue
        bind.execute(
            sa.update(concerns).where(concerns.c.category_id == row.id)
            .values(category_id=keep[row.code])
        )
        bind.execute(sa.delete(categories).where(categories.c.id == row.id))

    with op.batch_alter_table('concern_categories', schema=None) as batch_op:
        batch_op.drop_constraint('uq_concern_categories_community_code', type_='unique')
        batch_op.drop_index(batch_op.f('ix_concern_categories_community_id'))
        batch_op.drop_constraint(
            batch_op.f('fk_concern_categories_community_id_communities'), type_='foreignkey'
        )
        batch_op.drop_column('community_id')
        batch_op.create_unique_constraint('uq_concern_categories_code', ['code'])
