import type { Command } from '../cli.js';
import { auditCommands } from './audit.js';
import { authCommands } from './auth.js';
import { clusterCommands } from './cluster.js';
import { instanceIndexCommand } from './instance-index.js';
import { serviceCommands } from './services.js';
import { startCommand } from './start.js';
import { userCommands } from './users.js';

/** Every `atrium` command; `atrium --help` lists them in this order. */
export const commands: Command[] = [...serviceCommands, startCommand, ...userCommands, ...authCommands, ...auditCommands, ...clusterCommands, instanceIndexCommand];
