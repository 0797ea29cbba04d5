import { frameOf } from '../render-frames.js';
import { type Callee, checkLength } from './arguments.js';

/**
 * Refuses to build a string of `length` characters past the render's
 * `maxOutputBytes` (`this` of a filter or function is the render's nunjucks
 * context); outside credflow's renders, past {@link checkLength}'s bound.
 */
export function checkResultLength(context: unknown, callee: Callee, length: number): void {
  const budget = frameOf(context)?.budget;
  if (budget) budget.checkLength(length);
  else checkLength(callee, length);
}

/** Refuses to build a list of `count` items past the render's `maxRange`. */
export function checkResultCount(context: unknown, callee: Callee, count: number): void {
  const budget = frameOf(context)?.budget;
  if (budget) budget.checkCount(count, `${callee.kind} '${callee.name}'`);
  else checkLength(callee, count);
}
