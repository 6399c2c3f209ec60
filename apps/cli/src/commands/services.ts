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

export const serviceCommands = [
  defineCommand({
    path: ['portal', 'serve'],
    summary: 'Run the portal (sign-in, the OIDC issuer for instances, cluster admin) from the environment.',
    run: async () => untilStopped(await (await import('@atrium/portal')).serve()),
  }),
  defineCommand({
    path: ['portal', 'migrate'],
    summary: "Create the portal's database if missing and apply pending migrations (DATABASE_URL).",
    run: async () => {
      const { migrate, loadPortalConfig } = await import('@atrium/portal');
      const applied = await migrate(loadPortalConfig());
      console.log(applied.length ? `applied: ${applied.join(', ')}` : 'portal database is up to date');
    },
  }),
  defineCommand({
    path: ['instance', 'serve'],
    summary: 'Run one instance (a library) from the environment (NODE_NAME, DATABASE_URL, REDIS_URL, …).',
    run: async () => untilStopped(await (await import('@atrium/instance')).serve()),
  }),
  defineCommand({
    path: ['instance', 'migrate'],
    summary: "Create the instance's database if missing and apply pending migrations (DATABASE_URL).",
    run: async () => {
      const { migrate } = await import('@atrium/instance');
      const { EnvReader } = await import('@atrium/server');
      const databaseUrl = new EnvReader(process.env).url('DATABASE_URL', { protocols: ['postgres:', 'postgresql:'] });
      const applied = await migrate({ databaseUrl });
      console.log(applied.length ? `applied: ${applied.join(', ')}` : 'instance database is up to date');
    },
  }),
  defineCommand({
    path: ['worker'],
    summary: 'Run the media worker for the instances in WORKER_INSTANCES (thumbnails, metadata, video).',
    run: async () => {
      const { main } = await import('@atrium/worker');
      await main(process.env);
    },
  }),
];
