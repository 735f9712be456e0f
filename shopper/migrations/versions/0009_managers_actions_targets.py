"""store managers, follow-up actions, targets, report emails

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 21:38:53

"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "manager_stores",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["store_id"],
            ["stores.id"],
            name=op.f("fk_manager_stores_store_id_stores"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_manager_stores_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "store_id", name=op.f("pk_manager_stores")),
    )
    with op.batch_alter_table("manager_stores", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_manager_stores_store_id"), ["store_id"], unique=False)

    op.create_table(
        "actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=True),
        sa.Column("checklist_id", sa.Integer(), nullable=True),
        sa.Column("question_code", sa.String(length=64), nullable=True),
        sa.Column("standard", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("reminded_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["checklist_id"], ["checklists.id"], name=op.f("fk_actions_checklist_id_checklists")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_actions_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_actions_store_id_stores")
        ),
        sa.ForeignKeyConstraint(
            ["visit_id"], ["visits.id"], name=op.f("fk_actions_visit_id_visits")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actions")),
    )
    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_actions_due_on"), ["due_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_actions_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_actions_store_id"), ["store_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_actions_visit_id"), ["visit_id"], unique=False)
        batch_op.create_index(
            "uq_actions_unfinished_question",
            ["store_id", "checklist_id", "question_code"],
            unique=True,
            sqlite_where=sa.text("status IN ('done', 'open') AND question_code IS NOT NULL"),
            postgresql_where=sa.text("status IN ('done', 'open') AND question_code IS NOT NULL"),
        )

    op.create_table(
        "action_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("step", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["actions.id"],
            name=op.f("fk_action_events_action_id_actions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_action_events_actor_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_events")),
    )
    with op.batch_alter_table("action_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_action_events_action_id"), ["action_id"], unique=False)

    # Plain ADD COLUMN with a constant default, on SQLite too: a batch copy would
    # drop and recreate tables that other tables' foreign keys point at.
    op.add_column(
        "checklists",
        sa.Column(
            "targets",
            sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
            nullable=False,
            server_default=sa.text("'{}'"),
        ),
    )
    op.add_column(
        "users",
        sa.Column("report_emails", sa.Boolean(), nullable=False, server_default=sa.true()),
    )


def downgrade():
    # Plain ALTER TABLE … DROP COLUMN (SQLite 3.35+): a batch copy would drop and
    # recreate users and checklists, which the foreign keys pointing at them forbid.
    op.execute("ALTER TABLE users DROP COLUMN report_emails")
    op.execute("ALTER TABLE checklists DROP COLUMN targets")

    with op.batch_alter_table("action_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_events_action_id"))

    op.drop_table("action_events")
    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_actions_unfinished_question",
            sqlite_where=sa.text("status IN ('done', 'open') AND question_code IS NOT NULL"),
            postgresql_where=sa.text("status IN ('done', 'open') AND question_code IS NOT NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_actions_visit_id"))
        batch_op.drop_index(batch_op.f("ix_actions_store_id"))
        batch_op.drop_index(batch_op.f("ix_actions_status"))
        batch_op.drop_index(batch_op.f("ix_actions_due_on"))

    op.drop_table("actions")
    with op.batch_alter_table("manager_stores", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_manager_stores_store_id"))

    op.drop_table("manager_stores")
