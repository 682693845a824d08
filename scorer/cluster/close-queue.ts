import type { Queue } from 'bullmq';

/** How long a queue may take to close before its connection is dropped instead. */
export const CLOSE_WAIT_MS = 5_000;

/** Closes a BullMQ queue; one whose client is still reconnecting (Redis was down) may never close, so it is disconnected after `CLOSE_WAIT_MS`. */
export async function closeQueue(queue: Queue, waitMs = CLOSE_WAIT_MS): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const closed = await Promise.race([
    queue.close().then(() => true),
    new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), waitMs);
    }),
  ]);
  clearTimeout(timer);
  if (!closed) await queue.disconnect();
}
