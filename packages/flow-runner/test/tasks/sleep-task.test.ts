import { CredentialStore } from '@credflow/credentials-core';
import { describe, expect, it } from 'vitest';
import { sleepTask } from '../../src/tasks/sleep-task.js';
import { TaskError } from '../../src/tasks/task-type.js';
import { toBoolean } from '../../src/tasks/template-values.js';

const ctx = { taskId: 's', log: () => {}, store: CredentialStore.fromYaml(''), signal: new AbortController().signal };

describe('Sleep task and boolean properties: errors name the property, never the value', () => {
  it('Sleep: a bad duration', async () => {
    const err = await sleepTask.run({ duration: 'secret-token-0123456789abcdef' }, ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TaskError);
    expect((err as TaskError).message).toBe('duration: not an ISO-8601 duration (e.g. PT1S)');
    expect((err as TaskError).property).toBe('duration');
  });

  it('Sleep: waits a good one', async () => {
    await expect(sleepTask.run({ duration: 'PT0.01S' }, ctx)).resolves.toEqual({});
  });

  it('a boolean property that is not one', () => {
    expect(() => toBoolean('secret-token-0123456789abcdef', 'options.allowFailed')).toThrow(
      /^options.allowFailed: must be true or false$/,
    );
    expect(toBoolean('true', 'x')).toBe(true);
  });
});
