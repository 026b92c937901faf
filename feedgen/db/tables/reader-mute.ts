/** A reader's "show less" for an author in one feed (app.bsky.feed.sendInteractions requestLess). */
export interface ReaderMuteTable {
  feed: string
  /** the reader's DID (the service-auth JWT's iss) */
  reader: string
  author: string
  created_at: number
}
