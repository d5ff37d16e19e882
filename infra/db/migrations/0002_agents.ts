/**
 * 0002: the agent directory. `agents` holds the scalar settings; AORs, skills, teams and personal
 * customers are child tables so routing can query them (who has skill X at level ≥ n, who manages
 * caller number N, which agent owns AOR A) with indexes and uniqueness enforced by the database.
 * Digest credentials keep only HA1 per algorithm (RFC 7616 §3.4.2), never the password.
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

const cascade = 'agents.id';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('agents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('presence_uri', 'text')
    .addColumn('voice_capacity', 'smallint', (c) => c.notNull().check(sql`voice_capacity between 0 and 1`))
    .addColumn('chat_capacity', 'smallint', (c) => c.notNull().check(sql`chat_capacity >= 0`))
    .addColumn('wrap_up_seconds', 'integer', (c) => c.notNull().check(sql`wrap_up_seconds >= 0`))
    .addColumn('max_no_answers', 'integer', (c) => c.notNull().check(sql`max_no_answers >= 0`))
    .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('config', 'api')`))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('agent_aors')
    .addColumn('aor', 'text', (c) => c.primaryKey())
    .addColumn('agent_id', 'text', (c) => c.notNull().references(cascade).onDelete('cascade'))
    .addColumn('position', 'smallint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('agent_aors_agent').on('agent_aors').column('agent_id').execute();

  await db.schema
    .createTable('agent_credentials')
    .addColumn('agent_id', 'text', (c) => c.primaryKey().references(cascade).onDelete('cascade'))
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('realm', 'text', (c) => c.notNull())
    .addColumn('ha1_md5', 'text', (c) => c.notNull())
    .addColumn('ha1_sha256', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('agent_skills')
    .addColumn('agent_id', 'text', (c) => c.notNull().references(cascade).onDelete('cascade'))
    .addColumn('skill', 'text', (c) => c.notNull())
    .addColumn('level', 'smallint', (c) => c.notNull().check(sql`level between 0 and 100`))
    .addPrimaryKeyConstraint('agent_skills_pk', ['agent_id', 'skill'])
    .execute();
  await db.schema
    .createIndex('agent_skills_skill_level')
    .on('agent_skills')
    .columns(['skill', 'level'])
    .execute();

  await db.schema
    .createTable('agent_teams')
    .addColumn('agent_id', 'text', (c) => c.notNull().references(cascade).onDelete('cascade'))
    .addColumn('team', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('agent_teams_pk', ['agent_id', 'team'])
    .execute();
  await db.schema.createIndex('agent_teams_team').on('agent_teams').column('team').execute();

  await db.schema
    .createTable('agent_customers')
    .addColumn('number', 'text', (c) => c.primaryKey())
    .addColumn('agent_id', 'text', (c) => c.notNull().references(cascade).onDelete('cascade'))
    .execute();
  await db.schema.createIndex('agent_customers_agent').on('agent_customers').column('agent_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'agent_customers',
    'agent_teams',
    'agent_skills',
    'agent_credentials',
    'agent_aors',
    'agents',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
