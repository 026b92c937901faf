import type { Kysely, Transaction } from 'kysely'
import type { AccountStatusTable } from './tables/account-status.ts'
import type { BackfillTable } from './tables/backfill.ts'
import type { CursorTable } from './tables/cursor.ts'
import type { FeedItemTable } from './tables/feed-item.ts'
import type { FeedLabelTable } from './tables/feed-label.ts'
import type { ListMemberTable } from './tables/list-member.ts'
import type { PostTable } from './tables/post.ts'
import type { ReaderMuteTable } from './tables/reader-mute.ts'

export interface FeedgenSchema {
  post: PostTable
  feed_item: FeedItemTable
  list_member: ListMemberTable
  account_status: AccountStatusTable
  backfill: BackfillTable
  cursor: CursorTable
  reader_mute: ReaderMuteTable
  feed_label: FeedLabelTable
}

export type FeedgenDb = Kysely<FeedgenSchema>
export type FeedgenTx = Transaction<FeedgenSchema>
