// An engine worker that fails before it is ready (engine-pool.test.ts).
throw new Error('this worker cannot start');
