/**
 * The README as a newcomer reads it (issue 29): its first credential and
 * flow are valid as written (the built CLI validates them), and every link
 * of the README and the docs/ pages reaches a file, and a heading where it
 * names one.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from './cli-helpers.js';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The fenced blocks of one `## ` section of a Markdown text, with their info string. */
function blocks(text: string, heading: string): { lang: string; body: string }[] {
  const start = text.indexOf(`\n## ${heading}\n`);
  expect(start, heading).toBeGreaterThan(-1);
  const end = text.indexOf('\n## ', start + 1);
  const section = text.slice(start, end === -1 ? undefined : end);
  return [...section.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1] ?? '', body: m[2] ?? '' }));
}

describe('README: a first credential and flow', () => {
  it('validates as written, and the credential is listed', async () => {
    const yaml = blocks(readme, 'A first credential and flow').filter((b) => b.lang === 'yaml');
    expect(yaml).toHaveLength(2);
    const dir = await mkdtemp(join(tmpdir(), 'credflow-readme-'));
    await mkdir(join(dir, 'flows'));
    await writeFile(join(dir, 'credflow.yaml'), yaml[0]?.body ?? '');
    await writeFile(join(dir, 'flows', 'hello.yaml'), yaml[1]?.body ?? '');
    const validated = await runCli(['validate', 'flows/hello.yaml'], {}, dir);
    expect(validated.code, validated.stdout + validated.stderr).toBe(0);
    expect(validated.stdout).toContain('company.team.hello');
    const listed = await runCli(['credentials', 'list', '--json'], {}, dir);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain('"my_api"');
  });
});

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to dashes. */
const anchorOf = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\w\- ]/g, '')
    .replace(/ /g, '-');

function anchors(text: string): Set<string> {
  const out = new Set<string>();
  let fence = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('```')) fence = !fence;
    else if (!fence) {
      const m = /^#{1,6} (.*)$/.exec(line);
      if (m) out.add(anchorOf(m[1] as string));
    }
  }
  return out;
}

describe('README and docs/: links', () => {
  const pages = [
    'README.md',
    ...readdirSync(join(ROOT, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => `docs/${f}`),
  ];

  it('the README links every docs page', () => {
    const unlinked = pages.filter((p) => p !== 'README.md' && !readme.includes(`](${p})`));
    expect(unlinked).toEqual([]);
  });

  it.each(pages)('%s: every relative link reaches a file, and its heading', (page) => {
    const text = readFileSync(join(ROOT, page), 'utf8');
    const broken: string[] = [];
    for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1] as string;
      if (/^(https?|mailto):/.test(target)) continue;
      const [path, anchor] = target.split('#') as [string, string | undefined];
      const file = path ? join(ROOT, dirname(page), path) : join(ROOT, page);
      if (!existsSync(file)) broken.push(`${target}: no file ${relative(ROOT, file)}`);
      else if (anchor && file.endsWith('.md') && !anchors(readFileSync(file, 'utf8')).has(anchor))
        broken.push(`${target}: no heading #${anchor}`);
    }
    expect(broken).toEqual([]);
  });
});
