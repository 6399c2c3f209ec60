// The thread that adds indexing's jobs to BullMQ (started by MediaQueues, compiled code only):
// payload validation, BullMQ's job serialisation and the Redis replies cost more main-thread time
// than reading a small photo, so they run here, beside the walk instead of in its way.
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { isMediaError } from '@atrium/media';
import { MediaQueues, type JobThreadReply, type JobThreadRequest } from '../media-queue.js';

if (isMainThread || !parentPort) throw new Error('job-thread runs as a worker thread of MediaQueues');

const port = parentPort;
const { redisUrl, nodeName } = workerData as { redisUrl: string; nodeName: string };
const queues = new MediaQueues(redisUrl, nodeName, { thread: false });

port.on('message', (message: JobThreadRequest) => {
  if (message.type === 'close') {
    void queues.close().finally(() => port.close());
    return;
  }
  queues.addNew(message.requests).then(
    (added) => port.postMessage({ id: message.id, added } satisfies JobThreadReply),
    (error: unknown) =>
      port.postMessage({
        id: message.id,
        error: {
          message: (error as Error).message,
          reason: isMediaError(error) ? error.reason : undefined,
        },
      } satisfies JobThreadReply),
  );
});
