import { EnvReader } from '@atrium/server';
import { defineCommand } from '../cli.js';

/** Keeps a served process alive until a signal; the app's shutdown hooks close it. */
async function untilStopped(app: { close(): Promise<void> }): Promise<number> {
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    // Started by `atrium start` with an IPC channel: when that parent dies (even by kill -9), stop.
    if (process.send) process.once('disconnect', stop);
  });
  await app.close();
  return 0;
}

interface ServiceModule {
  serve(): Promise<{ close(): Promise<void> }>;
  migrate(config: { databaseUrl: string }): Promise<string[]>;
}

const load: Record<'portal' | 'instance', () => Promise<ServiceModule>> = {
  portal: () => import('@atrium/portal') as Promise<ServiceModule>,
  instance: () => import('@atrium/instance') as Promise<ServiceModule>,
};

function serveCommand(service: 'portal' | 'instance', summary: string) {
  return defineCommand({ path: [service, 'serve'], summary, run: async () => untilStopped(await (await load[service]()).serve()) });
}

function migrateCommand(service: 'portal' | 'instance') {
  return defineCommand({
    path: [service, 'migrate'],
    summary: `Create the ${service}'s database if missing and apply pending migrations (DATABASE_URL).`,
    run: async () => {
      const databaseUrl = new EnvReader(process.env).url('DATABASE_URL', { protocols: ['postgres:', 'postgresql:'] });
      const applied = await (await load[service]()).migrate({ databaseUrl });
      console.log(applied.length ? `applied: ${applied.join(', ')}` : `${service} database is up to date`);
    },
  });
}

export const serviceCommands = [
  serveCommand('portal', 'Run the portal (sign-in, the OIDC issuer for instances, cluster admin) from the environment.'),
  migrateCommand('portal'),
  serveCommand('instance', 'Run one instance (a library) from the environment (NODE_NAME, DATABASE_URL, REDIS_URL, …).'),
  migrateCommand('instance'),
  defineCommand({
    path: ['worker'],
    summary: 'Run the media worker for the instances in WORKER_INSTANCES (thumbnails, metadata, video).',
    run: async () => {
      const { main } = await import('@atrium/worker');
      await main(process.env);
    },
  }),
];
