/**
 * The paper's own figures (paper-figures.json, with their source): Table 1's counts per stage as
 * numbers or linear formulas in n, the delay experiment's settings, and Figure 9's set-up.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import figures from './paper-figures.json';

/** One stage's counts as the paper gives them: a number, a formula in n ("3n-1"), or null (not given). */
export interface PaperRow {
  stage: string;
  onchain: string | null;
  messages: string | null;
  signatures: string | null;
  where: string;
}

export const PAPER = figures;

/** The paper's row for `stage`; throws for a stage the JSON lacks (a programming error). */
export function paperRow(stage: string): PaperRow {
  const row = (figures.table1.rows as PaperRow[]).find((r) => r.stage === stage);
  if (!row) throw new Error(`no paper row "${stage}"`);
  return row;
}

/**
 * The value of a count at `n` users: "2" → 2, "3n-1" at n = 3 → 8, "n" → n; null stays null.
 * Throws on anything else.
 */
export function evaluate(count: string | null, n: number): number | null {
  if (count === null) return null;
  const m = /^(\d*)(n?)([+-]\d+)?$/.exec(count.replace(/\s/g, ''));
  if (!m || (!m[1] && !m[2])) throw new Error(`not a count: ${count}`);
  if (!m[2]) return Number(m[1]);
  return (m[1] ? Number(m[1]) : 1) * n + (m[3] ? Number(m[3]) : 0);
}

/** Writes a bench's result as JSON to test/bench/figures/data/`name` (what `npm run figures` charts) and says so. */
export function writeFigureData(name: string, result: unknown): void {
  const out = path.resolve(__dirname, '../figures/data', name);
  fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`wrote ${path.relative(process.cwd(), out)}\n`);
}

/** Runs a bench's `main` when its file is the one run (`entry` is that file's `module`); a failure prints its stack and exits 1. */
export function runBench(entry: NodeModule, main: () => Promise<void>): void {
  if (require.main !== entry) return;
  main().catch((err) => {
    process.stderr.write(`benchmark failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
