/**
 * Parts of the template language that need a large library (the date
 * functions need luxon, regular expressions need RE2) load it before the
 * first template whose source may use them renders: a CLI run whose
 * templates use neither never loads them.
 */

/** A library loaded on first use. */
export interface LazyLibrary {
  /** Whether a template's source may need it (a yes for a look-alike name only loads it early). */
  needs: RegExp;
  loaded(): boolean;
  load(): Promise<unknown>;
  /** Whether templates of this environment use it. */
  appliesTo(env: unknown): boolean;
}

interface TemplateInternals {
  env?: unknown;
  tmplStr?: unknown;
  rootRenderFunc?: RootRender;
  render(...args: unknown[]): unknown;
  _compile(): void;
}
type RootRender = (
  env: unknown,
  context: unknown,
  frame: unknown,
  runtime: unknown,
  cb: (err: unknown, res?: unknown) => void,
) => void;

const PATCHED = Symbol.for('credflow.lazy-libraries');
type Patched = TemplateInternals & { [PATCHED]?: LazyLibrary[] };
/** Synchronous renders in progress: they cannot wait for an import. */
let syncRenders = 0;

/**
 * Makes compiled templates wait for `library` when their source may need
 * it and it is not loaded yet. Every way nunjucks runs a template's code
 * (render, include, import, extends) goes through its root render function,
 * whose callback nunjucks already treats as asynchronous; synchronous
 * renders are left as they are.
 */
export function deferUntilLoaded(Template: { prototype: object }, library: LazyLibrary): void {
  const proto = Template.prototype as Patched;
  const known = proto[PATCHED];
  if (known) {
    if (!known.includes(library)) known.push(library);
    return;
  }
  const libraries = [library];
  proto[PATCHED] = libraries;
  const render = proto.render;
  proto.render = function (this: TemplateInternals, ...args: unknown[]): unknown {
    if (args.some((a) => typeof a === 'function')) return render.apply(this, args);
    syncRenders++;
    try {
      return render.apply(this, args);
    } finally {
      syncRenders--;
    }
  };
  const compile = proto._compile;
  proto._compile = function (this: TemplateInternals): void {
    compile.call(this);
    const root = this.rootRenderFunc;
    if (!root) return;
    const src = typeof this.tmplStr === 'string' ? this.tmplStr : undefined;
    const missing = libraries.filter(
      (l) => !l.loaded() && l.appliesTo(this.env) && (src === undefined || l.needs.test(src)),
    );
    if (missing.length === 0) return;
    this.rootRenderFunc = function (this: unknown, env, context, frame, runtime, cb) {
      const waiting = missing.filter((l) => !l.loaded());
      if (waiting.length === 0 || syncRenders > 0) {
        root.call(this, env, context, frame, runtime, cb);
        return;
      }
      Promise.all(waiting.map((l) => l.load())).then(
        () => {
          try {
            root.call(this, env, context, frame, runtime, cb);
          } catch (err) {
            cb(err);
          }
        },
        (err: unknown) => cb(err),
      );
    };
  };
}
