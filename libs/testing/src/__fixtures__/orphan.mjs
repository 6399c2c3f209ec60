// Plays a test process that gets killed: starts Redis and Postgres through the built harness,
// prints where they are, then waits to be signalled. Usage: node orphan.mjs [POSTGRES_DATA_DIR]
import { setInterval } from 'node:timers';
import pg from 'pg';
import { startPostgres, startRedis } from '../../dist/index.js';

const dataDir = process.argv[2];
const redis = await startRedis({ appendOnly: true });
const postgres = await startPostgres(dataDir ? { dataDir } : {});
const client = new pg.Client({ connectionString: postgres.url });
await client.connect();
await client.query('CREATE TABLE kept (note text)');
await client.query("INSERT INTO kept VALUES ('from the killed run')");
await client.end();
console.log(JSON.stringify({ redisPort: redis.port, redisDir: redis.dir, postgresUrl: postgres.url }));
setInterval(() => undefined, 60_000);
