import { defineCommand, UsageError } from '../cli.js';
import { dataDirFrom } from '../start/settings.js';
import { parseInstances, parseOriginals, start } from '../start/start.js';

export const startCommand = defineCommand({
  path: ['start'],
  summary:
    'Run a whole cluster on this machine: Postgres, Redis, the portal, the instances (default family,studio, each with demo photos on its first run unless --empty or --originals NAME=FOLDER) and a worker.',
  options: {
    instances: { type: 'string' },
    data: { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' },
    empty: { type: 'boolean' },
    originals: { type: 'string' },
    verbose: { type: 'boolean' },
    'with-idp': { type: 'boolean' },
  },
  run: async ({ values, out }) => {
    const port = Number(values.port ?? 8080);
    if (!Number.isInteger(port) || port < 1024 || port > 60000) throw new UsageError('--port must be a number from 1024 to 60000');
    const instances = parseInstances(values.instances as string | undefined);
    return start({
      dataDir: dataDirFrom(values.data as string | undefined),
      instances,
      port,
      host: (values.host as string | undefined) ?? '127.0.0.1',
      empty: values.empty === true,
      originals: parseOriginals(values.originals as string | undefined, instances),
      verbose: values.verbose === true,
      withIdp: values['with-idp'] === true,
      out,
    });
  },
});
