// Challenges: pick one, read its goal, solve it by editing the script (checked live),
// see it kept as solved over a reload; hints one at a time; a solution that meets the
// goal but is not counted as the learner's.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { launch, openPage, setScript } from './helpers.mjs';

const URL = process.env.PLAYGROUND_URL;
const SHOTS = process.env.SCREENSHOT_DIR || '../../target/screenshots';
assert.ok(URL, 'PLAYGROUND_URL is not set: run `cargo xtask test`');
mkdirSync(SHOTS, { recursive: true });

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const TITLE = /A monitor that never calls Unadvise/;

async function pick(page) {
  const region = page.getByRole('region', { name: 'Challenges' });
  await region.getByRole('button', { name: TITLE }).click();
  await region.locator('.goal .item').first().waitFor();
  return region;
}

const verdict = (region) => region.locator('.verdict').textContent();

test('a challenge solved by editing the script is marked solved, and still is after a reload', async () => {
  const { page, errors } = await openPage(browser, URL);
  const region = await pick(page);
  // The broken client is in the editor and the goal is not met.
  const ta = page.getByRole('textbox', { name: 'Scenario' });
  const broken = await ta.inputValue();
  assert.match(broken, /mgr->Advise\(/);
  assert.doesNotMatch(broken, /Unadvise\(/);
  assert.match(await verdict(region), /^\d+ of \d+ requirements met\./);
  assert.ok(await region.locator('.item.unmet').count() >= 1);
  assert.doesNotMatch(await region.getByRole('button', { name: TITLE }).textContent(), /solved/);

  // The fix: Unadvise with the token Advise wrote, before the last Release.
  const fixed = broken.replace('mgr->Release()', 'mgr->Unadvise(MAPIOFFLINE_UNADVISE_DEFAULT, token)\nmgr->Release()');
  assert.notEqual(fixed, broken);
  await setScript(page, fixed);
  await region.locator('.verdict.met').waitFor();
  assert.match(await verdict(region), /^Goal met: every requirement holds\. Solved, and remembered in this browser\.$/);
  assert.equal(await region.locator('.item.unmet').count(), 0);
  assert.match(await region.getByRole('button', { name: TITLE }).textContent(), /✓ solved/);
  await page.screenshot({ path: `${SHOTS}/challenge-solved-1280x800.png` });
  await page.setViewportSize({ width: 800, height: 1000 });
  await region.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS}/challenge-solved-800.png`, fullPage: true });
  await page.evaluate(() => { document.documentElement.dataset.theme = 'dark'; });
  await page.screenshot({ path: `${SHOTS}/challenge-solved-dark-800.png`, fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.screenshot({ path: `${SHOTS}/challenge-solved-dark-1280x800.png` });

  await page.reload();
  await page.waitForSelector('body[data-ready]');
  const after = page.getByRole('region', { name: 'Challenges' });
  assert.match(await after.getByRole('button', { name: TITLE }).textContent(), /✓ solved/);
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('hints come one at a time, and the solution meets the goal without counting as solved', async () => {
  const { page } = await openPage(browser, URL);
  const region = await pick(page);
  const hints = region.getByRole('list', { name: 'Hints' }).locator('li');
  assert.equal(await hints.count(), 0);
  const more = region.getByRole('button', { name: /^Show a hint \(1 of (\d+)\)$/ });
  const total = Number(/of (\d+)/.exec(await more.textContent())[1]);
  assert.ok(total >= 2, 'more than one hint');
  await more.click();
  assert.equal(await hints.count(), 1);
  await region.getByRole('button', { name: `Show a hint (2 of ${total})` }).click();
  assert.equal(await hints.count(), 2);
  for (let i = 2; i < total; i++) await region.getByRole('button', { name: /^Show a hint/ }).click();
  assert.equal(await hints.count(), total);
  assert.ok(await region.getByRole('button', { name: 'No more hints' }).isDisabled());
  // Hints are text, each different.
  const texts = await hints.allTextContents();
  assert.equal(new Set(texts).size, total);

  await region.getByRole('button', { name: 'Show a solution' }).click();
  await region.locator('.verdict.met').waitFor();
  assert.match(await page.getByRole('textbox', { name: 'Scenario' }).inputValue(), /Unadvise\(/);
  assert.match(await verdict(region), /not counted as solved/);
  assert.doesNotMatch(await region.getByRole('button', { name: TITLE }).textContent(), /solved/);
  // Picking it again starts over: the broken client, no hints.
  await region.getByRole('button', { name: 'Start again' }).click();
  assert.doesNotMatch(await page.getByRole('textbox', { name: 'Scenario' }).inputValue(), /Unadvise\(/);
  assert.equal(await hints.count(), 0);
  await page.context().close();
});

test('a garbled or hostile list of solved challenges in storage is ignored', async () => {
  const { page, errors } = await openPage(browser, URL);
  for (const stored of ['not json', '{"forgotten-unadvise": true}', '["<img src=x onerror=window.__pwned=1>"]', '[' .repeat(20000)]) {
    await page.evaluate((s) => localStorage.setItem('mapioffline.solved', s), stored);
    await page.reload();
    await page.waitForSelector('body[data-ready]');
    const region = page.getByRole('region', { name: 'Challenges' });
    assert.equal(await region.locator('.solved').count(), 0, stored.slice(0, 40));
  }
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.deepEqual(errors, []);
  await page.context().close();
});
