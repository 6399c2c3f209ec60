import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A wrong command, flag or argument: usage is printed and the exit code is 2. */
export class UsageError extends Error {
  readonly code = 'ERR_USAGE';
}

/** A failure the user can act on: the message is printed without a stack, exit code 1. */
export class CommandError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
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
  run(input: { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] }): Promise<number | void>;
}

export function defineCommand<O extends Options>(command: Command<O>): Command {
  return command as unknown as Command;
}

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
  return `Usage: atrium <command> [options]\n\nCommands:\n${lines.join('\n')}\n\n  atrium --help            this text\n  atrium <command> --help  one command\n\nExit codes: 0 ok, 1 failure, 2 usage.`;
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
    parsed = parseArgs({ args: rest, options: { ...(command.options ?? {}), help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
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

/** Runs argv against the commands; returns the exit code. */
export async function runCli(commands: Command[], argv: string[], out = console): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    out.log(usage(commands));
    return argv.length === 0 ? 2 : 0;
  }
  const found = findCommand(commands, argv);
  try {
    if (!found) throw new UsageError(`unknown command: ${argv.filter((a) => !a.startsWith('-')).slice(0, 3).join(' ')}`);
    const parsed = parseCommandArgs(found.command, found.rest);
    if (parsed.values.help) {
      out.log(usage([found.command]));
      return 0;
    }
    const code = await found.command.run({ values: parsed.values as never, positionals: parsed.positionals });
    return typeof code === 'number' ? code : 0;
  } catch (error) {
    if (error instanceof UsageError) {
      out.error(`atrium: ${error.message}\n`);
      out.error(usage(found ? [found.command] : commands));
      return 2;
    }
    if (error instanceof CommandError) {
      out.error(`atrium: ${error.message}`);
      return error.exitCode;
    }
    const e = error as Error & { code?: string };
    out.error(`atrium: ${e.code === 'ERR_CONFIG' ? e.message : (e.stack ?? String(e))}`);
    return 1;
  }
}
