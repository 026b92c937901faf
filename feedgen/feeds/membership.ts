import { AtUri } from '@atproto/syntax'
import type { FeedgenDb } from '../db/schema.ts'
import type { MembershipView } from './matcher.ts'

export interface RemovedItem {
  list: string
  subject: string
  /** still on the list through another list item */
  stillMember: boolean
}

/**
 * Members of the configured Bluesky lists, in memory for matching and in `list_member` for restarts.
 * Only list items in the list owner's own repo count: anyone can write a listitem record that points
 * at someone else's list, and those must not add members.
 */
export class Membership implements MembershipView {
  readonly #owners = new Map<string, string>()
  #items = new Map<string, { list: string; subject: string }>()
  #members = new Map<string, Map<string, number>>()

  constructor(lists: Iterable<string>) {
    for (const list of lists) this.#owners.set(list, new AtUri(list).host)
  }

  get lists(): string[] {
    return [...this.#owners.keys()]
  }

  ownerOf(list: string): string | undefined {
    return this.#owners.get(list)
  }

  /** A list item counts when its list is configured and the item lives in the list owner's repo. */
  accepts(list: string, itemRepo: string): boolean {
    return this.#owners.get(list) === itemRepo
  }

  async load(db: FeedgenDb): Promise<void> {
    const rows = await db.selectFrom('list_member').selectAll().execute()
    this.#items = new Map()
    this.#members = new Map()
    for (const r of rows) {
      if (this.#owners.has(r.list_uri)) this.add(r.item_uri, r.list_uri, r.subject)
    }
  }

  isMember(list: string, did: string): boolean {
    return (this.#members.get(list)?.get(did) ?? 0) > 0
  }

  hasItem(itemUri: string): boolean {
    return this.#items.has(itemUri)
  }

  members(list: string): string[] {
    return [...(this.#members.get(list)?.keys() ?? [])]
  }

  itemsOf(list: string): Map<string, string> {
    const out = new Map<string, string>()
    for (const [uri, item] of this.#items) if (item.list === list) out.set(uri, item.subject)
    return out
  }

  /** Returns true when the subject was not on the list before. */
  add(itemUri: string, list: string, subject: string): boolean {
    if (this.#items.has(itemUri)) return false
    this.#items.set(itemUri, { list, subject })
    let m = this.#members.get(list)
    if (!m) this.#members.set(list, (m = new Map()))
    const before = m.get(subject) ?? 0
    m.set(subject, before + 1)
    return before === 0
  }

  remove(itemUri: string): RemovedItem | undefined {
    const item = this.#items.get(itemUri)
    if (!item) return undefined
    this.#items.delete(itemUri)
    const m = this.#members.get(item.list)
    const left = (m?.get(item.subject) ?? 1) - 1
    if (left <= 0) m?.delete(item.subject)
    else m?.set(item.subject, left)
    return { list: item.list, subject: item.subject, stillMember: left > 0 }
  }
}
