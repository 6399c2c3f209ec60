import { EnvReader } from '@atrium/server';
import { defineCommand, type Output } from '../cli.js';

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

/** `--json` on a serving command: its log lines are JSON, whatever the terminal (LOG_FORMAT wins). */
function jsonLogs(out: Output): void {
  if (out.json) process.env.LOG_FORMAT ??= 'json';
}

function serveCommand(service: 'portal' | 'instance', summary: string) {
  return defineCommand({
    path: [service, 'serve'],
    summary: `${summary} --json: JSON log lines.`,
    run: async ({ out }) => {
      jsonLogs(out);
      return untilStopped(await (await load[service]()).serve());
    },
  });
}

function migrateCommand(service: 'portal' | 'instance') {
  return defineCommand({
    path: [service, 'migrate'],
    summary: `Create the ${service}'s database if missing and apply pending migrations (DATABASE_URL).`,
    run: async ({ out }) => {
      const databaseUrl = new EnvReader(process.env).url('DATABASE_URL', { protocols: ['postgres:', 'postgresql:'] });
      const applied = await (await load[service]()).migrate({ databaseUrl });
      out.done(applied.length ? `applied: ${applied.join(', ')}` : `${service} database is up to date`, { service, applied });
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
    summary:
      'Run the media worker for the instances in WORKER_INSTANCES (thumbnails, metadata, video); --version: the ffmpeg and ffprobe it would use. --json: JSON log lines.',
    options: { version: { type: 'boolean' } },
    run: async ({ values, out }) => {
      if (values.version) {
        const { describeFfmpeg, locateFfmpeg } = await import('@atrium/media');
        const found = await describeFfmpeg(locateFfmpeg(process.env.PATH));
        out.done(
          [found.ffmpeg, found.ffprobe].map((b) => `${b.name} ${b.version} (${b.source}: ${b.path})`).join('\n'),
          found,
        );
        return;
      }
      jsonLogs(out);
      const { main } = await import('@atrium/worker');
      await main(process.env);
    },
  }),
];
