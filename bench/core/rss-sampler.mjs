/**
 * Worker thread that samples the process's resident set size every millisecond while the main
 * thread is busy in a synchronous call, so the peak RSS of that call can be read afterwards.
 * Messages: 'reset' → start a new peak, reply with the current RSS; 'peak' → reply with the peak
 * since the last reset (bytes).
 */
import { parentPort } from 'node:worker_threads';

let peak = 0;
setInterval(() => {
  const rss = process.memoryUsage.rss();
  if (rss > peak) peak = rss;
}, 1);
parentPort.on('message', (msg) => {
  if (msg === 'reset') {
    peak = process.memoryUsage.rss();
    parentPort.postMessage(peak);
  } else if (msg === 'peak') {
    parentPort.postMessage(Math.max(peak, process.memoryUsage.rss()));
  }
});
