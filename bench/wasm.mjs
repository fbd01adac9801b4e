// Times core's wasm build of the notify_blocking workload (bench/wasm) in Node, the way
// the native criterion benchmark times it: blocking changes in batches, the trace cleared
// between batches outside the timed region. Prints one JSON line per sink count.
//
// usage: node wasm.mjs PATH.wasm [sinks...]   (default 1 100 10000)
// WARMUP_S and MEASURE_S (seconds, default 1 and 3) match the criterion benchmark.
import { readFileSync } from 'node:fs';

const [file, ...rest] = process.argv.slice(2);
if (!file) throw new Error('usage: node wasm.mjs PATH.wasm [sinks...]');
const warmup = Number(process.env.WARMUP_S ?? 1) * 1000;
const measure = Number(process.env.MEASURE_S ?? 3) * 1000;
const { instance } = await WebAssembly.instantiate(readFileSync(file), {});
const w = instance.exports;

function run(sinks) {
  if (w.setup(sinks) !== 0) throw new Error(`setup(${sinks}) failed`);
  // Sanity: one change notifies every sink three times.
  if (w.changes(1) !== 0 || w.notifications() !== 3 * sinks) {
    throw new Error(`one change gave ${w.notifications()} notifications for ${sinks} sinks`);
  }
  w.clear();
  // The native benchmark's chunk: about 2^18 events between drains.
  const chunk = Math.max(1, Math.floor(2 ** 18 / (3 * sinks + 8)));
  const loop = (ms) => {
    let timed = 0;
    let changes = 0;
    while (timed < ms) {
      const t0 = performance.now();
      const failed = w.changes(chunk);
      timed += performance.now() - t0;
      if (failed !== 0) throw new Error(`${failed} changes failed`);
      changes += chunk;
      w.clear();
    }
    return { changes, ms: timed };
  };
  loop(warmup);
  const { changes, ms } = loop(measure);
  return {
    engine: 'wasm',
    sinks,
    changes,
    notifications: 3 * sinks * changes,
    seconds: ms / 1000,
    ns_per_change: (ms * 1e6) / changes,
    notifications_per_s: (3 * sinks * changes) / (ms / 1000),
  };
}

const sinks = rest.map(Number);
for (const n of sinks.length ? sinks : [1, 100, 10000]) {
  console.log(JSON.stringify(run(n)));
}
