/** A line whose indentation does not fit the block it is in. */
export interface IndentationFault {
  /** 1-based line. */
  line: number;
  /** Its indentation, in spaces. */
  indent: number;
  /** The indentation its block has. */
  expected: number;
}

/**
 * Finds the first line whose indentation fits no open block mapping or
 * list, for a YAML file the parser refused. One misplaced line makes the
 * parser report errors at the lines around it (often several, none at the
 * line itself); this finds the line:
 *
 * - more indented than the line before, which already has a value
 *   (`type: x` then `   message: y`);
 * - less indented than its block, at a column no enclosing block has;
 * - the only line of a block, whose next lines all sit at another column
 *   (`second:` then `     type: x` then `    clientId: y`);
 * - moved out of its block to an outer column, when the next line is back
 *   in that block (`    clientId: x` then `clientSecret: y` then `    scopes: z`).
 *
 * Returns undefined when it cannot tell (tabs, flow collections or quoted
 * text over several lines, several documents): the parser's errors stand.
 */
export function findIndentationFault(text: string): IndentationFault | undefined {
  const lines = text.split(/\r?\n/);
  /** Columns of the open blocks, outermost first, and the line that opened each. */
  const levels: { indent: number; line: number; byKey: boolean }[] = [{ indent: 0, line: 0, byKey: false }];
  /** The previous content line ended in `key:` or `-` (a block opens under it). */
  let opener: { indent: number; byKey: boolean } | undefined;
  /** Inside a block scalar (`|`, `>`): lines indented more than this are its text. */
  let scalarIndent: number | undefined;
  /** The previous content line left blocks: their columns, for the "moved out" case. */
  let left: { line: number; indents: number[]; indent: number } | undefined;
  let previous = 0;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] as string;
    const line = i + 1;
    const trimmed = raw.trim();
    const indent = raw.length - raw.trimStart().length;
    if (scalarIndent !== undefined) {
      if (trimmed === '' || indent > scalarIndent) continue;
      scalarIndent = undefined;
    }
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    if (/^\s*\t/.test(raw) || (indent === 0 && /^(---|\.\.\.|%)/.test(raw))) return undefined;
    const top = levels.at(-1) as (typeof levels)[number];
    if (opener && indent > opener.indent) {
      levels.push({ indent, line, byKey: opener.byKey });
    } else if (indent > top.indent) {
      // More indented than a line that has a value.
      if (left && left.line === previous && left.indents.includes(indent)) {
        return { line: left.line, indent: left.indent, expected: indent };
      }
      return { line, indent, expected: top.indent };
    } else if (indent < top.indent) {
      const popped: number[] = [];
      let closed = top;
      while ((levels.at(-1) as (typeof levels)[number]).indent > indent) {
        closed = levels.pop() as (typeof levels)[number];
        popped.push(closed.indent);
      }
      const outer = levels.at(-1) as (typeof levels)[number];
      if (outer.indent !== indent) {
        // At no open column: the line is wrong, or the single line before it opened a block at a wrong column.
        if (closed.byKey && closed.line === previous && indent > outer.indent) {
          return { line: closed.line, indent: closed.indent, expected: indent };
        }
        return { line, indent, expected: popped.at(-1) ?? outer.indent };
      }
      left = { line, indents: popped, indent };
    }
    previous = line;
    // What the line holds: a list item's content is a block of its own, at the column after `- `.
    let rest = trimmed;
    let column = indent;
    let dash: number | undefined;
    while (/^-(\s|$)/.test(rest)) {
      dash = column;
      const content = rest.slice(1).trimStart();
      column += rest.length - content.length;
      rest = content;
      if (rest === '' || rest.startsWith('#')) break;
      levels.push({ indent: column, line, byKey: false });
    }
    const text = stripComment(rest);
    const value = valuePart(text);
    if (/^[[{]/.test(value) && !balanced(value)) return undefined;
    if (/^["']/.test(value) && !closedQuote(value)) return undefined;
    if (/(^|\s)[|>][-+0-9]*$/.test(text)) {
      scalarIndent = indent;
      opener = undefined;
    } else if (text === '' && dash !== undefined) {
      opener = { indent: dash, byKey: false }; // `-` alone: the item is on the next lines
    } else if (text.endsWith(':')) {
      opener = { indent: column, byKey: true }; // `key:` alone: its value is on the next lines
    } else {
      opener = undefined;
    }
  }
  return undefined;
}

/** The text of a line without a trailing ` # comment` (outside quotes). */
function stripComment(text: string): string {
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '#' && (i === 0 || /\s/.test(text[i - 1] as string))) {
      return text.slice(0, i).trimEnd();
    }
  }
  return text.trimEnd();
}

/** The value part of `key: value` (or the whole text when it is no mapping entry). */
function valuePart(text: string): string {
  const m = /^(?:"[^"]*"|'[^']*'|[^\s"'[{][^:]*?)\s*:(?:\s+|$)(.*)$/.exec(text);
  return m ? (m[1] as string) : text;
}

function balanced(text: string): boolean {
  let depth = 0;
  for (const c of text) {
    if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth--;
  }
  return depth <= 0;
}

function closedQuote(text: string): boolean {
  const q = text[0] as string;
  return text.length > 1 && text.trimEnd().endsWith(q);
}
