// An engine worker that comes up and exits when given work (engine-pool.test.ts).
const { parentPort } = require('node:worker_threads');

parentPort.postMessage({ ready: true });
parentPort.on('message', () => process.exit(3));
