import type { TestAccount } from './network.ts'

/** Creates a real app.bsky.graph.list (curation list) in the account's repo and returns its URI. */
export async function createList(owner: TestAccount, name: string): Promise<string> {
  const res = await owner.agent.com.atproto.repo.createRecord({
    repo: owner.did,
    collection: 'app.bsky.graph.list',
    record: { $type: 'app.bsky.graph.list', purpose: 'app.bsky.graph.defs#curatelist', name, createdAt: new Date().toISOString() },
  })
  return res.data.uri
}

/** Adds `subject` to the list with a real app.bsky.graph.listitem record in `owner`'s repo. */
export async function addToList(owner: TestAccount, list: string, subject: string): Promise<string> {
  const res = await owner.agent.com.atproto.repo.createRecord({
    repo: owner.did,
    collection: 'app.bsky.graph.listitem',
    record: { $type: 'app.bsky.graph.listitem', subject, list, createdAt: new Date().toISOString() },
  })
  return res.data.uri
}

export async function deleteRecord(owner: TestAccount, uri: string): Promise<void> {
  const [, , repo, collection, rkey] = uri.split('/')
  await owner.agent.com.atproto.repo.deleteRecord({ repo: repo as string, collection: collection as string, rkey: rkey as string })
}

export async function post(
  author: TestAccount,
  text: string,
  opts: { langs?: string[]; createdAt?: string; tags?: string[]; reply?: { root: { uri: string; cid: string }; parent: { uri: string; cid: string } } } = {},
): Promise<{ uri: string; cid: string }> {
  const record: Record<string, unknown> = {
    $type: 'app.bsky.feed.post',
    text,
    createdAt: opts.createdAt ?? new Date().toISOString(),
  }
  if (opts.langs) record.langs = opts.langs
  if (opts.reply) record.reply = opts.reply
  if (opts.tags) {
    // tag facets the way the Bluesky app writes them (byte offsets of "#tag" in the text)
    const bytes = Buffer.from(text, 'utf8')
    record.facets = opts.tags.map((tag) => {
      const needle = Buffer.from(`#${tag}`, 'utf8')
      const start = bytes.indexOf(needle)
      return {
        index: { byteStart: start, byteEnd: start + needle.length },
        features: [{ $type: 'app.bsky.richtext.facet#tag', tag }],
      }
    })
  }
  const res = await author.agent.com.atproto.repo.createRecord({ repo: author.did, collection: 'app.bsky.feed.post', record })
  return { uri: res.data.uri, cid: res.data.cid }
}

export async function repost(author: TestAccount, subject: { uri: string; cid: string }): Promise<string> {
  const res = await author.agent.com.atproto.repo.createRecord({
    repo: author.did,
    collection: 'app.bsky.feed.repost',
    record: { $type: 'app.bsky.feed.repost', subject, createdAt: new Date().toISOString() },
  })
  return res.data.uri
}
