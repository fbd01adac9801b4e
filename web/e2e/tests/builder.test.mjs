// The call builder: core's forms as selects; the statement it writes is inserted at the
// editor's cursor and runs like typed text.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { launch, openPage, timelineText, setScript, waitForStatus } from './helpers.mjs';

const URL = process.env.PLAYGROUND_URL;
const SHOTS = process.env.SCREENSHOT_DIR || '../../target/screenshots';
assert.ok(URL, 'PLAYGROUND_URL is not set: run `cargo xtask test`');
mkdirSync(SHOTS, { recursive: true });

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const WORLD = 'profile "Outlook"\nsink logger\nHrOpenOfflineObj(0, L"Outlook", &GUID_GlobalState, NULL, &mgr)\n';

test('an Advise with a NULL pCallback built with the mouse returns E_NOINTERFACE', async () => {
  const { page, errors } = await openPage(browser, URL);
  await setScript(page, WORLD);
  await waitForStatus(page, /^3 of 3/);
  await page.getByText('Call builder: make any call').click();
  const b = page.getByRole('region', { name: 'Call builder' });
  await b.getByRole('combobox', { name: 'Call or action' }).selectOption('Advise');
  // The names the script bound are offered.
  const thisSel = b.getByRole('combobox', { name: 'this', exact: true });
  assert.ok((await thisSel.locator('option').allTextContents()).some((t) => t.startsWith('mgr')));
  await thisSel.selectOption('mgr');
  await b.getByRole('combobox', { name: 'ulFlags' }).selectOption('MAPIOFFLINE_ADVISE_DEFAULT');
  const insert = b.getByRole('button', { name: 'Insert at cursor' });
  assert.ok(await insert.isDisabled(), 'a required argument is still missing');
  assert.match(await b.locator('.b-missing').textContent(), /Advise needs pulAdviseToken/);
  await b.getByRole('combobox', { name: 'pCallback' }).selectOption('NULL');
  await b.getByRole('combobox', { name: 'pulAdviseToken' }).selectOption('&out');
  assert.equal(await b.locator('.b-stmt').textContent(),
    'mgr->Advise(MAPIOFFLINE_ADVISE_DEFAULT, &{pCallback = NULL}, &out)');
  await page.screenshot({ path: `${SHOTS}/builder-1280x800.png` });
  // The cursor at the end of the script: the statement goes on the last (blank) line.
  const editor = page.getByRole('textbox', { name: 'Scenario' });
  await editor.evaluate((t) => { t.focus(); t.setSelectionRange(t.value.length, t.value.length); });
  await insert.click();
  await waitForStatus(page, /^4 of 4/);
  assert.match(await editor.inputValue(), /&mgr\)\nmgr->Advise\(MAPIOFFLINE_ADVISE_DEFAULT, &\{pCallback = NULL\}, &out\)$/);
  assert.match(await timelineText(page), /← Advise = E_NOINTERFACE/);
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('a raw value of your own, a placeholder slot by number, inserted where the cursor is', async () => {
  const { page } = await openPage(browser, URL);
  await setScript(page, WORLD);
  await waitForStatus(page, /^3 of 3/);
  await page.getByText('Call builder: make any call').click();
  const b = page.getByRole('region', { name: 'Call builder' });
  await b.getByRole('combobox', { name: 'Call or action' }).selectOption('vtbl');
  await b.getByRole('combobox', { name: 'this', exact: true }).selectOption('mgr');
  await b.getByRole('combobox', { name: 'slot' }).selectOption({ label: 'other value…' });
  await b.getByRole('textbox', { name: 'slot: a value of your own' }).fill('6');
  assert.equal(await b.locator('.b-stmt').textContent(), 'mgr->vtbl[6]()');
  // The cursor on the first line: the statement goes after it.
  await page.getByRole('textbox', { name: 'Scenario' }).evaluate((t) => t.setSelectionRange(3, 3));
  await b.getByRole('button', { name: 'Insert at cursor' }).click();
  await page.getByRole('status').filter({ hasText: /statements ran/ }).waitFor();
  const script = await page.getByRole('textbox', { name: 'Scenario' }).inputValue();
  assert.equal(script.split('\n')[1], 'mgr->vtbl[6]()');
  // Then at the end, where `mgr` is bound: a placeholder answers E_NOTIMPL.
  await setScript(page, WORLD);
  await waitForStatus(page, /^3 of 3/);
  await page.getByRole('textbox', { name: 'Scenario' }).evaluate((t) => t.setSelectionRange(t.value.length, t.value.length));
  await b.getByRole('button', { name: 'Insert at cursor' }).click();
  await waitForStatus(page, /^4 of 4/);
  assert.match(await timelineText(page), /= E_NOTIMPL/);
  await page.setViewportSize({ width: 800, height: 1000 });
  await page.screenshot({ path: `${SHOTS}/builder-800.png`, fullPage: true });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the window`);
  await page.context().close();
});
