import { constants } from 'node:fs';
import { type FileHandle, open, readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { didYouMean, NAMESPACE_PATTERN } from '@credflow/credentials-core/internal';
import { TaskError } from '../tasks/task-type.js';
import type { Flow } from './flow.js';
import { FLOW_LIMITS } from './flow-limits.js';
import { ID_PATTERN } from './flow-schema.js';
import { type LoadFlowOptions, loadFlow } from './load-flow.js';

/** Where a Subflow task finds the flow it runs, by namespace and id. */
export interface FlowResolver {
  /** The flow, loaded and checked; throws a {@link TaskError} saying why when there is none. */
  find(namespace: string, flowId: string): Promise<Flow>;
  /**
   * Why `find` would fail to find the flow (none, more than one), without
   * loading it; `undefined` when it is there. A resolver that has it lets
   * `validate` and `run` check the Subflow tasks written with a literal
   * namespace and flowId before anything runs.
   */
  problem?(namespace: string, flowId: string): Promise<string | undefined>;
}

/** At most this many files are looked at in a flows directory (and this deep). */
const MAX_FILES = 10_000;
const MAX_DEPTH = 8;

/**
 * The flows of a directory (`--flows DIR`, `flows: { dir }` in credflow.yaml),
 * found by namespace and id as Kestra finds a subflow: every `.yaml`/`.yml`
 * file below it (subdirectories included) is indexed by its `namespace` and
 * `id` on first use; a flow is loaded (and checked, with `options`) when a
 * Subflow task asks for it. Files that are not flows are skipped; two files
 * with the same namespace and id are an error when that flow is asked for.
 */
export class FlowDirectory implements FlowResolver {
  private index: Promise<Map<string, string[]>> | undefined;
  private readonly loaded = new Map<string, Promise<Flow>>();

  constructor(
    readonly dir: string,
    private readonly options: LoadFlowOptions = {},
  ) {}

  async find(namespace: string, flowId: string): Promise<Flow> {
    const problem = await this.problem(namespace, flowId);
    if (problem !== undefined) throw new TaskError(problem);
    const key = `${namespace}\u0000${flowId}`;
    let flow = this.loaded.get(key);
    if (!flow) {
      const [file] = (await this.files()).get(key) as [string];
      // Its own Subflow targets are found here too (--flows DIR), not in the config's flows.dir (N10).
      flow = (this.loaded.get(key) ?? loadFlow(file, { ...this.options, flows: this })).then((f) => {
        // The index reads two lines of the file; the flow it runs is the one the file declares (review round 5, F2).
        if (f.namespace !== namespace || f.id !== flowId) {
          throw new TaskError(
            `${relative(this.dir, file)} in the flows directory ${this.dir} was found as ${namespace}.${flowId} but declares ${f.namespace}.${f.id}: write its id: and namespace: as plain top-level lines`,
          );
        }
        return f;
      });
      this.loaded.set(key, flow);
    }
    return flow;
  }

  async problem(namespace: string, flowId: string): Promise<string | undefined> {
    let index: Map<string, string[]>;
    try {
      index = await this.files();
    } catch (err) {
      if (err instanceof TaskError) return err.message;
      throw err;
    }
    const files = index.get(`${namespace}\u0000${flowId}`);
    if (!files) {
      const known = [...index.keys()].map((k) => k.replace('\u0000', '.'));
      return `no flow '${flowId}' in namespace '${namespace}' in the flows directory ${this.dir}${didYouMean(`${namespace}.${flowId}`, known)}`;
    }
    if (files.length > 1) {
      return `flow '${namespace}.${flowId}' is defined by more than one file of ${this.dir}: ${files.map((f) => relative(this.dir, f)).join(', ')}`;
    }
    return undefined;
  }

  /** The flow files by namespace and id, read on first use. */
  private files(): Promise<Map<string, string[]>> {
    this.index ??= this.scan();
    return this.index;
  }

  private async scan(): Promise<Map<string, string[]>> {
    const index = new Map<string, string[]>();
    let count = 0;
    const walk = async (dir: string, depth: number): Promise<void> => {
      let entries: import('node:fs').Dirent[];
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (err) {
        if (depth === 0) {
          throw new TaskError(`cannot read the flows directory ${this.dir}: ${(err as NodeJS.ErrnoException).code}`);
        }
        return;
      }
      entries.sort((a, b) => a.name.localeCompare(b.name));
      for (const e of entries) {
        if (count >= MAX_FILES) return;
        const path = join(dir, e.name);
        if (e.isDirectory() && depth < MAX_DEPTH && !e.name.startsWith('.') && e.name !== 'node_modules') {
          await walk(path, depth + 1);
        } else if (e.isFile() && /\.ya?ml$/.test(e.name)) {
          count++;
          const head = await idOf(path);
          if (!head) continue;
          const key = `${head.namespace}\u0000${head.id}`;
          index.set(key, [...(index.get(key) ?? []), path]);
        }
      }
    };
    await walk(this.dir, 0);
    return index;
  }
}

/**
 * A top-level `id:` or `namespace:` line (no backtracking: the value is taken
 * apart in {@link scalarOf}), with lines split as YAML splits them: at `\n`
 * only, not at U+2028 or U+2029 as a multiline regex would (F2). One search
 * of the whole head, not one per line: 10,000 files of 65,536 empty lines
 * took half a minute line by line (review round 6, G3).
 */
const TOP_LEVEL = /(?:^|\n)(id|namespace)[ \t]*:([^\n]*)/g;

/** The text of a one-line YAML scalar: quoted ('' and "" without escapes) or plain, a trailing comment dropped. */
function scalarOf(raw: string): string | undefined {
  const v = raw.trim();
  const quote = v[0];
  if (quote === '"' || quote === "'") {
    const end = v.indexOf(quote, 1);
    return end > 0 && !v.slice(1, end).includes('\\') ? v.slice(1, end) : undefined;
  }
  const comment = v.search(/\s#/);
  const plain = (comment === -1 ? v : v.slice(0, comment)).trim();
  return plain && !plain.startsWith('#') ? plain : undefined;
}

/** How much of each file the index reads: a flow's `id:` and `namespace:` lines come first (review round 5, F4). */
const HEAD_BYTES = 64 * 1024;

/**
 * The `id` and `namespace` of a flow file, or nothing when it is not one: read
 * from its top-level `id:` and `namespace:` lines in its first
 * {@link HEAD_BYTES}, as every Kestra flow writes them at the top, without
 * parsing the file. A YAML parse of each file of the directory cost seconds
 * per megabyte of nested brackets (review of issue 26, N9), and reading
 * every file whole, 10,000 files of 1 MiB, half a minute (F4); the flow a
 * Subflow task asks for is then loaded and checked whole.
 */
async function idOf(file: string): Promise<{ id: string; namespace: string } | undefined> {
  let handle: FileHandle | undefined;
  try {
    // Not blocking: a FIFO put in the directory after it was listed is not waited for (G4).
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
    const stats = await handle.stat();
    if (!stats.isFile() || stats.size > FLOW_LIMITS.maxFileBytes) return undefined;
    const size = stats.size;
    const head = Buffer.allocUnsafe(Math.min(size, HEAD_BYTES));
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    let text = head.toString('utf8', 0, bytesRead).replace(/^\uFEFF/, '');
    // A line cut at the end of the head is not read (its value could be cut too).
    if (bytesRead < size) text = text.slice(0, text.lastIndexOf('\n') + 1);
    const found: Record<string, string> = {};
    TOP_LEVEL.lastIndex = 0;
    for (let m = TOP_LEVEL.exec(text); m !== null; m = TOP_LEVEL.exec(text)) {
      const key = m[1] as string;
      if (found[key] === undefined) found[key] = scalarOf(m[2] ?? '') ?? '';
      if (found.id !== undefined && found.namespace !== undefined) break;
    }
    const { id, namespace } = found;
    // Names no flow may have are not indexed (a 26,000-character id line: F1b).
    return id && namespace && ID_PATTERN.test(id) && NAMESPACE_PATTERN.test(namespace) ? { id, namespace } : undefined;
  } catch {
    return undefined;
  } finally {
    await handle?.close().catch(() => {});
  }
}
