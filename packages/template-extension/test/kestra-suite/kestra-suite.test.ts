/**
 * Kestra compatibility suite: Kestra's own Pebble tests (kestra-io/kestra at
 * commit 58c1ca2d0, core/src/test/java/io/kestra/core/runners/pebble/**) and
 * the examples of Kestra's expressions documentation, ported as data in
 * cases/, rendered on a credflow environment with Pebble's delimiters
 * (`{{ }}`, `{% %}`) and strict variables (the default), and compared with
 * what Kestra asserts.
 *
 * A ratchet: known-differences.ts lists the cases that do not match today.
 * A case fails this test when it does not match and is not listed, and when
 * it is listed but now matches (shrink the list as the implementation
 * improves). afterAll prints the pass count per group and overall;
 * `KESTRA_SUITE_WRITE=1` also writes them to RESULTS.md (next to this file).
 * `KESTRA_SUITE_DUMP=<file>` writes every case's outcome as JSON there (for
 * updating known-differences.ts).
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CredentialStore } from '@credflow/credentials-core';
import nunjucks from 'nunjucks';
import { afterAll, describe, expect, it } from 'vitest';
import { registerCredentials, registerStandardLibrary, render } from '../../src/index.js';
import type { IdentifiedCase, Matcher } from './case.js';
import { allCases, excluded, GROUPS } from './cases/index.js';
import { KNOWN_DIFFERENCES } from './known-differences.js';

/** A Pebble-syntax environment as a Kestra flow gets it: `{{ }}` delimiters, strict variables, the standard library. */
function pebbleEnv(): nunjucks.Environment {
  const store = CredentialStore.fromYaml('credentials: {}\n');
  const env = registerCredentials(new nunjucks.Environment(null, { autoescape: false }), { store, delimiters: false });
  registerStandardLibrary(env);
  return env;
}

interface Outcome {
  id: string;
  group: string;
  pass: boolean;
  /** What was rendered, or the error. */
  actual: string;
  /** Why it does not match. */
  detail?: string;
}

/** Current date/time formatted as the Java test formats it. */
function nowText(format: 'yyyy-MM-dd' | 'HH:mm', timeZone: string | undefined): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date());
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return format === 'yyyy-MM-dd'
    ? `${part('year')}-${part('month')}-${part('day')}`
    : `${part('hour')}:${part('minute')}`;
}

type NowMatcher = Extract<Matcher, { now: unknown }>['now'];

/** Why `out` fails `m`, or undefined when it holds. */
function check(m: Matcher, out: string, before: Map<NowMatcher, string>): string | undefined {
  if ('is' in m) return out === m.is ? undefined : `expected ${JSON.stringify(m.is)}`;
  if ('contains' in m)
    return out.includes(m.contains) ? undefined : `expected to contain ${JSON.stringify(m.contains)}`;
  if ('startsWith' in m)
    return out.startsWith(m.startsWith) ? undefined : `expected to start with ${JSON.stringify(m.startsWith)}`;
  if ('endsWith' in m)
    return out.endsWith(m.endsWith) ? undefined : `expected to end with ${JSON.stringify(m.endsWith)}`;
  if ('matches' in m) return m.matches.test(out) ? undefined : `expected to match ${m.matches}`;
  if ('not' in m) return out !== m.not ? undefined : `expected anything but ${JSON.stringify(m.not)}`;
  if ('notEmpty' in m) return out !== '' ? undefined : 'expected a non-empty output';
  if ('trimmedIs' in m)
    return out.trim() === m.trimmedIs ? undefined : `expected ${JSON.stringify(m.trimmedIs)} once trimmed`;
  if ('splitCount' in m) {
    const n = out.split(m.splitCount.separator).length;
    return n === m.splitCount.count
      ? undefined
      : `expected ${m.splitCount.count} parts split on ${JSON.stringify(m.splitCount.separator)}, got ${n}`;
  }
  if ('intBetween' in m) {
    const { min, max } = m.intBetween;
    const n = /^-?\d+$/.test(out) ? Number(out) : Number.NaN;
    return n >= min && n <= max ? undefined : `expected an integer in [${min}, ${max}]`;
  }
  if ('jsonHasItems' in m) {
    let list: unknown;
    try {
      list = JSON.parse(out);
    } catch {
      return 'expected a JSON list';
    }
    if (!Array.isArray(list)) return 'expected a JSON list';
    const missing = m.jsonHasItems.filter((item) => !list.some((x) => x === item));
    return missing.length === 0 ? undefined : `expected the JSON list to have ${JSON.stringify(missing)}`;
  }
  const { format, timeZone, contains } = m.now;
  const texts = [before.get(m.now) ?? '', nowText(format, timeZone)];
  const ok = texts.some((t) => (contains ? out.includes(t) : out === t));
  return ok
    ? undefined
    : `expected${contains ? ' to contain' : ''} ${JSON.stringify(texts[1])} (now, ${format}, ${timeZone ?? 'local zone'})`;
}

/**
 * The name of the filter, function or test an error says is missing.
 * Kestra's error cases expect its own error (bad argument, bad input): a
 * render that fails because credflow lacks the feature does not count as
 * matching. Follows credflow's and nunjucks' messages; extend it when they change.
 */
function missingFeature(message: string): string | undefined {
  const m =
    /\b(?:filter|test) not found: (\w+)/.exec(message) ??
    /unable to call '(\w+)': it is undefined/.exec(message) ??
    /['`](\w+)['`] is a Kestra \w+ credflow does not support/.exec(message);
  return m?.[1];
}

const env = pebbleEnv();

async function evaluate(c: IdentifiedCase): Promise<Outcome> {
  const base = { id: c.id, group: c.group };
  const matchers: Matcher[] =
    c.expected === undefined
      ? []
      : typeof c.expected === 'string'
        ? [{ is: c.expected }]
        : Array.isArray(c.expected)
          ? c.expected
          : [c.expected];
  const before = new Map<NowMatcher, string>();
  for (const m of matchers) if ('now' in m) before.set(m.now, nowText(m.now.format, m.now.timeZone));

  let out: string;
  try {
    // A deep copy: a render must not see what an earlier one did to shared fixtures.
    out = (await render(env, c.template, structuredClone(c.vars ?? {}))).output;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (!c.expectedError) return { ...base, pass: false, actual: `error: ${message}`, detail: 'render failed' };
    if (c.errorContains !== undefined && !message.includes(c.errorContains)) {
      return {
        ...base,
        pass: false,
        actual: `error: ${message}`,
        detail: `error should contain ${JSON.stringify(c.errorContains)}`,
      };
    }
    const missing = missingFeature(message);
    if (missing !== undefined) {
      return {
        ...base,
        pass: false,
        actual: `error: ${message}`,
        detail: `fails only because \`${missing}\` is missing`,
      };
    }
    return { ...base, pass: true, actual: `error: ${message}` };
  }
  if (c.expectedError) return { ...base, pass: false, actual: out, detail: 'Kestra fails this render' };
  const failures = matchers.map((m) => check(m, out, before)).filter((f): f is string => f !== undefined);
  return failures.length === 0
    ? { ...base, pass: true, actual: out }
    : { ...base, pass: false, actual: out, detail: failures.join('; ') };
}

const outcomes = new Map<string, Outcome>();

function summary(): { lines: string[]; markdown: string } {
  const rows = GROUPS.map((group) => {
    const inGroup = allCases.filter((c) => c.group === group);
    const passed = inGroup.filter((c) => outcomes.get(c.id)?.pass).length;
    return { group, passed, total: inGroup.length };
  }).filter((r) => r.total > 0);
  const passed = rows.reduce((n, r) => n + r.passed, 0);
  const total = rows.reduce((n, r) => n + r.total, 0);
  const pct = (p: number, t: number) => `${((100 * p) / t).toFixed(1)}%`;
  const lines = [
    ...rows.map((r) => `${r.group}: ${r.passed}/${r.total} (${pct(r.passed, r.total)})`),
    `overall: ${passed}/${total} (${pct(passed, total)})`,
  ];

  const causes = new Map<string, number>();
  for (const c of allCases) {
    const reason = KNOWN_DIFFERENCES[c.id];
    if (reason !== undefined && !outcomes.get(c.id)?.pass) causes.set(reason, (causes.get(reason) ?? 0) + 1);
  }
  const byReason = new Map<string, number>();
  for (const e of excluded) byReason.set(e.reason, (byReason.get(e.reason) ?? 0) + 1);

  const markdown = [
    '# Kestra compatibility suite: results',
    '',
    'Written by `KESTRA_SUITE_WRITE=1 pnpm vitest run packages/template-extension/test/kestra-suite`.',
    "Cases: Kestra's Pebble tests (kestra-io/kestra at commit 58c1ca2d0, `core/src/test/java/io/kestra/core/runners/pebble/**`)",
    "and the examples of Kestra's expressions documentation (cases/docs-source.ts), rendered with `{{ }}` delimiters and strict variables.",
    '',
    '| group | pass | total | |',
    '| --- | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${r.group} | ${r.passed} | ${r.total} | ${pct(r.passed, r.total)} |`),
    `| **overall** | **${passed}** | **${total}** | **${pct(passed, total)}** |`,
    '',
    `## Not ported (${excluded.length} renders of Kestra's tests)`,
    '',
    '| reason | renders |',
    '| --- | ---: |',
    ...[...byReason].map(([reason, n]) => `| ${reason} | ${n} |`),
    '',
    '## Differences from Kestra, by reason (known-differences.ts)',
    '',
    '| reason | cases |',
    '| --- | ---: |',
    ...[...causes]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([reason, n]) => `| ${reason.replaceAll('|', '\\|')} | ${n} |`),
    '',
  ].join('\n');
  return { lines, markdown };
}

describe('Kestra compatibility suite', () => {
  it('has unique case ids, and lists only existing cases as known differences, each with a reason', () => {
    const ids = allCases.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    const unknown = Object.keys(KNOWN_DIFFERENCES).filter((id) => !ids.includes(id));
    expect(unknown, 'ids in known-differences.ts that are no case').toEqual([]);
    const blank = Object.entries(KNOWN_DIFFERENCES).filter(([, reason]) => reason.trim() === '');
    expect(blank, 'known differences without a reason').toEqual([]);
  });

  for (const c of allCases) {
    const label = `${c.id}: ${JSON.stringify(c.template).slice(1, -1).slice(0, 100)}`;
    it(label, async () => {
      const outcome = await evaluate(c);
      outcomes.set(c.id, outcome);
      const known = KNOWN_DIFFERENCES[c.id];
      if (known === undefined) {
        expect(
          outcome.pass,
          `${c.id} does not give Kestra's result (${c.source}): ${outcome.detail}; got ${JSON.stringify(outcome.actual)}`,
        ).toBe(true);
      } else {
        expect(
          outcome.pass,
          `${c.id} now gives Kestra's result: remove it from known-differences.ts (listed as: ${known})`,
        ).toBe(false);
      }
    });
  }

  afterAll(() => {
    if (outcomes.size !== allCases.length) return; // a filtered run: no totals
    const { lines, markdown } = summary();
    console.log(`Kestra compatibility suite (pass/total):\n  ${lines.join('\n  ')}`);
    if (process.env.KESTRA_SUITE_WRITE === '1') {
      writeFileSync(join(dirname(fileURLToPath(import.meta.url)), 'RESULTS.md'), markdown);
    }
    const dump = process.env.KESTRA_SUITE_DUMP;
    if (dump) writeFileSync(dump, JSON.stringify([...outcomes.values()], null, 2));
  });
});
