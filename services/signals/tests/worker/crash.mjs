// A worker that dies on its first task (tests the pool's recovery).
import { parentPort } from 'node:worker_threads';

parentPort.on('message', () => process.exit(3));
