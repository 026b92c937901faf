import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { envToCfg, type FeedgenEnv } from '../../feedgen/config.ts'
import { parseFeedsFile } from '../../feedgen/feeds/definitions.ts'
import { FeedgenService, type FeedgenOptions } from '../../feedgen/index.ts'
import { databaseUrlFor } from './database.ts'
import type { TestNetwork } from './network.ts'

export interface StartedFeedgen {
  service: FeedgenService
  dataDir: string
  url: string
  close: () => Promise<void>
}

/**
 * Starts a feed generator on loopback against the test network's PDS firehose and PLC, on the test
 * run's database (SQLite in dataDir, or a PostgreSQL database of its own for that dataDir).
 */
export async function startFeedgen(
  net: TestNetwork,
  feedsYaml: string,
  opts: FeedgenOptions & { dataDir?: string; env?: Partial<FeedgenEnv> } = {},
): Promise<StartedFeedgen> {
  const dataDir = opts.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'plein-feedgen-')))
  const cfg = envToCfg(
    {
      dataDir,
      databaseUrl: await databaseUrlFor(dataDir),
      firehoseUrl: net.firehoseUrl,
      plcUrl: net.plcUrl,
      port: 0,
      hostname: 'feeds.test',
      allowPrivateNetwork: true,
      ...opts.env,
    },
    { feeds: parseFeedsFile(feedsYaml), host: '127.0.0.1' },
  )
  const service = await FeedgenService.create(cfg, { firehose: { minBackoffMs: 50, maxBackoffMs: 500 }, ...opts })
  await service.start()
  // a first start without a saved cursor reads the live stream: wait until it is connected
  await waitFor(() => service.ctx.firehose.metrics.connected || opts.env?.firehoseUrl !== undefined || cfg.role === 'api', 'firehose connected')
  return {
    service,
    dataDir,
    url: service.url,
    close: async () => {
      await service.destroy()
      if (!opts.dataDir) await rm(dataDir, { recursive: true, force: true })
    },
  }
}

/** Polls until `fn` returns a truthy value (or throws after `timeoutMs`). */
export async function waitFor<T>(fn: () => Promise<T> | T, what: string, timeoutMs = 10_000): Promise<NonNullable<T>> {
  const start = Date.now()
  let last: unknown
  while (Date.now() - start < timeoutMs) {
    try {
      const v = await fn()
      if (v) return v as NonNullable<T>
    } catch (err) {
      last = err
    }
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`)
}

export interface SkeletonResponse {
  status: number
  body: { feed?: { post: string; reason?: { repost: string } }[]; cursor?: string; error?: string; message?: string }
}

export async function getSkeleton(
  baseUrl: string,
  params: Record<string, string | number>,
  headers: Record<string, string> = {},
): Promise<SkeletonResponse> {
  const url = new URL(`${baseUrl}/xrpc/app.bsky.feed.getFeedSkeleton`)
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, String(v))
  const res = await fetch(url, { headers })
  return { status: res.status, body: (await res.json()) as SkeletonResponse['body'] }
}

/** Walks a feed to its end with the given page size and returns every post URI in order. */
export async function walkFeed(baseUrl: string, feed: string, limit = 100): Promise<string[]> {
  const out: string[] = []
  let cursor: string | undefined
  for (let i = 0; i < 1000; i++) {
    const res = await getSkeleton(baseUrl, cursor ? { feed, limit, cursor } : { feed, limit })
    if (res.status !== 200) throw new Error(`getFeedSkeleton ${res.status}: ${JSON.stringify(res.body)}`)
    out.push(...(res.body.feed ?? []).map((i) => i.post))
    cursor = res.body.cursor
    if (!cursor) return out
  }
  throw new Error('feed did not end')
}

/** Waits until the feed generator has written everything the PDS has emitted so far. */
export async function caughtUp(net: TestNetwork, fg: { service: FeedgenService }, timeoutMs = 15_000): Promise<void> {
  const { pdsSeq } = await import('./network.ts')
  const target = await pdsSeq(net)
  await waitFor(async () => ((await fg.service.indexer.getCursor()) ?? 0) >= target, `feed generator to reach seq ${target}`, timeoutMs)
}
