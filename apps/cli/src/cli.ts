import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A wrong command, flag or argument: usage is printed and the exit code is 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** `ERR_USAGE`, or the portal's code for a value it refused. */
    readonly code = 'ERR_USAGE',
  ) {
    super(message);
  }
}

/** A failure the user can act on: the message is printed without a stack, exit code 1. */
export class CommandError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
    /** Stable, for scripts reading `--json` errors (the portal's codes pass through). */
    readonly code = 'ERR_FAILED',
  ) {
    super(message);
  }
}

/**
 * What a command prints, one layer for every command so that `--json` works the same everywhere:
 * text for people, or JSON (indented on a terminal, one line otherwise) with nothing else on stdout.
 */
export interface Output {
  readonly json: boolean;
  /** A listing: an aligned table, or a JSON array. */
  rows(rows: object[], columns: string[]): void;
  /** One thing shown: `key: value` lines, or a JSON object. */
  record(record: object): void;
  /** What a command did: `text` for people, `data` (a JSON object) under `--json`. */
  done(text: string, data: object): void;
  /** A status line for people (stdout); under `--json` it goes to stderr, so stdout stays JSON. */
  info(text: string): void;
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.join(',');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** The output layer over `io` (console in production); `pretty` JSON when stdout is a terminal. */
export function createOutput(io: Pick<Console, 'log' | 'error'>, json: boolean, pretty: boolean): Output {
  const emit = (value: unknown): void => void io.log(pretty ? JSON.stringify(value, null, 2) : JSON.stringify(value));
  return {
    json,
    rows(rows, columns) {
      if (json) return emit(rows);
      const cells = rows.map((row) => columns.map((c) => cell((row as Record<string, unknown>)[c])));
      const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]!.length)));
      const line = (values: string[]) =>
        values
          .map((v, i) => v.padEnd(widths[i]!))
          .join('  ')
          .trimEnd();
      io.log(line(columns.map((c) => c.toUpperCase())));
      for (const row of cells) io.log(line(row));
    },
    record(record) {
      if (json) return emit(record);
      for (const [key, value] of Object.entries(record)) io.log(`${key}: ${cell(value)}`);
    },
    done(text, data) {
      if (json) emit(data);
      else io.log(text);
    },
    info(text) {
      if (json) io.error(text);
      else io.log(text);
    },
  };
}

type Options = NonNullable<ParseArgsConfig['options']>;

export interface Command<O extends Options = Options> {
  /** Words that select the command, e.g. `['portal', 'serve']`. */
  path: string[];
  /** Positional arguments as shown in usage, e.g. `USERNAME`. */
  args?: string;
  summary: string;
  options?: O;
  /** How many positionals it takes; more or fewer is a usage error. */
  positionals?: { min: number; max: number };
  run(input: { values: Record<string, string | boolean | string[] | undefined>; positionals: string[]; out: Output }): Promise<number | void>;
}

export function defineCommand<O extends Options>(command: Command<O>): Command {
  return command as unknown as Command;
}

/** Flags every command takes, whether or not it lists them. */
const GLOBAL_OPTIONS = { help: { type: 'boolean', short: 'h' }, json: { type: 'boolean' } } as const;

export function usage(commands: Command[]): string {
  const lines = commands.map((c) => {
    const flags = Object.entries(c.options ?? {})
      .map(([name, o]) => {
        const flag = o.short ? `-${o.short}|--${name}` : `--${name}`;
        return o.type === 'boolean' ? `[${flag}]` : `[${flag} ${name.toUpperCase().replace(/-/g, '_')}]`;
      })
      .join(' ');
    return `  atrium ${[...c.path, c.args ?? '', flags].filter(Boolean).join(' ')}\n      ${c.summary}`;
  });
  return `Usage: atrium <command> [options]\n\nCommands:\n${lines.join('\n')}\n\n  atrium --help            this text\n  atrium <command> --help  one command\n\nEvery command takes --json: its result as JSON on stdout, errors as {"error":{"code","message"}} on stderr.\nExit codes: 0 ok, 1 failure, 2 usage.`;
}

/** Finds the command whose path is the longest prefix of argv. */
export function findCommand(commands: Command[], argv: string[]): { command: Command; rest: string[] } | undefined {
  const matches = commands
    .filter((c) => c.path.every((word, i) => argv[i] === word))
    .sort((a, b) => b.path.length - a.path.length);
  const command = matches[0];
  return command ? { command, rest: argv.slice(command.path.length) } : undefined;
}

export function parseCommandArgs(command: Command, rest: string[]) {
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: { ...(command.options ?? {}), ...GLOBAL_OPTIONS }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { min, max } = command.positionals ?? { min: 0, max: 0 };
  const n = parsed.positionals.length;
  if (!parsed.values.help && (n < min || n > max)) {
    throw new UsageError(n < min ? `missing argument: ${command.args ?? ''}` : `unexpected argument: ${parsed.positionals[max]}`);
  }
  return parsed;
}

/** The `--json` form of a failure: a stable code and the message, never a stack. */
function errorCode(error: unknown): { code: string; message: string } {
  if (error instanceof UsageError) return { code: error.code, message: error.message };
  if (error instanceof CommandError) return { code: error.code, message: error.message };
  const e = error as Error & { code?: unknown };
  const code = typeof e?.code === 'string' && /^ERR_[A-Z0-9_]+$/.test(e.code) ? e.code : 'ERR_INTERNAL';
  return { code, message: e?.message ?? String(error) };
}

/**
 * Runs argv against the commands; returns the exit code. `tty` says whether stdout is a terminal
 * (indented JSON) or not (one line per JSON value).
 */
export async function runCli(
  commands: Command[],
  argv: string[],
  io: Pick<Console, 'log' | 'error'> = console,
  tty = process.stdout.isTTY === true,
): Promise<number> {
  const json = argv.includes('--json');
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.log(usage(commands));
    return argv.length === 0 ? 2 : 0;
  }
  const found = findCommand(commands, argv);
  try {
    if (!found) throw new UsageError(`unknown command: ${argv.filter((a) => !a.startsWith('-')).slice(0, 3).join(' ')}`);
    const parsed = parseCommandArgs(found.command, found.rest);
    if (parsed.values.help) {
      io.log(usage([found.command]));
      return 0;
    }
    const out = createOutput(io, json, tty);
    const code = await found.command.run({ values: parsed.values as never, positionals: parsed.positionals, out });
    return typeof code === 'number' ? code : 0;
  } catch (error) {
    if (json) io.error(JSON.stringify({ error: errorCode(error) }));
    if (error instanceof UsageError) {
      if (!json) {
        io.error(`atrium: ${error.message}\n`);
        io.error(usage(found ? [found.command] : commands));
      }
      return 2;
    }
    if (error instanceof CommandError) {
      if (!json) io.error(`atrium: ${error.message}`);
      return error.exitCode;
    }
    const e = error as Error & { code?: string };
    if (!json) io.error(`atrium: ${e.code === 'ERR_CONFIG' ? e.message : (e.stack ?? String(e))}`);
    return 1;
  }
}
