// The app.bsky.feed.generator record for each feed of the feeds file, and its checks.

import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { create as createCid, CODEC_RAW, toString as cidToString } from '@atcute/cid'
import type { FeedDefinition } from '../../feedgen/feeds/definitions.ts'
import { graphemes } from './atproto.ts'

export const FEED_GENERATOR = 'app.bsky.feed.generator'
export const CONTENT_MODE_UNSPECIFIED = 'app.bsky.feed.defs#contentModeUnspecified'

/** Lexicon limits of app.bsky.feed.generator. */
export const LIMITS = {
  displayName: { graphemes: 24, bytes: 240 },
  description: { graphemes: 300, bytes: 3000 },
  avatarBytes: 1_000_000,
}

/** A blob reference in its JSON form, as getRecord returns it. */
export interface BlobJson {
  $type: 'blob'
  ref: { $link: string }
  mimeType: string
  size: number
}

export type FeedGeneratorRecord = {
  $type: typeof FEED_GENERATOR
  did: string
  displayName: string
  description?: string
  avatar?: BlobJson
  acceptsInteractions: boolean
  contentMode: string
  createdAt: string
}

export interface AvatarFile {
  /** path relative to the working directory, for messages */
  file: string
  bytes: Uint8Array
  mimeType: 'image/png' | 'image/jpeg'
  blob: BlobJson
}

export class FeedRecordError extends Error {
  override name = 'FeedRecordError'
}

export function buildFeedRecord(
  feed: Pick<FeedDefinition, 'id' | 'name' | 'description'>,
  serviceDid: string,
  createdAt: string,
  avatar?: BlobJson,
): FeedGeneratorRecord {
  const record: FeedGeneratorRecord = {
    $type: FEED_GENERATOR,
    did: serviceDid,
    displayName: feed.name,
    acceptsInteractions: true,
    contentMode: CONTENT_MODE_UNSPECIFIED,
    createdAt,
  }
  if (feed.description) record.description = feed.description
  if (avatar) record.avatar = avatar
  return record
}

/** Every problem with a feed's record, each naming the feed; empty when it can be written. */
export function checkFeedRecord(feedId: string, record: FeedGeneratorRecord): string[] {
  const problems: string[] = []
  const check = (field: 'displayName' | 'description', label: string) => {
    const text = record[field]
    if (text === undefined) return
    const lim = LIMITS[field]
    const n = graphemes(text)
    if (n > lim.graphemes) problems.push(`feed "${feedId}": ${label} is ${n} characters long; at most ${lim.graphemes} fit in the app`)
    else if (Buffer.byteLength(text) > lim.bytes) problems.push(`feed "${feedId}": ${label} is longer than ${lim.bytes} bytes`)
  }
  check('displayName', 'name')
  check('description', 'description')
  if (record.displayName.trim() === '') problems.push(`feed "${feedId}": name is empty`)
  return problems
}

/** PNG or JPEG from the file's first bytes (the extension is not trusted). */
function sniffImage(bytes: Uint8Array): 'image/png' | 'image/jpeg' | undefined {
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'image/png'
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg'
  return undefined
}

export const AVATAR_EXTENSIONS = ['png', 'jpg', 'jpeg'] as const

/**
 * The avatar of a feed by convention: `avatars/<id>.png` (or `.jpg`, `.jpeg`) in the folder of the
 * feeds file. No file: no avatar (a removed file removes the avatar on the next publish).
 */
export async function findAvatar(feedsFile: string, feedId: string): Promise<AvatarFile | undefined> {
  const dir = path.join(path.dirname(feedsFile), 'avatars')
  const found = AVATAR_EXTENSIONS.map((ext) => path.join(dir, `${feedId}.${ext}`)).filter((f) => existsSync(f))
  if (found.length === 0) return undefined
  const rel = (f: string) => path.relative(process.cwd(), f) || f
  if (found.length > 1) throw new FeedRecordError(`feed "${feedId}": more than one avatar (${found.map(rel).join(', ')}); keep one`)
  const file = found[0] as string
  const bytes = new Uint8Array(readFileSync(file))
  const mimeType = sniffImage(bytes)
  if (!mimeType) throw new FeedRecordError(`feed "${feedId}": avatar ${rel(file)} is not a PNG or JPEG image`)
  if (bytes.length > LIMITS.avatarBytes) {
    throw new FeedRecordError(`feed "${feedId}": avatar ${rel(file)} is ${bytes.length} bytes; at most ${LIMITS.avatarBytes} (1 MB)`)
  }
  const cid = cidToString(await createCid(CODEC_RAW, bytes))
  return { file: rel(file), bytes, mimeType, blob: { $type: 'blob', ref: { $link: cid }, mimeType, size: bytes.length } }
}
