import { AtUri } from '@atproto/syntax'
import type { LabelerTx } from '../db/schema.ts'
import { openReports } from './reports.ts'

// The learned layer's review suggestions (Classification.review: the model is fairly sure and a cue of
// the label agrees, but the rest of the post alone does not reach the label's threshold) are not
// labels: they go to the moderators' review queue as a report, so a person decides. A label the layer
// gave on its own (no rule or cue of the label in the post, or the rest of the post not enough for the
// gate; reasons start with "model-alone:") is given and also goes to the queue
// as such a report, so a person confirms it or negates it. Such a report is
// made by the labeler itself (`reportedBy` is its DID, `modTool` is CLASSIFIER_TOOL) and its reason
// names each suggested label with the model's probability and the reasons (rule ids, model words).

/** `modTool.name` of the reports the classifier files (the admin API shows it with the report). */
export const CLASSIFIER_TOOL = 'plein-classifier'
export const CLASSIFIER_REASON_TYPE = 'com.atproto.moderation.defs#reasonOther'

/** A post the classifier wants a person to look at. */
export interface ReviewSuggestion {
  uri: string
  cid: string
  labels: { val: string; score: number; reasons: string[] }[]
}

const MAX_REASON = 1_900

/** The report's reason. Suggestions only: "classifier suggests review (not labelled): self-harm 0.83
 *  (model:self-harm, …); …". When the learned layer gave a label on its own (reasons start with
 *  "model-alone:"): "classifier labelled on its learned layer alone, please confirm: self-harm 0.97
 *  (model-alone:self-harm, …)", and a suggestion in the same post follows as "; not labelled: …". */
export function reviewReason(labels: ReviewSuggestion['labels']): string {
  const part = (l: ReviewSuggestion['labels'][number]) => `${l.val} ${l.score.toFixed(2)} (${l.reasons.join(', ')})`
  const given = labels.filter((l) => l.reasons[0]?.startsWith('model-alone:') === true)
  const suggested = labels.filter((l) => !given.includes(l))
  const text =
    given.length === 0
      ? `classifier suggests review (not labelled): ${suggested.map(part).join('; ')}`
      : `classifier labelled on its learned layer alone, please confirm: ${given.map(part).join('; ')}${suggested.length > 0 ? `; not labelled: ${suggested.map(part).join('; ')}` : ''}`
  return text.length <= MAX_REASON ? text : `${text.slice(0, MAX_REASON - 1)}…`
}

/**
 * Files the suggestions as open reports, inside the caller's transaction (the one that writes the
 * batch's labels and firehose cursor, so a restart neither loses nor repeats them). A post that already
 * has an open report from the classifier gets no second one. Returns how many reports were filed.
 * @param reporter the labeler's DID
 */
export async function fileReviewSuggestions(trx: LabelerTx, reporter: string, suggestions: readonly ReviewSuggestion[], now: number): Promise<number> {
  let filed = 0
  for (const s of suggestions) {
    if (s.labels.length === 0) continue
    const open = await openReports(trx)
      .where('subject_key', '=', s.uri)
      .where('reported_by', '=', reporter)
      .where('mod_tool', '=', CLASSIFIER_TOOL)
      .executeTakeFirst()
    if (open) continue
    await trx
      .insertInto('report')
      .values({
        reason_type: CLASSIFIER_REASON_TYPE,
        reason: reviewReason(s.labels),
        subject_type: 'record',
        subject_did: new AtUri(s.uri).host,
        subject_uri: s.uri,
        subject_cid: s.cid,
        subject_key: s.uri,
        appeal: 0,
        reported_by: reporter,
        mod_tool: CLASSIFIER_TOOL,
        created_at: new Date(now).toISOString(),
        created_ms: now,
        status: 'open',
      })
      .execute()
    filed++
  }
  return filed
}
