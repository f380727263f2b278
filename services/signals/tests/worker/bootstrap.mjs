// Worker entry for tests: install the TypeScript loader, then run the worker module named in
// workerData (src/facts/prepare-worker.ts).
import { register } from 'node:module';
import { workerData } from 'node:worker_threads';

register(new URL('./ts-loader.mjs', import.meta.url));
await import(workerData.entry);
