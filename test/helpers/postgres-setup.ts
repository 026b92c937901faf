// globalSetup of the `postgres` vitest project: one private PostgreSQL server for the whole run
// (test/helpers/postgres.ts); its URL goes to the test workers through provide/inject, and every
// service instance in the tests gets a database of its own on it (test/helpers/database.ts).
import type { TestProject } from 'vitest/node'
import { startPostgres } from './postgres.ts'

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startPostgres()
  project.provide('pgServerUrl', server.url)
  return async () => {
    await server.stop()
  }
}
