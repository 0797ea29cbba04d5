import { bindArguments, type Callee, optionalInteger, stdlibError, unwrapSafe } from './arguments.js';

/**
 * Pebble's `slice(fromIndex, toIndex)`: the part of a list or a text from
 * `fromIndex` (included, default 0) to `toIndex` (excluded, default the
 * end), as Pebble's `SliceFilter` (nunjucks' `slice(n)`, which splits a list
 * into n lists, is not Kestra's). Indexes out of bounds are errors, as in
 * Pebble.
 * @see https://pebbletemplates.io/wiki/filter/slice/
 */
export function sliceFilter(input: unknown, ...raw: unknown[]): unknown {
  const callee: Callee = { kind: 'filter', name: 'slice' };
  const args = bindArguments(callee, ['fromIndex', 'toIndex'], raw);
  const value = unwrapSafe(input);
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string' && !Array.isArray(value)) {
    throw stdlibError(callee, 'can only slice a list or a text');
  }
  const from = optionalInteger(callee, args, 'fromIndex') ?? 0;
  const to = optionalInteger(callee, args, 'toIndex') ?? value.length;
  if (from < 0) throw stdlibError(callee, "argument 'fromIndex' must be zero or more");
  if (to > value.length) throw stdlibError(callee, `argument 'toIndex' must be at most the length (${value.length})`);
  if (from > to) throw stdlibError(callee, "argument 'fromIndex' must not be greater than 'toIndex'");
  return value.slice(from, to);
}
