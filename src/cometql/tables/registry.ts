// Every CometQL table by its exact (case-sensitive) name, and the SHOW TABLES list.
import type { TableDef } from './table.js';
import { pipesMessagesTable } from './pipes-messages.js';
import { pipesTable } from './pipes.js';
import { usersInPipesTable } from './users-in-pipes.js';
import { pipesSettingsTable } from './pipes-settings.js';
import { usersMessagesTable } from './users-messages.js';
import { usersAuthTable } from './users-auth.js';
import { usersTimeTable } from './users-time.js';
import { usersDataTable } from './users-data.js';
import { revokedTokensTable } from './revoked-tokens.js';
import { conferenceTable, conferenceMembersTable, dialogsTable } from './conference.js';
import { profilerTable } from './profiler.js';

export const TABLES: ReadonlyMap<string, TableDef> = new Map(
  [
    pipesMessagesTable, pipesTable, usersInPipesTable, pipesSettingsTable, usersMessagesTable, usersAuthTable,
    usersTimeTable, usersDataTable, revokedTokensTable, conferenceTable, conferenceMembersTable, dialogsTable, profilerTable,
  ].map((t) => [t.name, t]),
);

/** Exactly the seven upstream rows, in upstream order (§3.4); the others exist but are unlisted. */
export const LISTED_TABLES: readonly string[] = [
  'users_auth', 'users_time', 'users_messages', 'pipes_messages', 'users_in_pipes', 'pipes', 'pipes_settings',
];
