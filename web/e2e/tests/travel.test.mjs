// Time travel and themes: the scrubber moves every panel to the world as of an event,
// by pointer and by keyboard; the theme follows the system until switched, and is kept.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { launch, openPage, setScript, waitForStatus, timelineText } from './helpers.mjs';

const URL = process.env.PLAYGROUND_URL;
const SHOTS = process.env.SCREENSHOT_DIR || '../../target/screenshots';
assert.ok(URL, 'PLAYGROUND_URL is not set: run `cargo xtask test`');
mkdirSync(SHOTS, { recursive: true });

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

// A registration and a reference that exist in the middle of the run and not at its end.
const SCRIPT = [
  'profile "Outlook"',
  'sink s',
  'HrOpenOfflineObj(0, L"Outlook", &GUID_GlobalState, NULL, &mgr)',
  'mgr->Advise(MAPIOFFLINE_ADVISE_DEFAULT, &{ulClientToken = 7, pCallback = s}, &tok)',
  'mgr->Unadvise(MAPIOFFLINE_UNADVISE_DEFAULT, tok)',
  'mgr->Release()',
  '',
].join('\n');

/** The index of the first timeline row whose text matches `re`. */
async function rowIndex(page, re) {
  const lines = (await timelineText(page)).split('\n');
  const i = lines.findIndex((l) => re.test(l));
  assert.ok(i >= 0, `no row matches ${re}:\n${lines.join('\n')}`);
  return Number(/#(\d+)/.exec(lines[i])[1]);
}

/** Moves the slider as a drag does: a new value and an `input` event. */
async function scrubTo(page, k) {
  await page.getByRole('slider', { name: 'Event' }).evaluate((el, k) => {
    el.value = String(k);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, k);
  await page.waitForFunction((k) => document.querySelector('[aria-label="World state"]').dataset.at === String(k), k);
}

test('scrubbing back shows the registration and the reference the end has lost, and the line that caused it', async () => {
  const { page, errors } = await openPage(browser, URL);
  await setScript(page, SCRIPT);
  await waitForStatus(page, /^6 of 6 statements ran/);
  const world = page.getByRole('region', { name: 'World state' });
  const slider = page.getByRole('slider', { name: 'Event' });
  const events = Number(await page.getByRole('status').getAttribute('data-events'));
  // At the end: no registration, no reference, no note about an earlier moment.
  assert.equal(await slider.getAttribute('aria-valuenow'), String(events - 1));
  assert.equal(await world.locator('.regs li').count(), 0);
  assert.match(await world.locator('.objhead').textContent(), /refs 0$/);
  assert.equal(await world.locator('.as-of').count(), 0);

  const k = await rowIndex(page, /← Advise = S_OK/);
  await scrubTo(page, k);
  assert.match(await world.locator('.regs li').textContent(), /^advise token \d+: sink \S+ "s", ulClientToken 7$/);
  assert.match(await world.locator('.objhead').textContent(), /refs 1$/);
  assert.match(await world.locator('.as-of').textContent(), new RegExp(`^As of event #${k} \\(t=0, line 4\\)`));
  assert.match(await slider.getAttribute('aria-valuetext'), new RegExp(`^event #${k} of ${events}: ← Advise = S_OK`));
  // The script line that caused it is marked, and its row is the selected one.
  assert.equal(await page.locator('.event-line').getAttribute('data-line'), '4');
  assert.equal(await page.locator(`#ev-${k}`).getAttribute('aria-selected'), 'true');
  await page.screenshot({ path: `${SHOTS}/travel-back-1280x800.png` });

  // Forward past the Unadvise: the registration is gone, the reference still held.
  const u = await rowIndex(page, /← Unadvise = S_OK/);
  await scrubTo(page, u);
  assert.equal(await world.locator('.regs li').count(), 0);
  assert.match(await world.locator('.objhead').textContent(), /refs 1$/);
  assert.equal(await page.locator('.event-line').getAttribute('data-line'), '5');
  // Back again, and then "Back to the end".
  await scrubTo(page, k);
  assert.equal(await world.locator('.regs li').count(), 1);
  await world.getByRole('button', { name: 'Back to the end' }).click();
  await page.waitForFunction((n) => document.querySelector('[aria-label="World state"]').dataset.at === String(n - 1), events);
  assert.equal(await world.locator('.regs li').count(), 0);
  assert.equal(await world.locator('.as-of').count(), 0);
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('the scrubber by keyboard: arrows, Home and End', async () => {
  const { page } = await openPage(browser, URL);
  await setScript(page, SCRIPT);
  await waitForStatus(page, /^6 of 6 statements ran/);
  const slider = page.getByRole('slider', { name: 'Event' });
  const events = Number(await page.getByRole('status').getAttribute('data-events'));
  const at = async () => Number(await slider.getAttribute('aria-valuenow'));
  await slider.focus();
  await page.keyboard.press('Home');
  assert.equal(await at(), 0);
  assert.match(await slider.getAttribute('aria-valuetext'), new RegExp(`^event #0 of ${events}: `));
  // Before the first statement's event only the profile exists.
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  assert.equal(await at(), 2);
  await page.keyboard.press('ArrowLeft');
  assert.equal(await at(), 1);
  assert.equal(await page.locator('#ev-1').getAttribute('aria-selected'), 'true');
  assert.equal(await page.getByRole('region', { name: 'World state' }).getAttribute('data-at'), '1');
  await page.keyboard.press('End');
  assert.equal(await at(), events - 1);
  // The step buttons do the same by pointer.
  await page.getByRole('button', { name: 'Previous event' }).click();
  assert.equal(await at(), events - 2);
  await page.getByRole('button', { name: 'Next event' }).click();
  assert.equal(await at(), events - 1);
  assert.ok(await page.getByRole('button', { name: 'Next event' }).isDisabled());
  await page.context().close();
});

test('a moment after a run, time travel is ready before the slider or a row is touched', async () => {
  const { page } = await openPage(browser, URL);
  await page.waitForSelector('body[data-api]');
  // Count the second module's runs of the page's script (what a first move waited for).
  await page.evaluate(() => {
    const api = window.mapioffline;
    const session = api.session;
    window.sessions = 0;
    api.session = (...a) => { window.sessions++; return session(...a); };
  });
  const sessions = () => page.evaluate(() => window.sessions);
  // The page's first script gets ready too, a moment after the API loads: counted from
  // after that.
  await page.evaluate(() => new Promise((r) => setTimeout(r, 900)));
  await page.evaluate(() => { window.sessions = 0; });
  await setScript(page, SCRIPT);
  await page.waitForFunction(() => window.sessions === 1, null, { timeout: 3000 });
  // Touching the slider and moving it, and clicking a row, run nothing more.
  await page.getByRole('slider', { name: 'Event' }).focus();
  await scrubTo(page, 3);
  await page.locator('#ev-2').click();
  assert.match(await page.locator('.detail').textContent(), /event #2/);
  assert.equal(await sessions(), 1);
  // An edit is a new run: ready again a moment later, once.
  await setScript(page, SCRIPT + '# edited\n');
  await page.waitForFunction(() => window.sessions === 2, null, { timeout: 3000 });
  await page.evaluate(() => new Promise((r) => setTimeout(r, 800)));
  assert.equal(await sessions(), 2);
  await page.context().close();
});

test('on a long script the editor follows a step at once and a jump where the scrubber rests', async () => {
  const { page } = await openPage(browser, URL);
  // 1,200 statements: the last ones far below the editor's first screen.
  const lines = ['profile "Outlook"', 'HrOpenOfflineObj(0, L"Outlook", &GUID_GlobalState, NULL, &mgr)'];
  for (let i = 0; i < 1198; i++) lines.push('mgr->GetCurrentState(&state)');
  await setScript(page, lines.join('\n') + '\n');
  await waitForStatus(page, /^1200 of 1200 statements ran/);
  const ta = page.getByRole('textbox', { name: 'Scenario' });
  const band = page.locator('.event-line');
  // Whether the marked line lies inside the editor's box.
  const bandInView = () => page.evaluate(() => {
    const t = document.querySelector('#scenario').getBoundingClientRect();
    const b = document.querySelector('.event-line').getBoundingClientRect();
    return b.height > 0 && b.top >= t.top && b.bottom <= t.bottom;
  });
  const slider = page.getByRole('slider', { name: 'Event' });
  await slider.focus();
  await page.keyboard.press('Home');
  await page.keyboard.press('End');
  // A jump: every panel follows now, the editor once the scrubber rests.
  const events = Number(await page.getByRole('status').getAttribute('data-events'));
  assert.equal(await page.getByRole('region', { name: 'World state' }).getAttribute('data-at'), String(events - 1));
  assert.equal(await page.locator(`#ev-${events - 1}`).getAttribute('aria-selected'), 'true');
  assert.equal(await band.getAttribute('data-line'), '1200');
  await page.waitForFunction(() => document.querySelector('#scenario').scrollTop > 0);
  assert.ok(await bandInView(), 'the last line is in view once the scrubber rests');
  // Steps back through the last statements: the line stays in view at every step.
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press('ArrowLeft');
    assert.ok(await bandInView(), `line ${await band.getAttribute('data-line')} is in view at once`);
  }
  assert.ok(Number(await band.getAttribute('data-line')) < 1200);
  // Back to the start: the editor is at its top again.
  await page.keyboard.press('Home');
  await page.waitForFunction(() => document.querySelector('#scenario').scrollTop === 0);
  assert.ok(await bandInView());
  assert.equal(await ta.evaluate((el) => el.value.split('\n').length), 1201);
  await page.context().close();
});

test('the cursor on a script line highlights the events it caused', async () => {
  const { page } = await openPage(browser, URL);
  await setScript(page, SCRIPT);
  await waitForStatus(page, /^6 of 6 statements ran/);
  const ta = page.getByRole('textbox', { name: 'Scenario' });
  // Put the cursor on line 4 (the Advise), as a click or the arrow keys would.
  await ta.evaluate((el) => {
    const at = el.value.split('\n').slice(0, 3).join('\n').length + 1;
    el.focus();
    el.setSelectionRange(at, at);
  });
  await ta.press('End');
  await page.waitForSelector('.row.of-line');
  const lines = await page.locator('.row.of-line .l').allTextContents();
  assert.ok(lines.length >= 2, 'the Advise causes a call, its checks and a return');
  assert.deepEqual([...new Set(lines)], ['L4']);
  await page.context().close();
});

test('the theme follows the system until switched, and the switch is remembered', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'dark' });
  const page = await context.newPage();
  await page.goto(URL);
  await page.waitForSelector('body[data-ready]');
  const theme = () => page.evaluate(() => document.documentElement.dataset.theme);
  const button = page.getByRole('button', { name: 'Dark theme' });
  assert.equal(await theme(), 'dark');
  assert.equal(await button.getAttribute('aria-pressed'), 'true');
  const bg = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  const darkBg = await bg();
  await setScript(page, SCRIPT);
  await page.screenshot({ path: `${SHOTS}/main-dark-1280x800.png` });
  // The scrubbed-back state in the dark.
  const k = await rowIndex(page, /← Advise = S_OK/);
  await scrubTo(page, k);
  await page.screenshot({ path: `${SHOTS}/travel-back-dark-1280x800.png` });
  await page.setViewportSize({ width: 800, height: 1000 });
  await page.screenshot({ path: `${SHOTS}/travel-back-dark-800.png`, fullPage: true });
  await page.getByRole('button', { name: 'Back to the end' }).click();
  await page.screenshot({ path: `${SHOTS}/main-dark-800.png`, fullPage: true });
  // Switched to light: kept over a reload although the system is dark.
  await button.click();
  assert.equal(await theme(), 'light');
  assert.equal(await button.getAttribute('aria-pressed'), 'false');
  assert.notEqual(await bg(), darkBg);
  await page.reload();
  await page.waitForSelector('body[data-ready]');
  assert.equal(await theme(), 'light');
  // A garbled stored value is ignored: the system's preference again.
  await page.evaluate(() => localStorage.setItem('mapioffline.theme', '"><img src=x onerror=alert(1)>'));
  await page.reload();
  await page.waitForSelector('body[data-ready]');
  assert.equal(await theme(), 'dark');
  assert.equal(await button.getAttribute('aria-pressed'), 'true');
  await context.close();
});

test('light screenshots at 800 px: the timeline and a scrubbed-back state', async () => {
  const { page } = await openPage(browser, URL, { width: 800, height: 1000 });
  await setScript(page, SCRIPT);
  await waitForStatus(page, /^6 of 6 statements ran/);
  const k = await rowIndex(page, /← Advise = S_OK/);
  await scrubTo(page, k);
  await page.screenshot({ path: `${SHOTS}/travel-back-800.png`, fullPage: true });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the window`);
  await page.context().close();
});
