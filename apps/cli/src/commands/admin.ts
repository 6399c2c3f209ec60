import { userInfo } from 'node:os';
import { createInterface } from 'node:readline';
import type { PortalAdmin } from '@atrium/portal';
import { CommandError, UsageError } from '../cli.js';
import { portalTarget } from './admin-config.js';

export type Values = Record<string, string | boolean | string[] | undefined>;

/** Options every admin command takes. */
export const ADMIN_OPTIONS = { data: { type: 'string' } } as const;
export const JSON_OPTION = { json: { type: 'boolean' } } as const;

/** Who the audit log names for this command. */
export function actor(): string {
  return `cli:${userInfo().username}`;
}

/**
 * Runs `work` against the portal's database and closes it. Bad values (the portal's 400 refusals)
 * are usage errors (exit 2); other refusals are failures (exit 1) with the portal's message.
 */
export async function withPortal<T>(values: Values, work: (portal: PortalAdmin) => Promise<T>): Promise<T> {
  const { openPortalAdmin, PortalError } = await import('@atrium/portal');
  const portal = await openPortalAdmin(portalTarget(values.data as string | undefined));
  try {
    return await work(portal);
  } catch (error) {
    if (error instanceof PortalError) {
      if (error.status === 400) throw new UsageError(error.message);
      throw new CommandError(error.message);
    }
    throw error;
  } finally {
    await portal.close();
  }
}

export function str(values: Values, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

export function list(values: Values, name: string): string[] {
  const value = values[name];
  return Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
}

export function required(values: Values, name: string): string {
  const value = str(values, name);
  if (!value) throw new UsageError(`--${name} is required`);
  return value;
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.join(',');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Prints rows as an aligned table, or as JSON with `--json`. */
export function printRows(rows: object[], columns: string[], json: boolean): void {
  if (json) {
    console.log(JSON.stringify(rows, null, 2));
    return;
  }
  const cells = rows.map((row) => columns.map((c) => cell((row as Record<string, unknown>)[c])));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]!.length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  console.log(line(columns.map((c) => c.toUpperCase())));
  for (const row of cells) console.log(line(row));
}

/** Prints one record as `key: value` lines, or as JSON. */
export function printRecord(record: object, json: boolean): void {
  if (json) {
    console.log(JSON.stringify(record, null, 2));
    return;
  }
  for (const [key, value] of Object.entries(record)) console.log(`${key}: ${cell(value)}`);
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += chunk.toString();
  return text;
}

function promptHidden(question: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    const output = rl as unknown as { _writeToOutput(s: string): void };
    output._writeToOutput = (s: string) => {
      if (s.includes(question)) process.stderr.write(question);
    };
    rl.question(question, (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
  });
}

/** A password from stdin (one line) or, on a terminal, typed twice without echo; never from argv. */
export async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) {
    const password = (await readAll(process.stdin)).replace(/\r?\n$/, '');
    if (!password) throw new UsageError('no password on stdin');
    return password;
  }
  const first = await promptHidden('New password: ');
  const second = await promptHidden('Repeat password: ');
  if (first !== second) throw new CommandError('the passwords differ');
  return first;
}
