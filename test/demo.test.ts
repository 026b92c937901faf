// `npm run demo` (scripts/demo.ts, scripts/demo/): in-process, the seeded neighbourhood reaches the
// feed generator's pages and the labeler; as a child process, it prints the URLs, serves them and
// stops cleanly on SIGINT.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { esc } from '../shared/http/html.ts'
import { startDemo, type Demo, type DemoPost } from '../scripts/demo/index.ts'
import { walkFeed } from './helpers/feedgen.ts'

const root = path.resolve(import.meta.dirname, '..')
let demo: Demo

const seeded = () => demo.posts.filter((p) => !p.live)
const byKey = (key: string): DemoPost => {
  const p = demo.posts.find((x) => x.key === key)
  if (!p) throw new Error(`no seeded post ${key}`)
  return p
}

beforeAll(async () => {
  // free ports (a developer's own `npm run demo` may hold 3000/3001); no quiet hours, so the page
  // has the same content at any time of day
  demo = await startDemo({ ports: { feedgen: 0, labeler: 0 }, quietHours: false })
})

afterAll(async () => {
  await demo?.close()
})

describe('startDemo', () => {
  test('the seeded community: accounts with display names, a list, two days of posts', async () => {
    expect(Object.keys(demo.accounts)).toHaveLength(8)
    const profile = await demo.accounts.library.agent.com.atproto.repo.getRecord({
      repo: demo.accounts.library.did,
      collection: 'app.bsky.actor.profile',
      rkey: 'self',
    })
    expect(profile.data.value).toMatchObject({ displayName: 'Bibliotheek Utrecht' })
    expect(demo.feeds).toEqual(['buurt', 'utrecht', 'en-library'])
    const times = await Promise.all(
      seeded().map(async (p) => {
        const [, , repo, collection, rkey] = p.uri.split('/')
        const rec = await demo.accounts[p.author].agent.com.atproto.repo.getRecord({ repo: repo!, collection: collection!, rkey: rkey! })
        return Date.parse(String((rec.data.value as { createdAt: string }).createdAt))
      }),
    )
    const spread = Math.max(...times) - Math.min(...times)
    expect(spread).toBeGreaterThan(40 * 3_600_000)
    expect(spread).toBeLessThan(48 * 3_600_000)
  })

  test('the buurt feed: pinned first, list members in Dutch, no replies, 3 per author, labelled posts left out', async () => {
    // newest first; sanne's oldest (bike-question) is over the cap of 3
    const expected = ['sunset', 'taalcafe', 'bookcase', 'bike-found', 'bike-street', 'walk', 'repair-cafe', 'laughing', 'recovery', 'skinnytok-news', 'sunday-question', 'cleanup', 'library-hours']
    expect(await walkFeed(demo.feedgenUrl, demo.feedUris.buurt!)).toEqual([demo.pinned, ...expected.map((k) => byKey(k).uri)])

    const res = await fetch(`${demo.feedgenUrl}/feeds/buurt?lang=nl`)
    expect(res.status).toBe(200)
    const page = await res.text()
    for (const key of expected) expect(page).toContain(esc(byKey(key).text))
    for (const key of ['thinspo', 'money-pitch', 'outrage']) expect(page).not.toContain(esc(byKey(key).text))
    // a reply, a fourth post by the same author, and an English post are not in this feed either
    for (const key of ['sunday-answer', 'bike-question', 'language-group']) expect(page).not.toContain(esc(byKey(key).text))
    expect(page).toContain('Welkom in de buurtfeed')
  })

  test('the explain link says the labelled post is left out because of its label', async () => {
    const res = await fetch(`${demo.feedgenUrl}/feeds/buurt/explain?uri=${encodeURIComponent(demo.labelledPostUri)}`)
    const body = (await res.json()) as { inFeed: boolean; policies: { policy: string; blocks: boolean; en: string }[] }
    expect(body.inFeed).toBe(false)
    expect(body.policies).toContainEqual(expect.objectContaining({ policy: 'labels', blocks: true, en: expect.stringContaining('"pro-ed"') }))
  })

  test('queryLabels: labels on the harmful posts, none on the look-alikes or anything else', async () => {
    const url = new URL(`${demo.labelerUrl}/xrpc/com.atproto.label.queryLabels`)
    for (const p of seeded()) url.searchParams.append('uriPatterns', p.uri)
    url.searchParams.set('limit', '250')
    const res = await fetch(url)
    expect(res.status).toBe(200)
    const { labels } = (await res.json()) as { labels: { src: string; uri: string; val: string }[] }
    const vals = (uri: string) => labels.filter((l) => l.uri === uri).map((l) => l.val)
    expect(labels.every((l) => l.src === demo.labelerDid)).toBe(true)

    const harmful = seeded().filter((p) => p.labels.length > 0)
    expect(harmful.map((p) => p.key).sort()).toEqual(['money-pitch', 'outrage', 'thinspo'])
    for (const p of harmful) expect(vals(p.uri), p.key).toEqual(expect.arrayContaining(p.labels))
    const lookalikes = seeded().filter((p) => p.lookalike)
    expect(lookalikes.map((p) => p.key).sort()).toEqual(['laughing', 'recovery', 'skinnytok-news'])
    for (const p of seeded().filter((x) => x.labels.length === 0)) expect(vals(p.uri), p.key).toEqual([])
  })

  test('the labeler page of the labelled post shows the label and why', async () => {
    const res = await fetch(`${demo.labelerUrl}/labels?uri=${encodeURIComponent(demo.labelledPostUri)}&lang=en`)
    expect(res.status).toBe(200)
    const page = await res.text()
    expect(page).toContain('Promotes eating disorders')
    expect(page).toContain('<h3>Why</h3>')
    expect(page).toContain('proed.any.spo')
    expect(page).toContain('Applied automatically')
  })

  test('close() stops the services and the network and removes the temp dirs', async () => {
    const dirs = [demo.feedgen.dataDir, demo.labeler.dataDir, ...demo.net.dirs]
    for (const d of dirs) expect(existsSync(d)).toBe(true)
    await demo.close()
    await demo.close() // twice is fine
    for (const url of [demo.feedgenUrl, demo.labelerUrl, demo.pdsUrl, demo.plcUrl]) {
      await expect(fetch(`${url}/xrpc/_health`, { signal: AbortSignal.timeout(2_000) })).rejects.toThrow()
    }
    for (const d of dirs) expect(existsSync(d)).toBe(false)
  })
})

describe('scripts/demo.ts', () => {
  test('prints the URLs, serves the feed page, posts live and exits 0 on SIGINT', async () => {
    const child = spawn(process.execPath, ['scripts/demo.ts', '--live', '--interval', '0.5'], {
      cwd: root,
      env: { ...process.env, FEEDGEN_PORT: '0', LABELER_PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    try {
      const waitForOutput = async (re: RegExp, what: string): Promise<RegExpMatchArray> => {
        const start = Date.now()
        while (Date.now() - start < 45_000) {
          const m = out.match(re)
          if (m) return m
          if (child.exitCode !== null) throw new Error(`demo exited (${child.exitCode}) before ${what}:\n${out}\n${err}`)
          await new Promise((r) => setTimeout(r, 100))
        }
        throw new Error(`timed out waiting for ${what}:\n${out}\n${err}`)
      }
      const [, feedgenUrl] = await waitForOutput(/Feed generator\s+(http:\/\/127\.0\.0\.1:\d+)\//, 'the feed generator URL')
      const [, labelerUrl] = await waitForOutput(/Labeler\s+(http:\/\/127\.0\.0\.1:\d+)\//, 'the labeler URL')
      expect(out).toContain(`${feedgenUrl}/feeds/buurt`)
      expect(out).toContain(`${feedgenUrl}/feeds/utrecht`)
      expect(out).toContain(`${feedgenUrl}/feeds/en-library`)
      expect(out).toMatch(new RegExp(`${labelerUrl}/labels\\?uri=at%3A%2F%2F`))
      expect(out).toContain(`${feedgenUrl}/feeds/buurt/explain?uri=`)

      const res = await fetch(`${feedgenUrl}/feeds/buurt`)
      expect(res.status).toBe(200)
      // the pinned post is shown at any hour (also while the feed rests)
      expect(await res.text()).toContain('Welkom in de buurtfeed')

      // --live: the pool's third post is labelled
      await waitForOutput(/↳ labelled pro-ed/, 'a labelled live post')
    } finally {
      child.kill('SIGINT')
    }
    const started = Date.now()
    const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 10_000))])
    if (code === 'timeout') child.kill('SIGKILL')
    expect(code, `${out}\n${err}`).toBe(0)
    expect(Date.now() - started).toBeLessThan(5_000)
    expect(out).toContain('stopped.')
  })
})
