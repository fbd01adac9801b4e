// The notify_blocking workload as an XState machine: each SET toggles online/offline
// through START, STATECHANGE and DONE, and every phase notifies every subscriber. Prints
// one JSON line per sink count.
//
// What one notification is, on each side (README, Performance):
// - ours: the simulator finds the next registration, checks that its sink is alive and
//   only receives, and records a `Notify` event carrying that registration's
//   `MAPIOFFLINE_NOTIFY` (ulSize, NotifyType, ulClientToken, ulMask, ulStateOld,
//   ulStateNew) in the trace. A simulated sink without reactions runs no code.
// - here: the phase's state `emit`s one notification object with the fields of
//   `MAPIOFFLINE_NOTIFY` but ulClientToken (an emitted event is the same object for every
//   listener), and XState calls every `actor.on` listener with it. Each listener is one
//   sink's `Notify`: it checks NotifyType and ulMask as a careful sink does (NTF-5)
//   before reading the state, and counts. Nothing is recorded.
//
// usage: node xstate.mjs [sinks...]   (default 1 100 10000)
// WARMUP_S and MEASURE_S (seconds, default 1 and 3) match the criterion benchmark.
import { assign, createActor, emit, setup } from 'xstate';

const warmup = Number(process.env.WARMUP_S ?? 1) * 1000;
const measure = Number(process.env.MEASURE_S ?? 3) * 1000;

// The header's values (core/src/consts.rs).
const OFFLINE = 0x1;
const ONLINE = 0x2;
const MASK = 0x3; // MAPIOFFLINE_STATE_OFFLINE_MASK
const START = 1; // MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_START
const DONE = 3; // MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_DONE
const SIZEOF_NOTIFY = 24;
const other = (s) => (s === ONLINE ? OFFLINE : ONLINE);

// MAPIOFFLINE_NOTIFY for a phase, less ulClientToken (one object goes to every listener).
const notify = (phase, old, now) => ({
  type: 'notify',
  ulSize: SIZEOF_NOTIFY,
  NotifyType: phase,
  ulMask: MASK,
  ulStateOld: old,
  ulStateNew: now,
});

const machine = setup({}).createMachine({
  id: 'offline-state',
  context: { state: ONLINE },
  initial: 'idle',
  states: {
    idle: { on: { SET: 'start' } },
    start: {
      entry: emit(({ context }) => notify(1, context.state, other(context.state))),
      always: 'change',
    },
    change: {
      entry: [
        assign({ state: ({ context }) => other(context.state) }),
        emit(({ context }) => notify(2, other(context.state), context.state)),
      ],
      always: 'done',
    },
    done: {
      entry: emit(({ context }) => notify(3, other(context.state), context.state)),
      always: 'idle',
    },
  },
});

function run(sinks) {
  const actor = createActor(machine);
  let received = 0;
  for (let k = 0; k < sinks; k++) {
    // One sink's Notify: it checks NotifyType and ulMask before it reads the states
    // (NTF-5), and counts only a notification it could read.
    actor.on('notify', (n) => {
      if (n.NotifyType >= START && n.NotifyType <= DONE && n.ulMask === MASK && n.ulStateNew & MASK) {
        received++;
      }
    });
  }
  actor.start();
  // Sanity: one change notifies every subscriber three times, each notification readable,
  // and toggles the state.
  actor.send({ type: 'SET' });
  if (received !== 3 * sinks || actor.getSnapshot().context.state !== OFFLINE) {
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
