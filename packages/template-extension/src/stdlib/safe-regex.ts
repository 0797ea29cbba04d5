import { type Callee, stdlibError } from './arguments.js';

/** The longest regular expression a template may give `split` or `replace(..., regexp=true)`. */
export const MAX_PATTERN_LENGTH = 500;
/** The longest text a regular expression is run on. */
export const MAX_REGEX_INPUT = 1_000_000;

/**
 * Refuses regular expressions whose matching time can explode
 * (catastrophic backtracking), conservatively: a quantified group that
 * itself holds a quantifier or an alternation (`(a+)+`, `(a|a)*`,
 * `(\w+\s?)*`), backreferences and lookbehinds. Then compiles it.
 * Java and JavaScript agree on the syntax flows use (classes, groups,
 * quantifiers, `$1` in replacements).
 */
export function compileSafeRegex(callee: Callee, pattern: string, flags: string): RegExp {
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw stdlibError(callee, `the regular expression is longer than ${MAX_PATTERN_LENGTH} characters`);
  }
  // For each open group: whether it holds a quantifier or an alternation.
  const stack: boolean[] = [];
  let risky = false; // the group just closed holds a quantifier or alternation
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      const next = pattern[i + 1] ?? '';
      if (!inClass && (/[1-9]/.test(next) || next === 'k')) {
        throw stdlibError(callee, 'backreferences are not allowed in regular expressions');
      }
      i++;
      risky = false;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    const quantifier = c === '*' || c === '+' || c === '?' || (c === '{' && /^\{\d+(,\d*)?\}/.test(pattern.slice(i)));
    if (quantifier) {
      const repeats = c !== '?' && !/^\{(\d+)(,\1)?\}/.test(pattern.slice(i));
      if (risky && repeats) {
        throw stdlibError(
          callee,
          'the regular expression repeats a group that repeats or alternates (catastrophic backtracking)',
        );
      }
      if (stack.length && repeats) stack[stack.length - 1] = true;
      risky = false;
      if (c === '{') i = pattern.indexOf('}', i);
      continue;
    }
    risky = false;
    if (c === '[') inClass = true;
    else if (c === '(') {
      if (pattern.startsWith('(?<=', i) || pattern.startsWith('(?<!', i)) {
        throw stdlibError(callee, 'lookbehinds are not allowed in regular expressions');
      }
      stack.push(false);
    } else if (c === ')') {
      risky = stack.pop() ?? false;
      if (risky && stack.length) stack[stack.length - 1] = true;
    } else if (c === '|') {
      if (stack.length) stack[stack.length - 1] = true;
    }
  }
  try {
    return new RegExp(pattern, flags);
  } catch {
    throw stdlibError(callee, 'the regular expression is not valid');
  }
}
