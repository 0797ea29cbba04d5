import { describe, expect, it } from 'vitest';
import { parseFlow } from '../../src/flow/load-flow.js';
import { FlowError } from '../../src/index.js';

const issues = (text: string, checkTemplate?: (src: string) => string[]) => {
  try {
    parseFlow(text, 'f.yaml', checkTemplate ? { checkTemplate } : {});
  } catch (err) {
    expect(err).toBeInstanceOf(FlowError);
    return (err as FlowError).issues;
  }
  return [];
};

describe('parseFlow', () => {
  it('reads a flow with defaults for the optional parts', () => {
    const flow = parseFlow(
      'id: f\nnamespace: a.b\ntasks:\n  - { id: t, type: io.kestra.plugin.core.log.Log, message: hi }\n',
      'f.yaml',
    );
    expect(flow).toMatchObject({ id: 'f', namespace: 'a.b', inputs: [], variables: {}, errors: [], outputs: [] });
    expect(flow.tasks).toEqual([{ id: 't', type: 'io.kestra.plugin.core.log.Log', message: 'hi', level: 'INFO' }]);
    expect(flow.source.lineOf(['tasks', 0, 'message'])).toBe(4);
  });

  it('accepts older Kestra type names and auth at both places', () => {
    const flow = parseFlow(
      `id: f
namespace: a.b
tasks:
  - { id: a, type: io.kestra.core.tasks.log.Log, message: hi }
  - { id: b, type: io.kestra.plugin.core.http.Request, uri: "http://127.0.0.1/x", options: { auth: { type: BASIC, username: u, password: p } } }
`,
      'f.yaml',
    );
    expect(flow.tasks.map((t) => t.id)).toEqual(['a', 'b']);
  });

  it('names every problem with its path and line', () => {
    expect(
      issues(`id: "bad id"
namespace: a..b
tasks:
  - { id: t, type: io.kestra.plugin.core.log.Log, message: hi, level: LOUD }
  - { id: t, type: io.kestra.plugin.core.flow.Sleep }
`),
    ).toEqual([
      { path: 'id', line: 1, message: "flow ids use letters, digits, '_' and '-'" },
      { path: 'namespace', line: 2, message: 'namespaces are dot-separated names (e.g. company.team)' },
      { path: 'tasks[0].level', line: 4, message: expect.stringContaining('expected one of') },
      { path: 'tasks[1].duration', line: 5, message: 'is required' },
      { path: 'tasks[1].id', line: 5, message: "duplicate task id 't' (first used at tasks[0])" },
    ]);
  });

  it('reports template problems found by the checker at the line of the string', () => {
    const found = issues(
      'id: f\nnamespace: a.b\ntasks:\n  - id: t\n    type: io.kestra.plugin.core.log.Log\n    message: "<< x"\n',
      (src) => (src.includes('<<') ? ['template error: unclosed'] : []),
    );
    expect(found).toEqual([{ path: 'tasks[0].message', line: 6, message: 'template error: unclosed' }]);
  });
});

describe('pluginDefaults types (issue 28: validate checks them)', () => {
  const flow = (type: string) =>
    [
      'id: f',
      'namespace: company.team',
      'pluginDefaults:',
      `  - type: ${type}`,
      '    values: { message: from the default }',
      'tasks:',
      '  - id: l',
      '    type: io.kestra.plugin.core.log.Log',
      '    message: its own',
      '',
    ].join('\n');

  it('a near miss of a task type credflow runs is refused at its line, with the near type', () => {
    let error: unknown;
    try {
      parseFlow(flow('io.kestra.plugin.core.log.Logg'), 'f.yaml');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(FlowError);
    expect((error as FlowError).message).toContain(
      "f.yaml:4: pluginDefaults[0].type: no task type 'io.kestra.plugin.core.log.Logg' applies this default (did you mean 'io.kestra.plugin.core.log.Log'?)",
    );
  });

  it.each([
    ['a task type', 'io.kestra.plugin.core.log.Log'],
    ['a package prefix', 'io.kestra.plugin.core'],
    ["another plugin's type (Kestra flows carry them)", 'io.kestra.plugin.jdbc.postgres.Query'],
  ])('%s is accepted', (_, type) => {
    expect(parseFlow(flow(type), 'f.yaml').tasks).toHaveLength(1);
  });
});
