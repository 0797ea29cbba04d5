import { createRequire } from 'node:module';
import { CredflowError } from '@credflow/credentials-core';
import nunjucks, { type Environment } from 'nunjucks';
import { pebbleParse } from '../language/pebble-mode.js';
import type { NjNode, NjNodeClass, NunjucksInternals } from '../nunjucks-internals.js';
import { carryFrame } from '../render-frames.js';
import { credflowExtensionIn, parseForCredflow } from '../rewrite-calls.js';
import { isSandboxedMacro, wrapMacroLine } from '../sandbox/sandboxed-macros.js';

/**
 * The nunjucks version credflow's patches are written against (the
 * dependency and the peer range are pinned to it). Every internal they use
 * is pinned by `test/nunjucks/adapter.test.ts`.
 */
export const NUNJUCKS_VERSION = '3.2.4';

/** The nunjucks copy an environment comes from is not the version, or not the shape, credflow is written against. */
export class NunjucksVersionError extends CredflowError {
  readonly code = 'ERR_NUNJUCKS_VERSION';

  constructor(message: string) {
    super(message);
    // Spelt out: a bundler may rename the class.
    this.name = 'NunjucksVersionError';
  }
}

/** One nunjucks copy, as its main module (`index.js`) exports it. */
interface NunjucksModules {
  Environment: new () => Environment;
  Template: NunjucksInternals['Template'];
  parser: { parse: ParseFn; Parser: new (tokens: object) => object };
  compiler: { Compiler: { prototype: CompilerProto } };
  nodes: Record<string, NjNodeClass>;
  lexer: NunjucksInternals['lexer'];
  lib: NunjucksInternals['lib'];
  runtime: NunjucksInternals['runtime'];
}

type ParseFn = (src: string, extensions?: unknown[], opts?: unknown) => NjNode;

interface CompilerProto {
  _compileMacro(node: unknown, frame?: unknown): string;
  _emitLine(code: string): void;
}

interface ContextProto {
  init(ctx: unknown, ...rest: unknown[]): void;
}

/** Marks a nunjucks copy (its parser module) whose hooks are installed; shared by every copy of credflow. */
const INSTALLED = Symbol.for('credflow.nunjucks-adapter');

/** The nunjucks this package imports: in a bundle (the `credflow` CLI), the bundled copy. */
const own = nunjucks as unknown as NunjucksModules;
/** By environment class (the fast path), and by copy (its parser module): one adaptation per copy. */
const byClass = new WeakMap<object, NunjucksInternals>();
const byCopy = new WeakMap<object, NunjucksInternals>();
const localRequire = createRequire(import.meta.url);

/**
 * The nunjucks copy an environment comes from, checked and adapted: the one
 * place credflow changes nunjucks. Once per copy it installs three hooks,
 * each inert for environments credflow did not register:
 * - `parser.parse`: a template of an environment that carries the credflow
 *   extension is parsed in credflow's dialect (subclasses of nunjucks'
 *   `Parser` and tokenizer: Pebble's operators and strings, raw blocks with
 *   any delimiters) and rewritten (sandbox, asynchronous calls); any other
 *   is handed to nunjucks' own parse;
 * - `Compiler.prototype._compileMacro`: a macro of such a template (marked
 *   by that parse) becomes callable, depth-limited and unprintable; any
 *   other macro compiles as nunjucks compiles it;
 * - the render `Context`'s `init`: the variables of a credflow render carry
 *   its frame (a private symbol) into every included template; variables
 *   without one are left alone.
 * nunjucks' classes, its `runtime` and its `nodes` module are otherwise left
 * as they are. A host app may have its own copy of nunjucks: it is found
 * through the module that defines the environment's class (the nunjucks
 * this package imports, the only one in a bundle, else a copy in Node's
 * module cache).
 * @throws NunjucksVersionError when the copy is not nunjucks 3.2.4, or lacks an internal credflow relies on.
 */
export function nunjucksOf(env: Environment): NunjucksInternals {
  const ctor = env.constructor as object;
  const known = byClass.get(ctor);
  if (known) return known;
  const found = env instanceof own.Environment ? { modules: own, version: ownVersion() } : cachedCopy(env);
  const internals = byCopy.get(found.modules.parser) ?? adapt(found.modules, found.version);
  byCopy.set(found.modules.parser, internals);
  byClass.set(ctor, internals);
  return internals;
}

function adapt(modules: NunjucksModules, version: string | undefined): NunjucksInternals {
  if (version !== undefined && version !== NUNJUCKS_VERSION) {
    throw new NunjucksVersionError(
      `[@credflow/template-extension] needs nunjucks ${NUNJUCKS_VERSION}; the environment comes from nunjucks ${version}`,
    );
  }
  checkShape(modules);
  const pebble = pebbleParse({ Parser: modules.parser.Parser, lexer: modules.lexer, nodes: modules.nodes });
  const internals: NunjucksInternals = {
    version,
    parse: pebble.parse,
    nodes: { ...modules.nodes, ...pebble.nodes },
    lexer: modules.lexer,
    lib: modules.lib,
    runtime: modules.runtime,
    Template: modules.Template,
    Context: probeContext(modules.Environment, modules.Template),
  };
  install(modules, internals);
  return internals;
}

/** Installs the hooks on a copy, once (the first adapter to reach a copy installs them). */
function install(modules: NunjucksModules, nj: NunjucksInternals): void {
  const parser = modules.parser as NunjucksModules['parser'] & { [INSTALLED]?: true };
  if (parser[INSTALLED]) return;

  const parse = parser.parse;
  parser.parse = function credflowParse(this: unknown, src, extensions, opts) {
    const ours = credflowExtensionIn(extensions);
    return ours
      ? parseForCredflow(nj, ours, src, extensions as unknown[], opts)
      : parse.call(this, src, extensions, opts);
  };

  const compiler = modules.compiler.Compiler.prototype;
  const compileMacro = compiler._compileMacro;
  compiler._compileMacro = function credflowMacro(this: CompilerProto, node: unknown, frame?: unknown): string {
    const funcId = compileMacro.call(this, node, frame);
    if (isSandboxedMacro(node)) this._emitLine(wrapMacroLine(funcId));
    return funcId;
  };

  const context = nj.Context.prototype as ContextProto;
  const init = context.init;
  context.init = function credflowContext(this: { ctx: object }, ctx: unknown, ...rest: unknown[]) {
    init.call(this, ctx, ...rest);
    carryFrame(this, ctx);
  };

  parser[INSTALLED] = true;
}

/** Every internal the hooks and rewrites call (the contract test pins their behaviour). */
function checkShape(modules: NunjucksModules): void {
  const missing: string[] = [];
  const need = (ok: unknown, name: string) => {
    if (!ok) missing.push(name);
  };
  need(typeof modules.parser?.parse === 'function', 'parser.parse');
  need(typeof modules.parser?.Parser?.prototype === 'object', 'parser.Parser');
  const parserProto = (modules.parser?.Parser?.prototype ?? {}) as Record<string, unknown>;
  for (const m of ['parseAsRoot', 'parseExpression', 'parseInlineIf', 'parseIn', 'parseFilterStatement', 'parseRaw']) {
    need(typeof parserProto[m] === 'function', `Parser.prototype.${m}`);
  }
  need(typeof modules.compiler?.Compiler?.prototype?._compileMacro === 'function', 'Compiler.prototype._compileMacro');
  need(typeof modules.compiler?.Compiler?.prototype?._emitLine === 'function', 'Compiler.prototype._emitLine');
  need(typeof modules.lexer?.lex === 'function', 'lexer.lex');
  need(typeof modules.runtime?.makeMacro === 'function', 'runtime.makeMacro');
  need(typeof (modules.nodes?.BinOp as { extend?: unknown } | undefined)?.extend === 'function', 'nodes.BinOp.extend');
  if (missing.length > 0) {
    throw new NunjucksVersionError(
      `[@credflow/template-extension] this nunjucks lacks what credflow relies on (${missing.join(', ')}); it needs nunjucks ${NUNJUCKS_VERSION}`,
    );
  }
}

/** The version of the nunjucks this package imports, when Node's module cache holds it (not in a bundle). */
function ownVersion(): string | undefined {
  for (const mod of Object.values(localRequire.cache)) {
    if (mod?.exports === own && mod.filename.endsWith('index.js')) return versionBeside(mod.filename, '.');
  }
  return undefined;
}

/** The `version` of the `package.json` of the nunjucks whose file is `filename` (`dir` leads from it to the package). */
function versionBeside(filename: string, dir: string): string | undefined {
  try {
    return (createRequire(filename)(`${dir}/package.json`) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

/** The copy in Node's module cache that defines the environment's class. */
function cachedCopy(env: Environment): { modules: NunjucksModules; version: string | undefined } {
  for (const mod of Object.values(localRequire.cache)) {
    const exp = mod?.exports as { Environment?: unknown; Template?: unknown } | undefined;
    if (
      exp &&
      typeof exp.Environment === 'function' &&
      typeof exp.Template === 'function' &&
      env instanceof (exp.Environment as abstract new (...a: never[]) => object) &&
      mod?.filename.endsWith('environment.js')
    ) {
      const req = createRequire(mod.filename);
      const { Environment, Template } = req('./environment.js') as Pick<NunjucksModules, 'Environment' | 'Template'>;
      const modules: NunjucksModules = {
        Environment,
        Template,
        parser: req('./parser.js'),
        compiler: req('./compiler.js'),
        nodes: req('./nodes.js'),
        lexer: req('./lexer.js'),
        lib: req('./lib.js'),
        runtime: req('./runtime.js'),
      };
      return { modules, version: versionBeside(mod.filename, '..') };
    }
  }
  throw new TypeError('[@credflow/template-extension] registerCredentials() needs a nunjucks Environment');
}

/**
 * Renders a precompiled template (a `root` function, as nunjucks' compiler
 * would produce) on a throwaway environment: its render function gets the
 * Context, which nunjucks does not export. Nothing is lexed, parsed or
 * compiled, so this costs no template compilation at start-up.
 */
function probeContext(
  Environment: new () => Environment,
  Template: NunjucksInternals['Template'],
): { prototype: object } {
  let found: { prototype: object } | undefined;
  const root = (
    _env: unknown,
    context: object,
    _frame: unknown,
    _runtime: unknown,
    cb: (e: null, r: string) => void,
  ) => {
    found = context.constructor as { prototype: object };
    cb(null, '');
  };
  const Precompiled = Template as unknown as new (
    src: { type: 'code'; obj: object },
    env: Environment,
  ) => { render(ctx: object): string | null };
  // Without a callback the render is synchronous (an error would throw).
  new Precompiled({ type: 'code', obj: { root } }, new Environment()).render({});
  if (!found) throw new NunjucksVersionError('[@credflow/template-extension] this nunjucks has no render context');
  return found;
}
