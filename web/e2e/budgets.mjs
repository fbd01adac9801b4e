// Speed budgets of the playground, measured in headless Chromium; run by
// `cargo xtask budgets`, which serves the site and writes the scenarios. Prints key=value.
import { readFileSync } from 'node:fs';
import { launch, openPage } from './tests/helpers.mjs';

const URL = process.env.PLAYGROUND_URL;
const DIR = process.env.BUDGET_DIR;
const read = (n) => readFileSync(`${DIR}/${n}`, 'utf8');
const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const out = (k, v) => console.log(`${k}=${typeof v === 'number' ? v.toFixed(2) : v}`);

const browser = await launch();
try {
  // First interaction: navigation start to the page mounted and answering a click.
  const firsts = [];
  for (let i = 0; i < 3; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(URL);
    await page.waitForSelector('body[data-ready]');
    firsts.push(await page.evaluate(() => new Promise((resolve) => {
      const status = document.querySelector('.status');
      const before = status.textContent;
      const obs = new MutationObserver(() => {
        if (status.textContent !== before) { obs.disconnect(); resolve(performance.now()); }
      });
      obs.observe(status, { childList: true, subtree: true, characterData: true });
      [...document.querySelectorAll('.controls button')].find((b) => b.textContent === 'Reset').click();
    })));
    await context.close();
  }
  out('first_interaction_ms', median(firsts));

  const { page } = await openPage(browser, URL);
  // `inFrame(work)` runs `work` at the start of a frame, where Chromium delivers input,
  // and resolves with the milliseconds until that frame is laid out and painted: a
  // message posted from it is handled once the frame's rendering is done. (Waiting for
  // the next animation frame instead counts the wait for the next vsync: an empty change
  // measured 16.6 ms so.)
  await page.evaluate(() => {
    window.inFrame = (work) => new Promise((resolve) => requestAnimationFrame(() => {
      const t0 = performance.now();
      work();
      const c = new MessageChannel();
      c.port1.onmessage = () => resolve(performance.now() - t0);
      c.port2.postMessage(0);
    }));
  });
  const empty = await page.evaluate(async () => {
    const ms = [];
    for (let i = 0; i < 20; i++) ms.push(await window.inFrame(() => {}));
    return ms.sort((a, b) => a - b)[10];
  });
  out('empty_frame_ms', empty);
  // Replace the script, press Run; milliseconds to the frame that shows the result.
  const runRender = (src) => page.evaluate(async (src) => {
    const ta = document.querySelector('textarea');
    const run = [...document.querySelectorAll('.controls button')].find((b) => b.textContent === 'Run');
    const ms = await window.inFrame(() => {
      ta.value = src;
      ta.dispatchEvent(new Event('input', { bubbles: true }));
      run.click();
    });
    return {
      ms,
      events: Number(document.querySelector('.status').dataset.events),
      rows: document.querySelectorAll('.timeline .row').length,
      // The page's own parse, run and view model, from its status line ("…, 1.2 ms").
      model: Number(/([0-9.]+) ms/.exec(document.querySelector('.status').textContent)?.[1]),
    };
  }, src);

  const big = read('s10000.scn');
  const r10k = [];
  let info;
  for (let i = 0; i < 3; i++) { info = await runRender(big + `# ${i}\n`); r10k.push(info.ms); }
  out('run_render_10000_ms', median(r10k));
  out('events_10000', info.events);
  out('rows_in_dom_10000', info.rows);

  // Time travel over the 10,000-statement trace: the scrubber moved to 40 events spread
  // at random (a fixed sequence), each timed from its input event to every panel updated,
  // laid out and painted. Each move is made from an animation frame callback, where
  // Chromium delivers a drag's input, so that frame's style, layout and paint (of the
  // new state) come before the timer's message task.
  // (The page still holds the last 10,000-statement run.)
  const scrub = await page.evaluate(async () => {
    const el = document.querySelector('#scrubber');
    const world = document.querySelector('[aria-label="World state"]');
    const max = Number(el.max);
    // A macrotask: the page's effects run in microtasks, so they are done by then.
    const settle = () => new Promise((r) => {
      const c = new MessageChannel();
      c.port1.onmessage = () => r();
      c.port2.postMessage(0);
    });
    const move = async (k) => {
      const t0 = performance.now();
      el.value = String(k);
      el.dispatchEvent(new Event('input', { bubbles: true }));
      await settle();
      void document.body.offsetHeight;
      const ms = performance.now() - t0;
      if (world.dataset.at !== String(k)) throw new Error(`the world panel is at ${world.dataset.at}, not ${k}`);
      await new Promise((r) => requestAnimationFrame(() => r()));
      return ms;
    };
    // Reaching for the slider (focus) builds core's replay of the trace: timed on its own.
    const w0 = performance.now();
    el.focus();
    await settle();
    const warm = performance.now() - w0;
    const first = await move(Math.floor(max / 2));
    const times = [];
    let x = 12345;
    for (let i = 0; i < 40; i++) {
      x = (x * 48271) % 2147483647;
      times.push(await move(x % (max + 1)));
    }
    times.sort((a, b) => a - b);
    return { warm, first, median: times[20], p95: times[37], max: times[39] };
  });
  out('scrub_10000_warm_ms', scrub.warm);
  out('scrub_10000_first_ms', scrub.first);
  out('scrub_10000_median_ms', scrub.median);
  out('scrub_10000_p95_ms', scrub.p95);
  out('scrub_10000_max_ms', scrub.max);

  const small = read('s200.scn');
  await runRender(small);
  const r200 = [];
  const m200 = [];
  for (let i = 0; i < 20; i++) {
    const r = await runRender(small + `# edit ${i}\n`);
    r200.push(r.ms);
    m200.push(r.model);
  }
  out('rerun_200_ms', median(r200));
  out('rerun_200_model_ms', median(m200));

  // Core alone in wasm: parse and run, no conversion to JS; best of 7.
  const huge = read('s50000.scn');
  await page.waitForSelector('body[data-api]');
  const ms = await page.evaluate((src) => {
    let best = Infinity;
    for (let i = 0; i < 7; i++) {
      const t0 = performance.now();
      window.mapioffline.eventCount(src);
      best = Math.min(best, performance.now() - t0);
    }
    return best;
  }, huge);
  out('wasm_50000_ms', ms);
} finally {
  await browser.close();
}
