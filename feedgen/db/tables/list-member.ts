/** Members of the Bluesky lists that feeds include, one row per app.bsky.graph.listitem record. */
export interface ListMemberTable {
  item_uri: string
  list_uri: string
  subject: string
}
