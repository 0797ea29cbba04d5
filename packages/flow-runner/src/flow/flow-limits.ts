import type { ConfigIssue } from '@credflow/credentials-core';

/**
 * How much one flow file may hold. Checking a flow compiles each templated
 * string (about a millisecond each on a busy two-core machine), so without
 * bounds a hostile 1.4 MB flow took minutes to validate. Real flows are far
 * below: Kestra's own test flows hold at most a few dozen templates.
 */
export const FLOW_LIMITS = {
  /** Bytes of a flow file. */
  maxFileBytes: 1024 * 1024,
  /** Strings that hold a template tag (`<<`, `<%`, `{{`, `{%`), in the whole file. */
  maxTemplates: 4_000,
  /** Template tags in the whole file. */
  maxTags: 16_000,
} as const;

/** Tag openings of either syntax (a raw block's text counts too: an upper bound). */
const TAG_OPENING = /<<|<%|\{\{|\{%/g;

/** The size problem of a flow file of `bytes`, or undefined when it fits. Checked on the open file, before it is read. */
export function flowFileSizeIssue(bytes: number): ConfigIssue | undefined {
  if (bytes <= FLOW_LIMITS.maxFileBytes) return undefined;
  return {
    path: '',
    line: 1,
    message: `flow file of ${(bytes / 1024 / 1024).toFixed(1)} MiB: credflow reads flow files of at most ${FLOW_LIMITS.maxFileBytes / 1024 / 1024} MiB`,
  };
}

/** Counts the templates and tags of a flow's strings as they are checked; says when one is over its limit. */
export class TemplateCounter {
  private templates = 0;
  private tags = 0;

  /** The problem `text` makes (the first string over a limit), or undefined. */
  add(text: string): string | undefined {
    TAG_OPENING.lastIndex = 0;
    let found = 0;
    while (TAG_OPENING.exec(text) !== null) {
      found++;
      if (this.tags + found > FLOW_LIMITS.maxTags) {
        return `more than ${FLOW_LIMITS.maxTags.toLocaleString('en-US')} template tags ('<<', '<%', '{{', '{%') in one flow file: credflow checks at most ${FLOW_LIMITS.maxTags.toLocaleString('en-US')}`;
      }
    }
    if (found === 0) return undefined;
    this.tags += found;
    if (++this.templates > FLOW_LIMITS.maxTemplates) {
      return `more than ${FLOW_LIMITS.maxTemplates.toLocaleString('en-US')} templated strings in one flow file: credflow checks at most ${FLOW_LIMITS.maxTemplates.toLocaleString('en-US')}`;
    }
    return undefined;
  }
}
