import type { Command } from '../cli.js';
import { serviceCommands } from './services.js';
import { startCommand } from './start.js';

/** Every `atrium` command; `atrium --help` lists them in this order. */
export const commands: Command[] = [...serviceCommands, startCommand];
