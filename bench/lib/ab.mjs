// The one method every bench/ script uses: A and B measured alternately (A B, B A, A B, ...) over
// at least 5 rounds, so a loaded machine slows both alike; the ratio is taken per round and
// reported as its median and range, next to each side's median and range. With BENCH_RESULTS=FILE
// (set by `npm run bench`), each row is also appended to FILE as one JSON line for bench/run.mjs.
import { appendFileSync } from 'node:fs';

/**
 * The environment's NODE_EXTRA_CA_CERTS, if it had one, which every bench then removes for the
 * processes it starts: Node 20 reads that CA bundle at start-up, before any script (Debian's whole
 * bundle, which these machines set, takes longer than a bare `node -e 0`). On both sides of a
 * start-up ratio it is a constant that hides the command's own cost, so the processes run without
 * it, except in the second of START_UP_WAYS. Removed here, on import, so each script's children
 * inherit the plain environment.
 */
export const ENVIRONMENT_CA_CERTS = process.env.NODE_EXTRA_CA_CERTS || undefined;
delete process.env.NODE_EXTRA_CA_CERTS;

/**
 * The ways a row that times a whole command against `node -e 0` is measured, both in the same run,
 * one right after the other (docs/performance.md says why):
 * - without NODE_EXTRA_CA_CERTS: the command's own cost, with no target;
 * - as issue #17 measured, on the machine as it is: the environment's NODE_EXTRA_CA_CERTS on both
 *   sides. The issue's figures fit only that (its floor of token mint, 1.1x), so its targets are
 *   checked there.
 * An environment without the variable is measured one way, the first, and it carries the targets.
 * `env` is what a way adds to each process's environment.
 */
export const START_UP_WAYS = ENVIRONMENT_CA_CERTS
  ? [
      { label: '', env: {}, targets: false },
      {
        label: ', as issue #17 measured: NODE_EXTRA_CA_CERTS on both sides',
        env: { NODE_EXTRA_CA_CERTS: ENVIRONMENT_CA_CERTS },
        targets: true,
      },
    ]
  : [{ label: '', env: {}, targets: true }];

/**
 * A start-up row's note: how many ms the command adds to `node -e 0` (per round: median and
 * range), and for a target, how many ms the ratio allows over this row's `node -e 0`.
 */
export function overNodeNote(result, max) {
  const d = result.diff;
  const added = `adds ${d.median.toFixed(1)} ms (${d.min.toFixed(1)}–${d.max.toFixed(1)})`;
  return max === undefined
    ? added
    : `${added}; ${max}× allows ${((max - 1) * result.b.median).toFixed(1)} ms here`;
}

export const ROUNDS = Math.max(5, Number(process.env.BENCH_ROUNDS ?? 5));

/** Median, min and max of a list of numbers. */
export function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted.at(-1), n: sorted.length };
}

/**
 * Runs `a.run()` and `b.run()` alternately for `rounds` rounds (order swapped every round); each
 * returns one measurement (ms, or ops/s). Returns both sides' samples and the per-round ratio a/b.
 */
export async function alternate(a, b, options = {}) {
  return (await alternateEach([a, b], options)).pair(0, 1);
}

/**
 * `alternate()` for any number of sides measured in the same rounds: each round runs every side
 * once, the order rotating from round to round (two sides: A B, B A, ...), so a ratio of any two
 * sides is taken per round and two ratios against one side share its samples. Returns `pair(i, j)`:
 * the result of side i against side j, in `alternate()`'s shape.
 */
export async function alternateEach(sides, { rounds = ROUNDS, warmup = true } = {}) {
  if (warmup) for (const side of sides) await side.run();
  const samples = sides.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < sides.length; k++) {
      const i = (r + k) % sides.length;
      samples[i].push(await sides[i].run());
    }
  }
  return {
    pair: (i, j) => ({
      a: stats(samples[i]),
      b: stats(samples[j]),
      ratio: stats(samples[i].map((x, n) => x / samples[j][n])),
      diff: stats(samples[i].map((x, n) => x - samples[j][n])),
    }),
  };
}

const num = (x, unit) =>
  unit === 'ms' ? (x < 10 ? x.toFixed(2) : x.toFixed(0)) : Math.round(x).toLocaleString('en');
const range = (s, unit) =>
  `${num(s.median, unit)} ${unit} (${num(s.min, unit)}–${num(s.max, unit)})`;

/**
 * Prints one result and records it. `target`: { max } (ratio must stay at or below) or { min }.
 * `lowerIsBetter` is implied by unit ms; for ops/s a higher ratio is better.
 */
export function report({ bench, what, aLabel, bLabel, unit, result, target, note }) {
  const r = result.ratio;
  const met = target
    ? target.max !== undefined
      ? r.median <= target.max
      : r.median >= target.min
    : undefined;
  const goal = target
    ? target.max !== undefined
      ? `≤ ${+target.max.toFixed(2)}×`
      : `≥ ${+target.min.toFixed(2)}×`
    : '';
  console.log(
    `${what}: ${aLabel} ${range(result.a, unit)} vs ${bLabel} ${range(result.b, unit)} = ${r.median.toFixed(2)}× (${r.min.toFixed(2)}–${r.max.toFixed(2)}×, ${r.n} rounds)${goal ? ` target ${goal}: ${met ? 'met' : 'NOT met'}` : ''}${note ? ` [${note}]` : ''}`,
  );
  if (process.env.BENCH_RESULTS) {
    const row = {
      bench,
      what,
      aLabel,
      bLabel,
      unit,
      a: result.a,
      b: result.b,
      ratio: r,
      goal,
      met,
      note,
    };
    appendFileSync(process.env.BENCH_RESULTS, `${JSON.stringify(row)}\n`);
  }
  return met;
}
