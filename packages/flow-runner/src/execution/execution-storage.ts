import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, realpath, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve, sep } from 'node:path';
import { TaskError } from '../tasks/task-type.js';

/** Where a task run's files go, as Kestra's internal storage lays them out. */
export interface TaskRunPlace {
  namespace: string;
  flowId: string;
  executionId: string;
  taskId: string;
  taskRunId: string;
}

/** The files of one task run: what a script's `outputFiles` are kept as, and `kestra://` URIs read back. */
export interface TaskFiles {
  /** Keeps a copy of `source` as the task run's file `name`; returns its `kestra:///…` URI. */
  put(name: string, source: string): Promise<string>;
  /** The local file a `kestra://` URI of this run's storage names; a TaskError for any other. */
  localPath(uri: string): Promise<string>;
}

const SCHEME = 'kestra://';

/**
 * The internal storage of one run (an execution and its subflow executions):
 * files kept under `dir` at Kestra's paths
 * (`<namespace as folders>/<flowId>/executions/<id>/tasks/<taskId>/<taskRunId>/<unique>-<name>`),
 * named by `kestra:///` URIs of the same path. Without `dir`, a private
 * temporary directory made on first use and removed by {@link close}.
 */
export class ExecutionStorage {
  private root: Promise<string> | undefined;

  constructor(private readonly dir?: string) {}

  /** The files of one task run. */
  forTaskRun(place: TaskRunPlace): TaskFiles {
    return { put: (name, source) => this.put(place, name, source), localPath: (uri) => this.localPath(uri) };
  }

  private rootDir(): Promise<string> {
    const dir = this.dir;
    this.root ??= dir
      ? mkdir(dir, { recursive: true, mode: 0o700 }).then(() => realpath(dir))
      : mkdtemp(join(tmpdir(), 'credflow-storage-')).then((d) => realpath(d));
    return this.root;
  }

  private async put(place: TaskRunPlace, name: string, source: string): Promise<string> {
    const parts = [
      ...place.namespace.split('.'),
      place.flowId,
      'executions',
      place.executionId,
      'tasks',
      place.taskId,
      place.taskRunId,
      `${randomBytes(8).toString('hex')}-${basename(name)}`,
    ];
    const root = await this.rootDir();
    const target = join(root, ...parts);
    await mkdir(join(target, '..'), { recursive: true, mode: 0o700 });
    await copyFile(source, target);
    return `${SCHEME}/${parts.join('/')}`;
  }

  private async localPath(uri: string): Promise<string> {
    if (!uri.startsWith(`${SCHEME}/`)) throw new TaskError(`not a ${SCHEME} URI`);
    const root = await this.rootDir();
    const path = resolve(root, `.${uri.slice(SCHEME.length)}`);
    // A URI names a file of this storage, never a path outside it (`..`, links).
    const inside = (p: string) => p.startsWith(root + sep) && !relative(root, p).split(sep).includes('..');
    const real = inside(path) ? await realpath(path).catch(() => undefined) : undefined;
    if (!real || !inside(real) || !(await stat(real)).isFile()) {
      throw new TaskError(`no file of this run's storage at ${uri}`);
    }
    return real;
  }

  /** Removes a temporary storage (not a `dir` given): the run is over. */
  async close(): Promise<void> {
    if (this.dir || !this.root) return;
    const root = await this.root.catch(() => undefined);
    if (root) await rm(root, { recursive: true, force: true });
  }
}
