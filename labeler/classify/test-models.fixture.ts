// Synthetic learned-layer models for tests (model.test.ts, the moderation tests): self-harm driven by a
// few words, every other label far off, so a test knows exactly what the layer will say.
import type { ModelFile } from './model.ts'
import { LABEL_VALUES } from './rules.ts'

/**
 * A model file that scores only self-harm: each key in `words` ("w:straks") adds its weight to
 * self-harm; the self-harm bias is `bias` (default 8: sure of it from any word), every other label's
 * -8; every threshold 0.6; with `alone`, self-harm may be given on its own from that probability.
 */
export function selfHarmModel(words: Record<string, number>, opts: { bias?: number; alone?: number } = {}): ModelFile {
  const only = <T>(v: T, other: T) => LABEL_VALUES.map((l) => (l === 'self-harm' ? v : other))
  return {
    format: 1,
    training: {},
    labels: [...LABEL_VALUES],
    bias: only(opts.bias ?? 8, -8),
    thresholds: LABEL_VALUES.map(() => 0.6),
    ...(opts.alone === undefined ? {} : { alone: only<number | null>(opts.alone, null) }),
    weights: Object.fromEntries(Object.entries(words).map(([key, w]) => [key, only(w, 0)])),
  }
}
