import type { Migration } from 'kysely/migration'
import * as m001 from './001-init.ts'
import * as m002 from './002-moderation.ts'

export const migrations: Record<string, Migration> = {
  '001': m001,
  '002': m002,
}
