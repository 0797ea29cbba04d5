import { describe, expect, it } from 'vitest';
import type { Flow } from '../../src/flow/flow.js';
import { taskFailureMessage } from '../../src/tasks/task-failure.js';
import { TaskError } from '../../src/tasks/task-type.js';

const flow = {
  source: { file: 'flow.yaml', lineOf: (p: (string | number)[]) => (p.join('.') === 'tasks.1.uri' ? 9 : undefined) },
} as unknown as Flow;

describe('taskFailureMessage', () => {
  it('places a property error at its path and line and names the template, not the value', () => {
    const err = new TaskError('not a valid URL', { property: 'uri' });
    expect(
      taskFailureMessage(err, flow, ['tasks', 1], { uri: '<< vars.base >>?access_token=<< credential("k") >>' }),
    ).toBe(
      'tasks[1].uri (flow.yaml line 9): not a valid URL (template "<< vars.base >>?access_token=<< credential(\\"k\\") >>")',
    );
  });

  it('finds nested properties; a literal value is not repeated', () => {
    const err = new TaskError('not an ISO-8601 duration (e.g. PT30S)', { property: 'options.timeout' });
    expect(taskFailureMessage(err, flow, ['errors', 0], { options: { timeout: 'soon' } })).toBe(
      'errors[0].options.timeout (flow.yaml): not an ISO-8601 duration (e.g. PT30S)',
    );
  });

  it('keeps other messages as they are', () => {
    expect(taskFailureMessage(new Error('GET http://x/ answered HTTP 500'), flow, ['tasks', 0], {})).toBe(
      'GET http://x/ answered HTTP 500',
    );
  });
});
