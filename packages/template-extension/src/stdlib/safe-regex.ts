import { compileLinear, type LinearPattern, RegexError } from '../regex/linear-regex.js';
import { type Callee, stdlibError } from './arguments.js';

export { MAX_PATTERN_LENGTH, MAX_REGEX_INPUT } from '../regex/linear-regex.js';

/**
 * Compiles a regular expression a template gave to a standard-library
 * filter, on RE2's linear-time engine (see regex/linear-regex.ts). Java and
 * RE2 agree on the syntax flows use (classes, groups, quantifiers, `$1` in
 * replacements); what needs backtracking is refused with the filter named.
 */
export function compileSafeRegex(callee: Callee, pattern: string, flags = ''): LinearPattern {
  try {
    return compileLinear(pattern, flags);
  } catch (err) {
    if (err instanceof RegexError) throw stdlibError(callee, err.message);
    throw err;
  }
}
