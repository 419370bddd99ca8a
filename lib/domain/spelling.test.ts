import { describe, expect, it } from "vitest";
import { applyCorrections, correctableWords, editsOne, foldWord, MAX_CORRECTED_WORDS } from "./spelling";

/** Optimal string alignment distance, the slow textbook way: the reference the generator is checked against. */
function osaDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

describe("editsOne", () => {
  const walnut = new Set(editsOne("walnot"));

  it("replaces a letter: walnot → walnut", () => {
    expect(walnut.has("walnut")).toBe(true);
    expect(editsOne("stell")).toContain("steel");
  });

  it("swaps two adjacent letters: wlanut → walnut, teapto → teapot", () => {
    expect(editsOne("wlanut")).toContain("walnut");
    expect(editsOne("teapto")).toContain("teapot");
  });

  it("inserts a missing letter: tepot → teapot, walnt → walnut", () => {
    expect(editsOne("tepot")).toContain("teapot");
    expect(editsOne("walnt")).toContain("walnut");
  });

  it("deletes a doubled or extra letter: walnnut → walnut, teaapot → teapot", () => {
    expect(editsOne("walnnut")).toContain("walnut");
    expect(editsOne("teaapot")).toContain("teapot");
  });

  it("edits the first and the last letter too", () => {
    for (const w of ["alnot", "swalnot", "aalnot", "walno", "walnots", "walnoa", "awlnot", "walnto"]) expect(walnut.has(w), w).toBe(true);
  });

  it("is exactly the strings at distance 1, each once, without the word", () => {
    for (const word of ["walnot", "aabba", "teapot"]) {
      const edits = editsOne(word);
      expect(new Set(edits).size).toBe(edits.length);
      expect(edits).not.toContain(word);
      for (const e of edits) expect(osaDistance(word, e), `${word} → ${e}`).toBe(1);
      // Count check: n deletions (fewer with repeated letters), n−1 swaps (of distinct neighbours),
      // 25n substitutions and 26(n+1) insertions, less the duplicates; the set must contain all of
      // them, so compare with brute force over every string one letter shorter, longer or equal.
      expect(edits.length).toBe(bruteForce(word).length);
    }
  });

  it("leaves words shorter than five letters, with digits or other letters alone", () => {
    expect(editsOne("wool")).toEqual([]);
    expect(editsOne("lamp")).toEqual([]);
    expect(editsOne("x2000")).toEqual([]);
    expect(editsOne("Walnot")).toEqual([]); // fold first
    expect(editsOne("a".repeat(25))).toEqual([]);
  });
});

/** Every string over a–z at OSA distance exactly 1, found by trying each candidate shape. */
function bruteForce(word: string): string[] {
  const letters = "abcdefghijklmnopqrstuvwxyz";
  const found = new Set<string>();
  const consider = (s: string) => {
    if (s !== word && osaDistance(word, s) === 1) found.add(s);
  };
  for (let i = 0; i < word.length; i++) consider(word.slice(0, i) + word.slice(i + 1));
  for (let i = 0; i <= word.length; i++) for (const c of letters) consider(word.slice(0, i) + c + word.slice(i));
  for (let i = 0; i < word.length; i++) for (const c of letters) consider(word.slice(0, i) + c + word.slice(i + 1));
  for (let i = 0; i + 1 < word.length; i++) consider(word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2));
  return [...found];
}

describe("correctableWords", () => {
  it("folds case and accents, keeps words of five letters or more, each once", () => {
    expect(correctableWords("Walnöt tray TEAPTO walnot")).toEqual(["walnot", "teapto"]);
    expect(foldWord("Crème")).toBe("creme");
  });

  it("skips short words, words with digits and letters outside a–z", () => {
    expect(correctableWords("oak lamo x2000 œuvres straße")).toEqual([]);
  });

  it(`corrects at most ${MAX_CORRECTED_WORDS} words`, () => {
    expect(correctableWords("alpha bravo charlie delta echoes foxtrot")).toEqual(["alpha", "bravo", "charlie", "delta"]);
  });
});

describe("applyCorrections", () => {
  it("replaces corrected words only, keeping the typed case and everything else", () => {
    const fix = new Map([
      ["walnot", "walnut"],
      ["teapto", "teapot"],
    ]);
    expect(applyCorrections("walnot tray", fix)).toBe("walnut tray");
    expect(applyCorrections("Walnot  TEAPTO, oak", fix)).toBe("Walnut  TEAPOT, oak");
    expect(applyCorrections("Walnöt tray", fix)).toBe("Walnut tray");
  });
});
