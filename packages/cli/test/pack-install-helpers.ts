// Shared by the pack-and-install tests: pack workspace packages as they
// would be published, install them with npm into a new project outside the
// repository, and weigh what npm installed.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './cli-helpers.js';

export function sh(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; out: string }>((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, NO_COLOR: '1', ...env } });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

/** `pnpm pack` of `packages/<p>` for each of `packages`: the tarball paths by package directory name. */
export async function packWorkspace(packages: readonly string[]): Promise<Map<string, string>> {
  const dir = await mkdtemp(join(tmpdir(), 'credflow-packs-'));
  for (const p of packages) {
    const r = await sh('pnpm', ['pack', '--pack-destination', dir], join(ROOT, 'packages', p));
    if (r.code !== 0) throw new Error(`pnpm pack ${p}: ${r.out}`);
  }
  const files = await readdir(dir);
  return new Map(
    packages.map((p) => {
      const file = files.find((t) => t.startsWith(`credflow-${p}-`));
      if (file === undefined) throw new Error(`no tarball for ${p}`);
      return [p, join(dir, file)];
    }),
  );
}

/** A new project outside the repository with `dependencies`, installed by npm; its directory. */
export async function npmProject(dependencies: Record<string, string>): Promise<string> {
  const project = await mkdtemp(join(tmpdir(), 'credflow-host-'));
  await writeFile(
    join(project, 'package.json'),
    JSON.stringify({ name: 'host', private: true, type: 'module', dependencies }),
  );
  const install = await sh('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], project);
  if (install.code !== 0) throw new Error(`npm install: ${install.out}`);
  return project;
}

/** What npm installed: bytes of every file under node_modules, and the packages (every copy counted). */
export interface InstallWeight {
  bytes: number;
  packages: string[];
}

export async function installWeight(project: string): Promise<InstallWeight> {
  let bytes = 0;
  const packages: string[] = [];
  const files = async (dir: string): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) await files(p);
      else if (e.isFile()) bytes += (await stat(p)).size;
    }
  };
  const modules = async (nm: string): Promise<void> => {
    const entries = await readdir(nm, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      if (e.name.startsWith('.') || !e.isDirectory()) continue;
      const scoped = e.name.startsWith('@') ? (await readdir(join(nm, e.name))).map((s) => `${e.name}/${s}`) : [e.name];
      for (const name of scoped) {
        packages.push(name);
        await modules(join(nm, name, 'node_modules'));
      }
    }
  };
  await files(join(project, 'node_modules'));
  await modules(join(project, 'node_modules'));
  return { bytes, packages: packages.sort() };
}

/** `29.9 MB, 31 packages` */
export function describeWeight(w: InstallWeight): string {
  return `${(w.bytes / 1e6).toFixed(1)} MB, ${w.packages.length} packages`;
}
