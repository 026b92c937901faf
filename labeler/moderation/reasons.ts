// The report reason types this labeler accepts in com.atproto.moderation.createReport: the ones that
// fit a wellbeing labeler, from com.atproto.moderation.defs and their newer tools.ozone.report.defs
// counterparts (both are known values of com.atproto.moderation.defs#reasonType in @atproto/api 0.21).
// setup-labeler can publish the same list as `reasonTypes` in app.bsky.labeler.service, so the app
// only offers these.

export const REASON_APPEAL = 'com.atproto.moderation.defs#reasonAppeal'
export const OZONE_REASON_APPEAL = 'tools.ozone.report.defs#reasonAppeal'

export const REPORT_REASON_TYPES: readonly string[] = [
  'com.atproto.moderation.defs#reasonViolation',
  'com.atproto.moderation.defs#reasonMisleading',
  'com.atproto.moderation.defs#reasonRude',
  'com.atproto.moderation.defs#reasonOther',
  REASON_APPEAL,
  OZONE_REASON_APPEAL,
  'tools.ozone.report.defs#reasonOther',
  'tools.ozone.report.defs#reasonSelfHarmContent',
  'tools.ozone.report.defs#reasonSelfHarmED',
  'tools.ozone.report.defs#reasonSelfHarmStunts',
  'tools.ozone.report.defs#reasonSelfHarmSubstances',
  'tools.ozone.report.defs#reasonSelfHarmOther',
  'tools.ozone.report.defs#reasonHarassmentHateSpeech',
  'tools.ozone.report.defs#reasonHarassmentOther',
  'tools.ozone.report.defs#reasonMisleadingOther',
  'tools.ozone.report.defs#reasonRuleOther',
]

const ACCEPTED = new Set(REPORT_REASON_TYPES)

export function isAcceptedReasonType(v: string): boolean {
  return ACCEPTED.has(v)
}

export function isAppeal(reasonType: string): boolean {
  return reasonType === REASON_APPEAL || reasonType === OZONE_REASON_APPEAL
}

export const REPO_REF = 'com.atproto.admin.defs#repoRef'
export const STRONG_REF = 'com.atproto.repo.strongRef'

/** The subject types in app.bsky.labeler.service#subjectTypes terms. */
export const REPORT_SUBJECT_TYPES: readonly string[] = ['account', 'record']
