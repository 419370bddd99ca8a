/**
 * Spelling corrections for catalog search (ADR 005, "Typos"): which words of a
 * query may be corrected, every string one edit away from such a word, and the
 * query with corrections put in. Pure functions; the catalog's lexicon decides
 * which of the candidates are real words.
 */

/** Shorter words are not corrected: one edit away from a 4-letter word there are too many real words ("wool": "wood", "cool", "pool", ...). */
export const MIN_CORRECTABLE_LENGTH = 5;
/** Longer "words" are rarely typos of one word (pasted codes, run-together words); their candidates would also grow with length. */
export const MAX_CORRECTABLE_LENGTH = 24;
/** At most this many words of one query are corrected (the first ones): bounds the candidates sent to the database (about 1,300 per word). */
export const MAX_CORRECTED_WORDS = 4;

const ALPHABET = "abcdefghijklmnopqrstuvwxyz";
const CORRECTABLE = /^[a-z]+$/;

/** A token as the search compares it: accents removed, lower case ("Café" → "cafe"). */
export function foldWord(token: string): string {
  return token.normalize("NFD").replace(/\p{M}+/gu, "").toLowerCase();
}

/** Tokens of a query: runs of letters and digits (what PostgreSQL's parser makes words of, near enough). */
const TOKEN = /[\p{L}\p{N}\p{M}]+/gu;

/**
 * The words of a query that may be corrected, folded, each once, in order:
 * plain letters a–z only (after removing accents), 5 to 24 of them. Words with
 * digits (model numbers) or other scripts are left alone: PostgreSQL's English
 * configuration does not stem words with digits, so they have no lexeme the
 * lexicon could be asked about in the same way.
 */
export function correctableWords(text: string): string[] {
  const words: string[] = [];
  for (const token of text.match(TOKEN) ?? []) {
    const word = foldWord(token);
    if (word.length < MIN_CORRECTABLE_LENGTH || word.length > MAX_CORRECTABLE_LENGTH || !CORRECTABLE.test(word)) continue;
    if (!words.includes(word)) words.push(word);
    if (words.length === MAX_CORRECTED_WORDS) break;
  }
  return words;
}

/**
 * Every string at Damerau–Levenshtein distance 1 (optimal string alignment)
 * from `word` over a–z: one letter deleted, inserted, replaced, or two adjacent
 * letters swapped. Each once, without `word` itself. Words that are not
 * correctable (see correctableWords) have none.
 */
export function editsOne(word: string): string[] {
  if (word.length < MIN_CORRECTABLE_LENGTH || word.length > MAX_CORRECTABLE_LENGTH || !CORRECTABLE.test(word)) return [];
  const out = new Set<string>();
  for (let i = 0; i <= word.length; i++) {
    const head = word.slice(0, i);
    const tail = word.slice(i);
    if (tail.length > 0) out.add(head + tail.slice(1)); // deletion
    if (tail.length > 1 && tail[0] !== tail[1]) out.add(head + tail[1] + tail[0] + tail.slice(2)); // transposition
    for (const c of ALPHABET) {
      out.add(head + c + tail); // insertion
      if (tail.length > 0 && c !== tail[0]) out.add(head + c + tail.slice(1)); // substitution
    }
  }
  out.delete(word);
  return [...out];
}

/**
 * The query with each corrected word replaced by its suggestion, everything
 * else as typed. The case of the typed word is kept for a capitalised or
 * upper-case word ("Walnot" → "Walnut").
 */
export function applyCorrections(text: string, suggestions: ReadonlyMap<string, string>): string {
  return text.replace(TOKEN, (token) => {
    const suggestion = suggestions.get(foldWord(token));
    if (suggestion === undefined) return token;
    if (token.length > 1 && token === token.toUpperCase()) return suggestion.toUpperCase();
    if (token[0] !== token[0]!.toLowerCase()) return suggestion[0]!.toUpperCase() + suggestion.slice(1);
    return suggestion;
  });
}
