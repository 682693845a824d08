// Entry of the scorer's engine worker threads (see engine-pool.ts). A worker does not inherit the
// main thread's module hooks, so it loads the TypeScript sources through tsx's hooks itself: the
// require hook for the sources, the import hook for their dynamic import()s (the LSTM's module).
require('tsx/cjs/api').register();
require('tsx/esm/api').register();
require('./engine-worker.ts');
