import { join } from 'node:path';
import { CommandError, UsageError, defineCommand } from '../cli.js';
import { INSTANCE_NAME, databaseUrl, dataDirFrom, originalsPathOf, readSettings } from '../start/settings.js';

interface IndexTarget {
  nodeName: string;
  databaseUrl: string;
  redisUrl: string;
  originalsPath: string;
  cachePath: string;
}

/** The instance named by `--instance` in the settings `atrium start` left in the data folder. */
function startedInstance(name: string, dataOption: string | undefined): IndexTarget {
  if (!INSTANCE_NAME.test(name)) throw new UsageError(`bad instance name ${JSON.stringify(name)}`);
  const dataDir = dataDirFrom(dataOption);
  const settings = readSettings(dataDir);
  if (!settings)
    throw new CommandError(
      `no cluster settings in ${dataDir}: run atrium start first, or run inside the instance's container without --instance`,
    );
  const instance = settings.instances.find((i) => i.name === name);
  if (!instance)
    throw new CommandError(
      `no instance ${name} in ${dataDir}; known: ${settings.instances.map((i) => i.name).join(', ') || 'none'}`,
    );
  return {
    nodeName: name,
    databaseUrl: databaseUrl(settings, instance.database),
    redisUrl: `redis://127.0.0.1:${instance.redisPort}`,
    originalsPath: originalsPathOf(dataDir, instance),
    cachePath: join(dataDir, 'instances', name, 'cache'),
  };
}

/** `atrium instance index [--instance NAME] [--rescan]` (docs/contracts.md §6). */
export const instanceIndexCommand = defineCommand({
  path: ['instance', 'index'],
  summary:
    "Index an instance's originals now (new, changed, moved, removed files); --rescan hashes every file again. Without --instance, the instance's environment.",
  options: {
    instance: { type: 'string' },
    rescan: { type: 'boolean' },
    data: { type: 'string' },
  },
  run: async ({ values, out }) => {
    const { loadIndexTarget, runIndex } = await import('@atrium/instance');
    const target =
      typeof values.instance === 'string'
        ? startedInstance(values.instance, values.data as string | undefined)
        : loadIndexTarget(process.env);
    try {
      const counts = await runIndex(target, {
        rescan: values.rescan === true,
        requestedBy: 'cli',
        onProgress: (run) => {
          if (!out.json)
            process.stderr.write(
              `\r${run.phase}: ${run.counts.seen} files, ${run.counts.added} new, ${run.counts.hashed} read`,
            );
        },
      });
      out.done(
        `\n${target.nodeName}: ${counts.added} added, ${counts.changed} changed, ${counts.moved} moved, ${counts.removed} removed, ${counts.unchanged} unchanged, ${counts.skipped} skipped, ${counts.refused} refused; ${counts.jobsQueued} jobs queued`,
        counts,
      );
    } catch (error) {
      if ((error as { code?: string }).code === 'ERR_INDEX_RUNNING')
        throw new CommandError(`${target.nodeName}: an index run is already under way`);
      throw error;
    }
  },
});
