/** Posts that match at least one feed; kept so a feed can be re-evaluated when its membership changes. */
export interface PostTable {
  uri: string
  cid: string
  author: string
  /** epoch ms from the record (0 when missing or invalid) */
  created_at: number
  indexed_at: number
  /** min(created_at, indexed_at): a backdated post cannot jump the queue, a future-dated one cannot stay on top */
  sort_at: number
  text: string
  /** JSON array of language codes from the record */
  langs: string
  /** JSON array of lowercase hashtags (facets, record tags and inline #tags) */
  tags: string
  is_reply: number
}
