// The public pages in a real browser: Debian's Chromium driven by playwright-core, against the demo
// network (real PLC, PDS, feed generator and labeler on loopback). Checks the content that matters,
// switches languages, runs axe-core for accessibility, checks 200% zoom, and saves screenshots to
// test-artifacts/.
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startDemo } from '../scripts/demo/index.ts'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const ARTIFACTS = path.resolve(import.meta.dirname, '..', 'test-artifacts')
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

let demo: Awaited<ReturnType<typeof startDemo>>
let browser: Browser

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: install the Debian package "chromium" (.ci/run does)`)
  mkdirSync(ARTIFACTS, { recursive: true })
  // quiet hours off so the feed pages show posts at any time of day; free ports so a running demo is no conflict
  demo = await startDemo({ live: false, quietHours: false, ports: { feedgen: 0, labeler: 0 } })
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await demo?.close()
})

async function open(url: string, opts: { locale?: string; width?: number } = {}): Promise<Page> {
  const context = await browser.newContext({ locale: opts.locale ?? 'nl-NL', viewport: { width: opts.width ?? 1100, height: 900 } })
  // no request may leave loopback: no trackers, no external assets
  await context.route('**/*', (route) => {
    const u = new URL(route.request().url())
    return u.hostname === '127.0.0.1' || u.hostname === 'localhost' ? route.continue() : route.abort()
  })
  const page = await context.newPage()
  const external: string[] = []
  page.on('request', (r) => {
    const u = new URL(r.url())
    if (u.hostname !== '127.0.0.1' && u.hostname !== 'localhost') external.push(r.url())
  })
  const res = await page.goto(url)
  expect(res?.status()).toBe(200)
  expect(external).toEqual([])
  return page
}

async function axe(page: Page): Promise<{ id: string; impact: string; help: string; nodes: number }[]> {
  await page.addScriptTag({ content: axeSource })
  // runs in the page (a string, so this file needs no DOM types)
  return (await page.evaluate(`(async () => {
    const result = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa', 'best-practice'] } })
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length }))
  })()`)) as { id: string; impact: string; help: string; nodes: number }[]
}

async function accessible(page: Page, name: string): Promise<void> {
  const violations = await axe(page)
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  expect(serious, `${name}: ${JSON.stringify(serious)}`).toEqual([])
  // readable at 200% zoom: at half the width nothing scrolls sideways
  await page.setViewportSize({ width: 550, height: 900 })
  const overflow = (await page.evaluate('document.documentElement.scrollWidth - window.innerWidth')) as number
  expect(overflow, `${name} scrolls sideways at 200% zoom`).toBeLessThanOrEqual(0)
  await page.setViewportSize({ width: 1100, height: 900 })
}

describe('feed generator pages', () => {
  test('the feed list explains each feed in plain Dutch, and the language switch works', async () => {
    const page = await open(`${demo.feedgenUrl}/`)
    expect(await page.getAttribute('html', 'lang')).toBe('nl')
    expect(await page.locator('h1').innerText()).toBe('Feeds')
    const main = await page.locator('main').innerText()
    expect(main).toContain('Wie en wat erin komt')
    expect(main).toContain('Ritme en grenzen')
    await page.screenshot({ path: path.join(ARTIFACTS, 'feedgen-index-nl.png'), fullPage: true })
    await accessible(page, 'feedgen /')
    await page.getByRole('link', { name: 'English' }).click()
    expect(await page.getAttribute('html', 'lang')).toBe('en')
    expect(await page.locator('main').innerText()).toContain('Who and what is included')
    await page.context().close()
  })

  test('a feed page lists its posts newest first, with why each is there, and the end message', async () => {
    const page = await open(`${demo.feedgenUrl}/feeds/${demo.feeds[0]}`)
    const times = await page.locator('article time').evaluateAll((els) => els.map((e) => Date.parse(e.getAttribute('datetime') ?? '')))
    const main = await page.locator('main').innerText()
    expect(times.length).toBeGreaterThan(2)
    const posts = times.slice(1) // the pinned post comes first
    for (let i = 1; i < posts.length; i++) expect(posts[i]).toBeLessThanOrEqual(posts[i - 1] as number)
    expect(main).toContain('Waarom hier')
    expect(main).toContain('vastgezet door de beheerder')
    expect(main).toContain('Je bent bij')
    // the labelled posts are not in the feed
    expect(await page.locator(`a[href*="${encodeURIComponent(demo.labelledPostUri)}"]`).count()).toBe(0)
    await page.screenshot({ path: path.join(ARTIFACTS, 'feedgen-feed-nl.png'), fullPage: true })
    await accessible(page, 'feedgen /feeds')
    await page.context().close()
  })
})

describe('labeler pages', () => {
  test('the label overview explains every label and points to help for self-harm', async () => {
    const page = await open(`${demo.labelerUrl}/`, { locale: 'en-GB' })
    expect(await page.getAttribute('html', 'lang')).toBe('en')
    const main = await page.locator('main').innerText()
    for (const val of ['pro-ed', 'diet-culture', 'body-comparison', 'lifestyle-flex', 'outrage-bait', 'self-harm']) expect(main).toContain(val)
    expect(main).toContain('113')
    expect(main).toContain('1813')
    expect(main).toContain('Subscribe')
    await page.screenshot({ path: path.join(ARTIFACTS, 'labeler-index-en.png'), fullPage: true })
    await accessible(page, 'labeler /')
    await page.context().close()
  })

  test("a labelled post's page shows the label and the rules that fired", async () => {
    const page = await open(`${demo.labelerUrl}/labels?uri=${encodeURIComponent(demo.labelledPostUri)}`)
    const main = await page.locator('main').innerText()
    expect(main).toMatch(/Automatisch toegekend|Toegekend of bevestigd/)
    expect(main).toContain('Waarom')
    expect(await page.locator('main section li').count()).toBeGreaterThan(0)
    await page.screenshot({ path: path.join(ARTIFACTS, 'labeler-labels-nl.png'), fullPage: true })
    await accessible(page, 'labeler /labels')
    await page.context().close()
  })
})
