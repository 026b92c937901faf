// Simple English suffix folding for the co-occurrence cues: enough to make "starve", "starved",
// "starving" and "starves" one key, without a real stemmer. Rules: -ies → -i, then one of -ing, -ed,
// -es, -s, -ly is removed, a final -e is dropped, and a doubled final consonant is collapsed
// ("cutting" → cut). Words of fewer than four letters, and results shorter than three, stay as they are.

const DOUBLE_END = /([b-df-hj-np-tv-z])\1$/
const KEEP_DOUBLE = new Set(['ll', 'ss', 'zz', 'ff'])

export function foldEn(word: string): string {
  if (word.length < 4 || !/^[a-z]+$/.test(word)) return word
  let w = word
  if (w.endsWith('ies')) w = `${w.slice(0, -3)}i`
  else if (w.endsWith('ing')) w = w.slice(0, -3)
  else if (w.endsWith('ed')) w = w.slice(0, -2)
  else if (w.endsWith('es')) w = w.slice(0, -2)
  else if (w.endsWith('ly')) w = w.slice(0, -2)
  else if (w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us') && !w.endsWith('is')) w = w.slice(0, -1)
  if (w.endsWith('e') && w.length > 3) w = w.slice(0, -1)
  if (w.endsWith('y') && w.length > 3) w = `${w.slice(0, -1)}i`
  const d = DOUBLE_END.exec(w)
  if (d !== null && !KEEP_DOUBLE.has(d[0])) w = w.slice(0, -1)
  return w.length >= 3 ? w : word
}
