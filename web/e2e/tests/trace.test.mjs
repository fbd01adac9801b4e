// Opening a trace JSON a real C client wrote through the C ABI (`MAPIOFFLINE_TRACE`):
// the same timeline, time travel, event view and findings as a script's run, the
// findings `mapioffline check` gives for the same file, and the trace reader loaded only
// when a trace is opened.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { checkFindings, launch, openPage, waitForStatus } from './helpers.mjs';

const URL = process.env.PLAYGROUND_URL;
const TRACE = process.env.C_CLIENT_TRACE;
const SHOTS = process.env.SCREENSHOT_DIR || '../../target/screenshots';
assert.ok(URL, 'PLAYGROUND_URL is not set: run `cargo xtask e2e`');
assert.ok(TRACE && existsSync(TRACE), 'C_CLIENT_TRACE names no file: `cargo xtask e2e` writes it from ffi/tests/c/leaky_provider.c');
mkdirSync(SHOTS, { recursive: true });

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('a C client\'s trace opens with its timeline, time travel, decoded events and check\'s findings', async () => {
  const { page, errors } = await openPage(browser, URL);
  await page.waitForSelector('body[data-api]');
  const chunks = [];
  page.on('request', (r) => { if (/split_.*\.wasm$/.test(r.url())) chunks.push(r.url()); });
  const before = await page.getByRole('status').getAttribute('data-runs');
  await page.getByLabel('Open trace .json…').setInputFiles(TRACE);
  await page.waitForFunction((b) => document.querySelector('.status').dataset.runs !== b, before);
  const name = basename(TRACE);
  const n = JSON.parse(readFileSync(TRACE, 'utf8')).events.length;
  await waitForStatus(page, new RegExp(`^the trace ${name.replace('.', '\\.')}: ${n} events`));
  assert.equal(chunks.length, 1, `the trace reader is one chunk, fetched when a trace is opened: ${chunks}`);

  // The findings are `mapioffline check`'s for the same file.
  const findings = checkFindings(TRACE);
  assert.ok(findings.length >= 2, 'the leaky provider breaks R3 and R4');
  const shown = await page.getByRole('region', { name: 'Findings' }).locator('.finding strong').allTextContents();
  assert.deepEqual(shown, findings.map((f) => `${f.rule} (${f.clause})`));
  await page.screenshot({ path: `${SHOTS}/opened-trace-1280x800.png` });

  // Time travel: after its Advise the registration is there; before it, not yet.
  const world = page.getByRole('region', { name: 'World state' });
  const slider = page.getByRole('slider', { name: 'Event' });
  await slider.focus();
  await page.keyboard.press('Home');
  await page.waitForFunction(() => document.querySelector('[aria-label="World state"]').dataset.at === '0');
  assert.equal(await world.locator('.regs li').count(), 0);
  assert.match(await page.locator('.scrub-caption').textContent(), /no script line/);
  const advised = await page.evaluate(() => {
    for (const r of document.querySelectorAll('.timeline .row')) {
      if (/Advise = S_OK/.test(r.textContent)) return Number(r.id.slice(3));
    }
    return null;
  });
  assert.ok(advised !== null, 'the Advise result is in view near the start');
  for (let i = 0; i < advised; i++) await page.keyboard.press('ArrowRight');
  await page.waitForFunction((a) => document.querySelector('[aria-label="World state"]').dataset.at === String(a), advised);
  assert.match(await world.locator('.regs').textContent(), /advise token 1: sink .* ulClientToken 42/);

  // The selected event is decoded (the second module holds the opened trace).
  const detail = page.getByRole('region', { name: 'Selected event' });
  await detail.waitFor();
  assert.match(await detail.textContent(), /from an opened trace/);
  await page.waitForFunction(() => /hr/.test(document.querySelector('.detail dl.fields')?.textContent ?? ''));
  await page.screenshot({ path: `${SHOTS}/opened-trace-scrubbed-1280x800.png` });

  // Run returns to the script.
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await waitForStatus(page, /statements ran/);
  assert.deepEqual(errors, []);
});

test('a file that is not one trace is refused with a reason, and the page keeps working', async () => {
  const { page, errors } = await openPage(browser, URL);
  await page.waitForSelector('body[data-api]');
  const status = await page.locator('.status').textContent();
  await page.getByLabel('Open trace .json…').setInputFiles({ name: 'notes.json', mimeType: 'application/json', buffer: Buffer.from('{"schema": 1, "events": "<img src=x onerror=alert(1)>"}') });
  await page.waitForFunction(() => /notes\.json:.*not a mapioffline trace/.test(document.querySelector('.notice').textContent));
  assert.equal(await page.locator('.status').textContent(), status, 'the script\'s run is still shown');
  assert.equal(await page.locator('img').count(), 0);
  await page.getByLabel('Open trace .json…').setInputFiles({ name: 'two.json', mimeType: 'application/json', buffer: Buffer.from('[]') });
  await page.waitForFunction(() => /two\.json: no trace in it/.test(document.querySelector('.notice').textContent));
  assert.deepEqual(errors, []);
});
