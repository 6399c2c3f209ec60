import { runCli } from './cli.js';
import { commands } from './commands/index.js';

// Serving commands resolve only once stopped, so exiting here ends every command cleanly.
process.exit(await runCli(commands, process.argv.slice(2)));
