// `npm run publish-feeds` (scripts/publish-feeds.ts) as a child process against a real PDS and PLC on
// loopback: records are read back with com.atproto.repo.getRecord.
import { runScript, type ScriptRun } from './helpers/children.ts'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { deflateSync, crc32 } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { checkFeedRecord, buildFeedRecord } from '../scripts/lib/feed-records.ts'
import { TestNetwork, type TestAccount } from './helpers/network.ts'

const ROOT = path.resolve(import.meta.dirname, '..')
const SERVICE_DID = 'did:web:feeds.example.org'
const COLLECTION = 'app.bsky.feed.generator'

let net: TestNetwork
let org: TestAccount
let other: TestAccount
let appPassword: string
let otherAppPassword: string
let dir: string
let feedsFile: string

/** Runs `node scripts/publish-feeds.ts` with only the given settings (stdin is not a terminal). */
async function publish(args: string[], env: Record<string, string> = {}, file = feedsFile): Promise<ScriptRun> {
  const run = await runScript('scripts/publish-feeds.ts', args, { FEEDS_FILE: file, PLC_URL: net.plcUrl, FEEDGEN_SERVICE_DID: SERVICE_DID, ...env })
  // the password is never printed, whatever happens
  for (const secret of [appPassword, otherAppPassword, org.password]) {
    expect(run.stdout).not.toContain(secret)
    expect(run.stderr).not.toContain(secret)
  }
  return run
}

const asOrg = () => ({ PUBLISH_PDS_URL: net.pdsUrl, PUBLISH_IDENTIFIER: org.handle, PUBLISH_APP_PASSWORD: appPassword })

async function getRecord(rkey: string, repo = org.did): Promise<{ cid: string; value: Record<string, unknown> } | null> {
  const url = new URL(`${net.pdsUrl}/xrpc/com.atproto.repo.getRecord`)
  url.search = new URLSearchParams({ repo, collection: COLLECTION, rkey }).toString()
  const res = await fetch(url)
  if (res.status === 400 || res.status === 404) return null
  expect(res.status).toBe(200)
  return (await res.json()) as { cid: string; value: Record<string, unknown> }
}

const uri = (id: string) => `at://${org.did}/${COLLECTION}/${id}`

/** A valid 2×2 PNG. */
function png(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
    const len = Buffer.alloc(4)
    len.writeUInt32BE(data.length)
    const crc = Buffer.alloc(4)
    crc.writeUInt32BE(crc32(body))
    return Buffer.concat([len, body, crc])
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(2, 0)
  ihdr.writeUInt32BE(2, 4)
  ihdr[8] = 8 // bit depth
  ihdr[9] = 2 // RGB
  const rows = Buffer.from([0, 255, 0, 0, 0, 128, 255, 0, 0, 255, 255, 255, 0, 0, 0])
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))])
}

const feedsYaml = (publisher: string, feeds: { id: string; name: string; description?: string }[]) =>
  `publisher: ${publisher}\nfeeds:\n` +
  feeds
    .map((f) => `  - id: ${f.id}\n    name: "${f.name}"\n` + (f.description ? `    description: "${f.description}"\n` : '') + '    include: { hashtags: [utrecht] }\n')
    .join('')

beforeAll(async () => {
  net = await TestNetwork.create()
  org = await net.createAccount('bibliotheek')
  other = await net.createAccount('iemandanders')
  appPassword = (await org.agent.com.atproto.server.createAppPassword({ name: 'publish-feeds' })).data.password
  otherAppPassword = (await other.agent.com.atproto.server.createAppPassword({ name: 'publish-feeds' })).data.password
  dir = await mkdtemp(path.join(os.tmpdir(), 'plein-publish-'))
  feedsFile = path.join(dir, 'feeds.yaml')
  await writeFile(
    feedsFile,
    feedsYaml(org.did, [
      { id: 'utrecht-lokaal', name: 'Utrecht Lokaal', description: 'Berichten uit Utrecht, op volgorde van tijd.' },
      { id: 'buurt', name: 'De Buurt 🏘️' },
    ]),
  )
  await mkdir(path.join(dir, 'avatars'))
  await writeFile(path.join(dir, 'avatars', 'utrecht-lokaal.png'), png())
})

afterAll(async () => {
  await net?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('publish-feeds', () => {
  test('--dry-run prints the records as JSON and writes nothing, without a login (PDS found through the DID document)', async () => {
    const res = await publish(['--dry-run'])
    expect(res.stderr).toBe('')
    expect(res.code).toBe(0)
    const out = JSON.parse(res.stdout) as { dryRun: boolean; pds: string; records: { uri: string; action: string; avatarFile?: string; record: Record<string, unknown> }[] }
    expect(out.dryRun).toBe(true)
    expect(out.pds).toBe(net.pdsUrl)
    expect(out.records.map((r) => [r.uri, r.action])).toEqual([
      [uri('utrecht-lokaal'), 'create'],
      [uri('buurt'), 'create'],
    ])
    expect(out.records[0]?.record).toMatchObject({
      $type: COLLECTION,
      did: SERVICE_DID,
      displayName: 'Utrecht Lokaal',
      description: 'Berichten uit Utrecht, op volgorde van tijd.',
      acceptsInteractions: true,
      contentMode: 'app.bsky.feed.defs#contentModeUnspecified',
      avatar: { $type: 'blob', mimeType: 'image/png', size: png().length },
    })
    expect(out.records[0]?.avatarFile).toContain('utrecht-lokaal.png')
    expect(out.records[1]?.record.avatar).toBeUndefined()
    expect(await getRecord('utrecht-lokaal')).toBeNull()
    expect(await getRecord('buurt')).toBeNull()
  })

  test('publishes one record per feed, with the service DID, the avatar blob and a createdAt', async () => {
    const before = Date.now()
    const res = await publish([], asOrg())
    expect(res.stderr).toBe('')
    expect(res.code).toBe(0)
    expect(res.stdout.trim().split('\n')).toEqual([`created    ${uri('utrecht-lokaal')}  (avatar ${path.relative(ROOT, path.join(dir, 'avatars', 'utrecht-lokaal.png'))})`, `created    ${uri('buurt')}`])

    const utrecht = await getRecord('utrecht-lokaal')
    expect(utrecht?.value).toMatchObject({
      $type: COLLECTION,
      did: SERVICE_DID,
      displayName: 'Utrecht Lokaal',
      description: 'Berichten uit Utrecht, op volgorde van tijd.',
      acceptsInteractions: true,
      contentMode: 'app.bsky.feed.defs#contentModeUnspecified',
    })
    expect(Date.parse(utrecht?.value.createdAt as string)).toBeGreaterThanOrEqual(before - 1000)
    const avatar = utrecht?.value.avatar as { $type: string; ref: { $link: string }; mimeType: string; size: number }
    expect(avatar).toMatchObject({ $type: 'blob', mimeType: 'image/png', size: png().length })
    // the blob is stored on the PDS
    const blob = await fetch(`${net.pdsUrl}/xrpc/com.atproto.sync.getBlob?did=${org.did}&cid=${avatar.ref.$link}`)
    expect(blob.status).toBe(200)
    expect(Buffer.from(await blob.arrayBuffer()).equals(png())).toBe(true)

    const buurt = await getRecord('buurt')
    expect(buurt?.value).toMatchObject({ did: SERVICE_DID, displayName: 'De Buurt 🏘️' })
    expect(buurt?.value.avatar).toBeUndefined()
    expect(buurt?.value.description).toBeUndefined()
  })

  test('running again changes nothing; a changed feed is updated and keeps its createdAt', async () => {
    const first = await getRecord('utrecht-lokaal')
    const again = await publish([], asOrg())
    expect(again.code).toBe(0)
    expect(again.stdout.trim().split('\n')).toEqual([`unchanged  ${uri('utrecht-lokaal')}`, `unchanged  ${uri('buurt')}`])
    expect((await getRecord('utrecht-lokaal'))?.cid).toBe(first?.cid)

    await writeFile(
      feedsFile,
      feedsYaml(org.did, [
        { id: 'utrecht-lokaal', name: 'Utrecht Lokaal', description: 'Nieuw: ook berichten over de Domstad.' },
        { id: 'buurt', name: 'De Buurt 🏘️' },
      ]),
    )
    const changed = await publish([], asOrg())
    expect(changed.code).toBe(0)
    expect(changed.stdout).toContain(`updated    ${uri('utrecht-lokaal')}`)
    expect(changed.stdout).toContain(`unchanged  ${uri('buurt')}`)
    const updated = await getRecord('utrecht-lokaal')
    expect(updated?.cid).not.toBe(first?.cid)
    expect(updated?.value.description).toBe('Nieuw: ook berichten over de Domstad.')
    expect(updated?.value.createdAt).toBe(first?.value.createdAt)
    // same image: same blob
    expect(updated?.value.avatar).toEqual(first?.value.avatar)
  })

  test('a removed avatar file removes the avatar; a dry run of a published feed shows "unchanged" and its createdAt', async () => {
    await rm(path.join(dir, 'avatars', 'utrecht-lokaal.png'))
    const dry = JSON.parse((await publish(['--dry-run'], { PUBLISH_PDS_URL: net.pdsUrl })).stdout) as { records: { action: string; record: Record<string, unknown> }[] }
    expect(dry.records.map((r) => r.action)).toEqual(['update', 'unchanged'])
    expect(dry.records[0]?.record.avatar).toBeUndefined()
    expect(dry.records[1]?.record.createdAt).toBe((await getRecord('buurt'))?.value.createdAt)

    expect((await publish([], asOrg())).stdout).toContain(`updated    ${uri('utrecht-lokaal')}`)
    expect((await getRecord('utrecht-lokaal'))?.value.avatar).toBeUndefined()
  })

  test('--remove deletes a feed\'s record; a record no longer in the feeds file is pointed out', async () => {
    const dry = await publish(['--dry-run', '--remove', 'buurt'], { PUBLISH_PDS_URL: net.pdsUrl })
    expect(JSON.parse(dry.stdout)).toMatchObject({ remove: [{ uri: uri('buurt'), action: 'remove' }] })
    expect(await getRecord('buurt')).not.toBeNull()

    const removed = await publish(['--remove', 'buurt'], asOrg())
    expect(removed.code).toBe(0)
    expect(removed.stdout.trim()).toBe(`removed    ${uri('buurt')}`)
    expect(await getRecord('buurt')).toBeNull()
    expect(await getRecord('utrecht-lokaal')).not.toBeNull()
    expect((await publish(['--remove', 'buurt'], asOrg())).stdout.trim()).toBe(`absent     ${uri('buurt')}`)

    // a feeds file without "utrecht-lokaal": its record stays, with a note on how to remove it
    const file = path.join(dir, 'alleen-buurt.yaml')
    await writeFile(file, feedsYaml(org.did, [{ id: 'buurt', name: 'De Buurt 🏘️' }]))
    const res = await publish([], asOrg(), file)
    expect(res.code).toBe(0)
    expect(res.stdout.trim()).toBe(`created    ${uri('buurt')}`)
    expect(res.stderr).toContain(`${uri('utrecht-lokaal')} is not in the feeds file`)
    expect(res.stderr).toContain('--remove utrecht-lokaal')
  })

  test('a name longer than 24 characters stops the run with the feed named, and nothing is written', async () => {
    const file = path.join(dir, 'te-lang.yaml')
    await writeFile(
      file,
      feedsYaml(org.did, [
        { id: 'goed', name: 'Goed' },
        { id: 'te-lang', name: 'Een veel te lange naam voor een feed' },
      ]),
    )
    const res = await publish([], asOrg(), file)
    expect(res.code).toBe(78)
    expect(res.stderr).toContain('feeds[1].name')
    expect(res.stderr).toContain('feed "te-lang"')
    expect(res.stdout).toBe('')
    expect(await getRecord('goed')).toBeNull()
    expect(await getRecord('te-lang')).toBeNull()
  })

  test('logging in as another account than the publisher is a clear error, and nothing is written', async () => {
    const file = path.join(dir, 'ander.yaml')
    await writeFile(file, feedsYaml(org.did, [{ id: 'ander', name: 'Ander' }]))
    const res = await publish([], { PUBLISH_PDS_URL: net.pdsUrl, PUBLISH_IDENTIFIER: other.handle, PUBLISH_APP_PASSWORD: otherAppPassword }, file)
    expect(res.code).toBe(78)
    expect(res.stderr).toContain(`logged in as ${other.did}`)
    expect(res.stderr).toContain(`publisher is ${org.did}`)
    expect(await getRecord('ander')).toBeNull()
  })

  test('missing credentials without a terminal, a wrong password and a missing service setting are clear errors', async () => {
    const noPassword = await publish([], { PUBLISH_PDS_URL: net.pdsUrl, PUBLISH_IDENTIFIER: org.handle })
    expect(noPassword.code).toBe(78)
    expect(noPassword.stderr).toContain('PUBLISH_APP_PASSWORD is not set, and there is no terminal to ask for it')

    const wrong = await publish([], { ...asOrg(), PUBLISH_APP_PASSWORD: 'aaaa-bbbb-cccc-dddd' })
    expect(wrong.code).toBe(1)
    expect(wrong.stderr).toContain(`could not log in as ${org.handle}`)

    const noService = await publish(['--dry-run'], { FEEDGEN_SERVICE_DID: '' })
    expect(noService.code).toBe(78)
    expect(noService.stderr).toContain('FEEDGEN_HOSTNAME')

    const badFlag = await publish(['--verwijder', 'x'])
    expect(badFlag.code).toBe(64)
  })
})

describe('record checks', () => {
  test('lengths are counted in graphemes, and every problem names the feed', () => {
    const family = '👨‍👩‍👧‍👦' // one grapheme of 25 bytes
    const accented = 'e\u0301' // é as two code points: one grapheme
    expect(checkFeedRecord('emoji', buildFeedRecord({ id: 'emoji', name: accented.repeat(24), description: '' }, SERVICE_DID, 'now'))).toEqual([])
    expect(checkFeedRecord('emoji', buildFeedRecord({ id: 'emoji', name: accented.repeat(25), description: '' }, SERVICE_DID, 'now'))).toEqual([
      'feed "emoji": name is 25 characters long; at most 24 fit in the app',
    ])
    // the lexicon also limits bytes: 10 family emoji are 10 graphemes but 250 bytes
    expect(checkFeedRecord('emoji', buildFeedRecord({ id: 'emoji', name: family.repeat(10), description: '' }, SERVICE_DID, 'now'))).toEqual([
      'feed "emoji": name is longer than 240 bytes',
    ])
    expect(checkFeedRecord('lang', buildFeedRecord({ id: 'lang', name: 'Lang', description: 'x'.repeat(301) }, SERVICE_DID, 'now'))).toEqual([
      'feed "lang": description is 301 characters long; at most 300 fit in the app',
    ])
  })
})
