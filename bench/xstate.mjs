// The notify_blocking workload as an XState machine: each SET toggles online/offline
// through start, change and done, and every phase notifies every subscriber (an
// `emit`ted event to each `actor.on` listener). Prints one JSON line per sink count.
//
// usage: node xstate.mjs [sinks...]   (default 1 100 10000)
// WARMUP_S and MEASURE_S (seconds, default 1 and 3) match the criterion benchmark.
import { assign, createActor, emit, setup } from 'xstate';

const warmup = Number(process.env.WARMUP_S ?? 1) * 1000;
const measure = Number(process.env.MEASURE_S ?? 3) * 1000;
const other = (s) => (s === 'online' ? 'offline' : 'online');

const machine = setup({}).createMachine({
  id: 'offline-state',
  context: { state: 'online' },
  initial: 'idle',
  states: {
    idle: { on: { SET: 'start' } },
    start: {
      entry: emit(({ context }) => ({ type: 'notify', phase: 1, old: context.state, new: other(context.state) })),
      always: 'change',
    },
    change: {
      entry: [
        assign({ state: ({ context }) => other(context.state) }),
        emit(({ context }) => ({ type: 'notify', phase: 2, old: other(context.state), new: context.state })),
      ],
      always: 'done',
    },
    done: {
      entry: emit(({ context }) => ({ type: 'notify', phase: 3, old: other(context.state), new: context.state })),
      always: 'idle',
    },
  },
});

function run(sinks) {
  const actor = createActor(machine);
  let received = 0;
  for (let k = 0; k < sinks; k++) {
    actor.on('notify', () => {
      received++;
    });
  }
  actor.start();
  // Sanity: one change notifies every subscriber three times, and toggles the state.
  actor.send({ type: 'SET' });
  if (received !== 3 * sinks || actor.getSnapshot().context.state !== 'offline') {
    throw new Error(`one SET gave ${received} notifications for ${sinks} sinks`);
  }
  // Batches small enough to check the clock often, large enough not to be the clock.
  const batch = Math.max(1, Math.floor(300 / sinks));
  const loop = (ms) => {
    const t0 = performance.now();
    let changes = 0;
    let now = t0;
    while (now - t0 < ms) {
      for (let i = 0; i < batch; i++) actor.send({ type: 'SET' });
      changes += batch;
      now = performance.now();
    }
    return { changes, ms: now - t0 };
  };
  loop(warmup);
  received = 0;
  const { changes, ms } = loop(measure);
  if (received !== 3 * sinks * changes) {
    throw new Error(`${received} notifications for ${changes} changes to ${sinks} sinks`);
  }
  actor.stop();
  const seconds = ms / 1000;
  return {
    engine: 'xstate',
    sinks,
    changes,
    notifications: received,
    seconds,
    ns_per_change: (ms * 1e6) / changes,
    notifications_per_s: received / seconds,
  };
}

const sinks = process.argv.slice(2).map(Number);
for (const n of sinks.length ? sinks : [1, 100, 10000]) {
  console.log(JSON.stringify(run(n)));
}
