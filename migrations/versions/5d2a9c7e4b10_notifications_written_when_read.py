"""notifications: kind, parameters and target instead of a written text and a URL

Revision ID: 5d2a9c7e4b10
Revises: 07cce4397e98
Create Date: 2026-11-30 08:00:00.000000

A notification is written when it is read, in the reader's language, and its link is built where
it is shown or mailed. Notifications of earlier versions keep their text as the parameter of the
kind "notification.text"; a link to an idea keeps leading there, any other to the list.
"""
import json
import re

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5d2a9c7e4b10'
down_revision = '07cce4397e98'
branch_labels = None
depends_on = None

_IDEA_URL = re.compile(r"^/ideas/(\d+)(?:#(.+))?$")


def upgrade():
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('params', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('target_endpoint', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('target_args', sa.JSON(), nullable=True))

    connection = op.get_bind()
    notification = sa.table(
        'notification',
        sa.column('id', sa.Integer),
        sa.column('kind', sa.String),
        sa.column('message', sa.String),
        sa.column('url', sa.String),
        sa.column('params', sa.JSON),
        sa.column('target_endpoint', sa.String),
        sa.column('target_args', sa.JSON),
    )
    for id_, message, url in connection.execute(
        sa.select(notification.c.id, notification.c.message, notification.c.url)
    ).all():
        found = _IDEA_URL.match(url or "")
        if found:
            endpoint, args = 'ideas.detail', {'idea_id': int(found.group(1))}
            if found.group(2):
                args['_anchor'] = found.group(2)
        else:
            endpoint, args = 'notifications.index', {}
        connection.execute(
            notification.update()
            .where(notification.c.id == id_)
            .values(
                kind='notification.text',
                params={'text': message},
                target_endpoint=endpoint,
                target_args=args,
            )
        )

    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.alter_column('params', existing_type=sa.JSON(), nullable=False)
        batch_op.alter_column('target_endpoint', existing_type=sa.String(length=100), nullable=False)
        batch_op.alter_column('target_args', existing_type=sa.JSON(), nullable=False)
        batch_op.drop_constraint(op.f('ck_notification_message_not_empty'), type_='check')
        batch_op.drop_constraint(op.f('ck_notification_url_is_local'), type_='check')
        batch_op.create_check_constraint('kind_and_target', "kind <> '' AND target_endpoint <> ''")
        batch_op.drop_column('message')
        batch_op.drop_column('url')


def downgrade():
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('message', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('url', sa.String(length=500), nullable=True))

    connection = op.get_bind()
    notification = sa.table(
        'notification',
        sa.column('id', sa.Integer),
        sa.column('kind', sa.String),
        sa.column('params', sa.JSON),
        sa.column('target_endpoint', sa.String),
        sa.column('target_args', sa.JSON),
        sa.column('message', sa.String),
        sa.column('url', sa.String),
    )
    rows = connection.execute(
        sa.select(
            notification.c.id,
            notification.c.kind,
            notification.c.params,
            notification.c.target_endpoint,
            notification.c.target_args,
        )
    ).all()
    for id_, kind, params, endpoint, args in rows:
        params = params if isinstance(params, dict) else json.loads(params or '{}')
        args = args if isinstance(args, dict) else json.loads(args or '{}')
        url = '/notifications/'
        if endpoint == 'ideas.detail' and 'idea_id' in args:
            url = f"/ideas/{args['idea_id']}" + (f"#{args['_anchor']}" if '_anchor' in args else '')
        connection.execute(
            notification.update()
            .where(notification.c.id == id_)
            .values(message=str(params.get('text') or params.get('title') or kind), url=url)
        )

    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_notification_kind_and_target'), type_='check')
        batch_op.alter_column('message', existing_type=sa.String(length=500), nullable=False)
        batch_op.alter_column('url', existing_type=sa.String(length=500), nullable=False)
        batch_op.create_check_constraint('message_not_empty', "message <> ''")
        batch_op.create_check_constraint('url_is_local', "url LIKE '/%'")
        batch_op.drop_column('target_args')
        batch_op.drop_column('target_endpoint')
        batch_op.drop_column('params')
