// Publishes the feeds of the feeds file: one app.bsky.feed.generator record per feed in the
// publisher's repo (record key = feed id), so the feeds can be found and followed in the app.
//
//   npm run publish-feeds                      create or update every feed's record
//   npm run publish-feeds -- --dry-run         print the records (JSON); write nothing, no login
//   npm run publish-feeds -- --remove ID       delete a feed's record (repeatable)
//
// Settings: FEEDS_FILE, FEEDGEN_HOSTNAME or FEEDGEN_SERVICE_DID (the DID the records point at), PLC_URL,
// PUBLISH_IDENTIFIER + PUBLISH_APP_PASSWORD (else asked on the terminal), PUBLISH_PDS_URL (else the
// publisher's PDS from its DID document). Avatars: avatars/<id>.png|jpg next to the feeds file.
// Output: one line per feed (created / updated / unchanged / removed, and the record URI).

import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { isValidRecordKey } from '@atproto/syntax'
import { parse as parseYaml } from 'yaml'
import { envToCfg, readEnv, type FeedgenConfig } from '../feedgen/config.ts'
import { FeedsFileError } from '../feedgen/feeds/definitions.ts'
import { checkUrl } from '../shared/config/index.ts'
import { agentPds, login, Network, sameRecord, type StoredRecord } from './lib/atproto.ts'
import { CliError, EXIT, runMain, settingOrPrompt } from './lib/cli.ts'
import { buildFeedRecord, checkFeedRecord, FEED_GENERATOR, findAvatar, type AvatarFile, type FeedGeneratorRecord } from './lib/feed-records.ts'

const SCRIPT = 'publish-feeds'

const USAGE = `Usage: npm run publish-feeds [-- --dry-run] [-- --remove ID ...]

Writes one app.bsky.feed.generator record per feed of FEEDS_FILE into the publisher's repo.
  --dry-run     print the records that would be written (JSON); write nothing, no login
  --remove ID   delete the record of feed ID (may be repeated); nothing else is written
  --help        this text

Settings: FEEDS_FILE (./feeds.yaml), FEEDGEN_HOSTNAME or FEEDGEN_SERVICE_DID, PLC_URL,
PUBLISH_IDENTIFIER, PUBLISH_APP_PASSWORD, PUBLISH_PDS_URL.
Avatars: avatars/<feed id>.png or .jpg in the folder of the feeds file (at most 1 MB).
`

interface Planned {
  id: string
  uri: string
  record: Omit<FeedGeneratorRecord, 'createdAt'>
  avatar?: AvatarFile
}

/** Adds the feed's id to a feeds-file error like `feeds[2].name: …`, so the operator sees which feed. */
function nameTheFeed(err: unknown, feedsFile: string): unknown {
  if (!(err instanceof FeedsFileError)) return err
  const m = /feeds\[(\d+)\]/.exec(err.message)
  if (!m) return err
  try {
    const doc = parseYaml(readFileSync(feedsFile, 'utf8'), { schema: 'failsafe' }) as { feeds?: { id?: unknown }[] }
    const id = doc.feeds?.[Number(m[1])]?.id
    if (typeof id === 'string') return new FeedsFileError(`${err.message} (feed "${id}")`)
  } catch {
    // the original message is still right
  }
  return err
}

function loadConfig(env: NodeJS.ProcessEnv): FeedgenConfig {
  const fgEnv = readEnv(env)
  if (!fgEnv.hostname && !fgEnv.serviceDid) {
    throw new CliError(
      'set FEEDGEN_HOSTNAME (the feed generator\'s public host name) or FEEDGEN_SERVICE_DID: the records point the app at that service',
      EXIT.config,
    )
  }
  try {
    // @NOTE the database setting does not matter for publishing
    return envToCfg({ ...fgEnv, databaseUrl: undefined })
  } catch (err) {
    throw nameTheFeed(err, fgEnv.feedsFile ?? './feeds.yaml')
  }
}

async function plan(cfg: FeedgenConfig): Promise<Planned[]> {
  const problems: string[] = []
  const planned: Planned[] = []
  for (const feed of cfg.feeds.feeds) {
    let avatar: AvatarFile | undefined
    try {
      avatar = await findAvatar(cfg.feedsFile, feed.id)
    } catch (err) {
      problems.push((err as Error).message)
    }
    const { createdAt: _, ...record } = buildFeedRecord(feed, cfg.service.did, '', avatar?.blob)
    problems.push(...checkFeedRecord(feed.id, { ...record, createdAt: '' }))
    planned.push({ id: feed.id, uri: feed.uri, record, avatar })
  }
  if (problems.length > 0) throw new CliError(`nothing was written:\n  ${problems.join('\n  ')}`, EXIT.config)
  return planned
}

const recordUri = (publisher: string, id: string) => `at://${publisher}/${FEED_GENERATOR}/${id}`

async function main(): Promise<number | void> {
  const { values } = parseArgs({
    options: {
      'dry-run': { type: 'boolean', default: false },
      remove: { type: 'string', multiple: true, default: [] },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  })
  if (values.help) {
    process.stdout.write(USAGE)
    return
  }
  const env = process.env
  const dryRun = values['dry-run']
  const removals = values.remove
  for (const id of removals) {
    if (!isValidRecordKey(id)) throw new CliError(`--remove ${id}: not a feed id (record key)`, EXIT.usage)
  }

  const cfg = loadConfig(env)
  const publisher = cfg.feeds.publisher
  const planned = removals.length > 0 ? [] : await plan(cfg)
  const network = new Network({ plcUrl: cfg.identity.plcUrl })
  const pdsSetting = env.PUBLISH_PDS_URL?.trim()
  if (pdsSetting) checkUrl('PUBLISH_PDS_URL', pdsSetting, ['http:', 'https:'])
  const findPds = async () => pdsSetting?.replace(/\/+$/, '') ?? (await network.pdsOf(publisher))

  if (dryRun) {
    // no login: the current records are public; without a reachable PDS the plan is still printed
    let pds: string | undefined
    let note: string | undefined
    try {
      pds = await findPds()
    } catch (err) {
      note = `current records not read: ${(err as Error).message}`
    }
    const current = async (id: string): Promise<StoredRecord | null | undefined> => {
      if (!pds) return undefined
      try {
        return await network.getRecord(pds, publisher, FEED_GENERATOR, id)
      } catch (err) {
        note = `current records not read: ${(err as Error).message}`
        return undefined
      }
    }
    const now = new Date().toISOString()
    const out: Record<string, unknown> = { dryRun: true, publisher, pds: pds ?? null }
    if (removals.length > 0) {
      out.remove = await Promise.all(
        removals.map(async (id) => {
          const existing = await current(id)
          return { uri: recordUri(publisher, id), action: existing === undefined ? 'remove?' : existing ? 'remove' : 'absent' }
        }),
      )
    } else {
      out.records = await Promise.all(
        planned.map(async (p) => {
          const existing = await current(p.id)
          const createdAt = typeof existing?.value.createdAt === 'string' ? existing.value.createdAt : now
          const record = { ...p.record, createdAt }
          const action = existing === undefined ? 'create or update' : existing === null ? 'create' : sameRecord(existing.value, record) ? 'unchanged' : 'update'
          return { uri: p.uri, action, ...(p.avatar ? { avatarFile: p.avatar.file } : {}), record }
        }),
      )
    }
    if (note) out.note = note
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`)
    return
  }

  const pds = await findPds()
  const identifier = await settingOrPrompt(env, 'PUBLISH_IDENTIFIER', `Handle or DID of the publisher account (${publisher}): `, {
    help: `the handle or DID of ${publisher}`,
  })
  const password = await settingOrPrompt(env, 'PUBLISH_APP_PASSWORD', `App password for ${identifier}: `, {
    hidden: true,
    help: 'an app password of the publisher account (Bluesky: Settings → Privacy and security → App passwords)',
  })
  const agent = await login(pds, identifier, password)
  const session = agent.session
  if (!session || session.did !== publisher) {
    throw new CliError(
      `logged in as ${session?.did ?? '?'} (${session?.handle ?? identifier}), but the feeds file's publisher is ${publisher}: ` +
        `log in as the publisher account, or change "publisher" in ${cfg.feedsFile}`,
      EXIT.config,
    )
  }
  const repoPds = agentPds(agent)

  if (removals.length > 0) {
    for (const id of removals) {
      const uri = recordUri(publisher, id)
      const existing = await network.getRecord(repoPds, publisher, FEED_GENERATOR, id)
      if (!existing) {
        process.stdout.write(`absent     ${uri}\n`)
        continue
      }
      await agent.com.atproto.repo.deleteRecord({ repo: publisher, collection: FEED_GENERATOR, rkey: id, swapRecord: existing.cid })
      process.stdout.write(`removed    ${uri}\n`)
    }
    return
  }

  for (const p of planned) {
    const existing = await network.getRecord(repoPds, publisher, FEED_GENERATOR, p.id)
    const createdAt = typeof existing?.value.createdAt === 'string' ? existing.value.createdAt : new Date().toISOString()
    const record: FeedGeneratorRecord = { ...p.record, createdAt }
    if (existing && sameRecord(existing.value, record)) {
      process.stdout.write(`unchanged  ${p.uri}\n`)
      continue
    }
    if (p.avatar) {
      const existingAvatar = existing?.value.avatar as { ref?: { $link?: string } } | undefined
      // @NOTE blobs are content-addressed: the same image is only uploaded when the record lacks it
      if (existingAvatar?.ref?.$link !== p.avatar.blob.ref.$link) {
        const res = await agent.com.atproto.repo.uploadBlob(p.avatar.bytes, { encoding: p.avatar.mimeType })
        const cid = res.data.blob.ref.toString()
        if (cid !== p.avatar.blob.ref.$link) throw new CliError(`feed "${p.id}": the PDS stored the avatar under ${cid}, expected ${p.avatar.blob.ref.$link}`)
      }
    }
    await agent.com.atproto.repo.putRecord({
      repo: publisher,
      collection: FEED_GENERATOR,
      rkey: p.id,
      record,
      ...(existing ? { swapRecord: existing.cid } : {}),
    })
    process.stdout.write(`${existing ? 'updated  ' : 'created  '}  ${p.uri}${p.avatar ? `  (avatar ${p.avatar.file})` : ''}\n`)
  }

  const ids = new Set(planned.map((p) => p.id))
  const stale = (await network.listRkeys(repoPds, publisher, FEED_GENERATOR)).filter((rkey) => !ids.has(rkey))
  for (const rkey of stale) {
    process.stderr.write(`note: ${recordUri(publisher, rkey)} is not in the feeds file; \`npm run publish-feeds -- --remove ${rkey}\` deletes it\n`)
  }
}

runMain(SCRIPT, main)
