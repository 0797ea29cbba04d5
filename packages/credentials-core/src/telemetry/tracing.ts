import { type Attributes, type Span, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';
import { ATTR, errorCode } from './attributes.js';

/** The tracer's name: what a host filters on. */
export const TRACER_NAME = '@credflow/credentials-core';

/** Span names (SPEC section 9). */
export const SPAN = {
  mint: 'credflow.token.mint',
  secretRead: 'credflow.secret.read',
  execution: 'credflow.flow.execution',
  task: 'credflow.task',
} as const;

/** The global tracer: a proxy until a host registers an SDK, a no-op if it never does. */
export function tracer(): Tracer {
  return trace.getTracer(TRACER_NAME);
}

/**
 * Runs `fn` in a new span, a child of the active one, and ends it: status
 * OK, or ERROR with the failure's code as `error.type`. Never records the
 * exception (its message could quote a server) and adds no events.
 * `after` adds attributes known once `fn` settled.
 */
export function inSpan<T>(
  name: string,
  attributes: Attributes,
  fn: (span: Span) => Promise<T>,
  after?: (result: T) => Attributes,
): Promise<T> {
  return tracer().startActiveSpan(name, { attributes }, async (span) => {
    try {
      const result = await fn(span);
      const more = after?.(result);
      if (more !== undefined) span.setAttributes(more);
      span.setAttribute(ATTR.outcome, 'success');
      span.setStatus({ code: SpanStatusCode.OK });
      return result;
    } catch (err) {
      failSpan(span, errorCode(err));
      throw err;
    } finally {
      span.end();
    }
  });
}

/** Marks a span failed with a code (never a message). */
export function failSpan(span: Span, code: string): void {
  span.setAttributes({ [ATTR.outcome]: 'error', [ATTR.errorType]: code });
  span.setStatus({ code: SpanStatusCode.ERROR, message: code });
}
