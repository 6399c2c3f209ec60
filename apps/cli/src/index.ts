export { runCli, UsageError, CommandError } from './cli.js';
export { commands } from './commands/index.js';
