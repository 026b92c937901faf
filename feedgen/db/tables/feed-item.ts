/** One row per (feed, item): a post, or a repost of a post by an included author. */
export interface FeedItemTable {
  feed: string
  /** the post URI, or the repost record URI for reposts */
  uri: string
  /** the post to show */
  post_uri: string
  /** the post's author */
  author: string
  /** the reposting author, for reposts */
  reposter: string | null
  sort_at: number
  /** when the item was indexed (epoch ms): release moments show items indexed before them */
  indexed_at: number
  /** why the item is in the feed: list | author | hashtag | keyword | repost */
  reason: string
}
