import { userInfo } from 'node:os';
import type { PortalAdmin } from '@atrium/portal';
import { CommandError, UsageError } from '../cli.js';
import { portalTarget } from './admin-config.js';

export type Values = Record<string, string | boolean | string[] | undefined>;

/** Options every admin command takes. */
export const ADMIN_OPTIONS = { data: { type: 'string' } } as const;

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
      if (error.status === 400) throw new UsageError(error.message, error.code);
      throw new CommandError(error.message, 1, error.code);
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

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += chunk.toString();
  return text;
}

/** Asks on the terminal without echo (a maintained prompt, writing to stderr so stdout stays clean). */
async function promptHidden(message: string): Promise<string> {
  const { default: password } = await import('@inquirer/password');
  return password({ message, mask: false }, { input: process.stdin, output: process.stderr });
}

/** A password from stdin (one line) or, on a terminal, typed twice without echo; never from argv. */
export async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) {
    const password = (await readAll(process.stdin)).replace(/\r?\n$/, '');
    if (!password) throw new UsageError('no password on stdin');
    return password;
  }
  const first = await promptHidden('New password:');
  const second = await promptHidden('Repeat password:');
  if (first !== second) throw new CommandError('the passwords differ');
  return first;
}
