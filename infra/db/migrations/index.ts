/**
 * The static list of migrations (no directory scanning, so bundles and `dist/` work alike).
 * Add a migration: create `NNNN_what.ts` beside this file and add one line below.
 */
import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001_node_events_and_settings.js';
import * as m0002 from './0002_agents.js';
import * as m0003 from './0003_registrar_bindings.js';
import * as m0004 from './0004_agent_state_transitions.js';
import * as m0005 from './0005_call_records.js';
import * as m0006 from './0006_gateways.js';
import * as m0007 from './0007_queue_subscriptions.js';

export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001_node_events_and_settings': m0001,
  '0002_agents': m0002,
  '0003_registrar_bindings': m0003,
  '0004_agent_state_transitions': m0004,
  '0005_call_records': m0005,
  '0006_gateways': m0006,
  '0007_queue_subscriptions': m0007,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve({ ...MIGRATIONS }),
};
