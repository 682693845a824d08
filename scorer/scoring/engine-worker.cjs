// Entry of the scorer's engine worker threads (see engine-pool.ts). A worker does not inherit the
// main thread's module hooks, so it loads the TypeScript sources through tsx's require hook itself.
require('tsx/cjs/api').register();
require('./engine-worker.ts');
