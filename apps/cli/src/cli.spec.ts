import { describe, expect, it } from 'vitest';
import { CommandError, createOutput, defineCommand, findCommand, runCli, usage } from './cli.js';
import { commands } from './commands/index.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { log: (s: string) => out.push(s), error: (s: string) => err.push(s) } as unknown as Console, out, err };
}

const calls: unknown[] = [];
const demo = [
  defineCommand({
    path: ['users', 'show'],
    args: 'USERNAME',
    summary: 'Show one account.',
    options: { json: { type: 'boolean' } },
    positionals: { min: 1, max: 1 },
    run: async (input) => void calls.push(input),
  }),
  defineCommand({ path: ['users'], summary: 'List accounts.', run: async () => 0 }),
  defineCommand({
    path: ['fail'],
    summary: 'Fails.',
    run: async () => {
      throw new CommandError('no such node: x');
    },
  }),
  defineCommand({
    path: ['crash'],
    summary: 'Crashes.',
    run: async () => {
      throw Object.assign(new Error('DATABASE_URL: is required'), { code: 'ERR_CONFIG' });
    },
  }),
];

describe('runCli', () => {
  it('lists every command in --help and exits 0', async () => {
    const { io, out } = capture();
    expect(await runCli(commands, ['--help'], io)).toBe(0);
    for (const words of ['portal serve', 'portal migrate', 'instance serve', 'instance migrate', 'worker', 'start']) {
      expect(out.join('\n')).toContain(`atrium ${words}`);
    }
  });

  it('prints usage and exits 2 without a command, with an unknown one, or with a bad flag', async () => {
    for (const argv of [[], ['bogus'], ['users', 'show'], ['users', 'show', 'a', 'b'], ['users', 'show', 'ann', '--colour']]) {
      const { io, out, err } = capture();
      expect(await runCli(demo, argv, io)).toBe(2);
      expect([...out, ...err].join('\n')).toContain('Usage: atrium');
    }
  });

  it('picks the longest matching command and passes flags and arguments', async () => {
    const { io } = capture();
    expect(await runCli(demo, ['users', 'show', 'ann', '--json'], io)).toBe(0);
    expect(calls.at(-1)).toMatchObject({ values: { json: true }, positionals: ['ann'], out: { json: true } });
    expect(findCommand(demo, ['users'])?.command.summary).toBe('List accounts.');
  });

  it('shows one command with --help', async () => {
    const { io, out } = capture();
    expect(await runCli(demo, ['users', 'show', '--help'], io)).toBe(0);
    expect(out.join('\n')).toContain('atrium users show USERNAME [--json]');
  });

  it('exits 1 with the message on a failure, without a stack for config errors', async () => {
    const failing = capture();
    expect(await runCli(demo, ['fail'], failing.io)).toBe(1);
    expect(failing.err).toEqual(['atrium: no such node: x']);
    const crashing = capture();
    expect(await runCli(demo, ['crash'], crashing.io)).toBe(1);
    expect(crashing.err).toEqual(['atrium: DATABASE_URL: is required']);
  });

  it('accepts --json on every command and answers errors as one JSON line on stderr', async () => {
    const listed = capture();
    expect(await runCli(demo, ['users', '--json'], listed.io)).toBe(0);
    const failing = capture();
    expect(await runCli(demo, ['fail', '--json'], failing.io)).toBe(1);
    expect(failing.err.map((l) => JSON.parse(l))).toEqual([{ error: { code: 'ERR_FAILED', message: 'no such node: x' } }]);
    const crashing = capture();
    expect(await runCli(demo, ['crash', '--json'], crashing.io)).toBe(1);
    expect(crashing.err.map((l) => JSON.parse(l))).toEqual([{ error: { code: 'ERR_CONFIG', message: 'DATABASE_URL: is required' } }]);
    const usage = capture();
    expect(await runCli(demo, ['users', 'show', '--json'], usage.io)).toBe(2);
    expect(usage.out).toEqual([]);
    expect(usage.err.map((l) => JSON.parse(l))).toEqual([{ error: { code: 'ERR_USAGE', message: 'missing argument: USERNAME' } }]);
  });

  it('prints tables, records and results as text, or as JSON indented only on a terminal', () => {
    const lines: string[] = [];
    const io = { log: (s: string) => lines.push(s), error: (s: string) => lines.push(`! ${s}`) };
    const text = createOutput(io, false, false);
    text.rows([{ name: 'ann', at: new Date(0), groups: ['a', 'b'] }], ['name', 'at', 'groups']);
    text.record({ name: 'ann', missing: null });
    text.done('did it', { did: true });
    text.info('status');
    expect(lines.splice(0)).toEqual(['NAME  AT                        GROUPS', 'ann   1970-01-01T00:00:00.000Z  a,b', 'name: ann', 'missing: ', 'did it', 'status']);
    const line = createOutput(io, true, false);
    line.rows([{ name: 'ann' }], ['name']);
    line.done('did it', { did: true });
    line.info('status');
    expect(lines.splice(0)).toEqual(['[{"name":"ann"}]', '{"did":true}', '! status']);
    createOutput(io, true, true).record({ a: 1 });
    expect(lines).toEqual(['{\n  "a": 1\n}']);
  });

  it('renders string options with a placeholder', () => {
    expect(usage(commands)).toContain('atrium start [--instances INSTANCES] [--data DATA] [--port PORT] [--host HOST]');
  });
});
