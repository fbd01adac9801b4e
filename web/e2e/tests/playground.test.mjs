// End-to-end tests of the playground: playwright-core driving the system's Chromium
// headless. `cargo xtask test` serves target/playground/ and sets PLAYGROUND_URL.
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

const OPEN = 'profile "Outlook"\nHrOpenOfflineObj(0, L"Outlook", &GUID_GlobalState, NULL, &mgr)\n';

test('the page loads with every region and control named, and no errors', async () => {
  const { page, errors } = await openPage(browser, URL, { width: 1280, height: 800 });
  for (const name of ['Run', 'Step', 'Reset', 'Share']) {
    assert.ok(await page.getByRole('button', { name, exact: true }).isVisible(), name);
  }
  assert.ok(await page.getByRole('textbox', { name: 'Scenario' }).isVisible());
  for (const name of ['Timeline', 'World state', 'Findings', 'Lessons']) {
    assert.ok(await page.getByRole('region', { name }).isVisible(), name);
  }
  assert.match(await page.getByRole('status').textContent(), /statements ran/);
  await page.screenshot({ path: `${SHOTS}/main-1280x800.png` });
  await page.setViewportSize({ width: 800, height: 1000 });
  await page.screenshot({ path: `${SHOTS}/main-800.png`, fullPage: true });
  // Usable at 800 px: nothing wider than the window.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the window`);
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('the sample add-in lesson shows STATECHANGE_START, STATECHANGE and STATECHANGE_DONE', async () => {
  const { page } = await openPage(browser, URL);
  const lessons = page.getByRole('region', { name: 'Lessons' });
  await lessons.getByRole('button', { name: /Sample Offline State Add-in/ }).click();
  await assert.doesNotReject(lessons.getByText('Init Monitor follows the client workflow').waitFor());
  const text = await timelineText(page);
  for (const t of ['STATECHANGE_START', 'MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE,', 'STATECHANGE_DONE']) {
    assert.ok(text.includes(t), `timeline lacks ${t}`);
  }
  const script = await page.getByRole('textbox', { name: 'Scenario' }).inputValue();
  assert.match(script, /Sample Offline State Add-in/);
  await page.context().close();
});

test('an Advise with a wrong ulSize returns E_INVALIDARG', async () => {
  const { page } = await openPage(browser, URL);
  await setScript(page, OPEN + 'sink s\nmgr->Advise(MAPIOFFLINE_ADVISE_DEFAULT, &{ulSize = 3, ulClientToken = 1, pCallback = s}, &tok)\n');
  const text = await timelineText(page);
  assert.match(text, /← Advise = E_INVALIDARG/);
  await page.context().close();
});

test('turning the network off adds statements and the object goes offline', async () => {
  const { page } = await openPage(browser, URL);
  await setScript(page, OPEN);
  const world = page.getByRole('region', { name: 'World state' });
  assert.match(await world.locator('.diagram').getAttribute('aria-label'), /MAPIOFFLINE_STATE_ONLINE/);
  await world.getByRole('button', { name: 'Network: up' }).click();
  await world.getByRole('button', { name: 'Network: down' }).waitFor();
  const script = await page.getByRole('textbox', { name: 'Scenario' }).inputValue();
  assert.match(script, /network down\nrun\n$/);
  assert.match(await world.locator('.diagram').getAttribute('aria-label'), /MAPIOFFLINE_STATE_OFFLINE/);
  assert.equal(await world.locator('.st.lit').textContent(), 'OFFLINE');
  await page.context().close();
});

test('Step runs one statement at a time and the state panel follows', async () => {
  const { page } = await openPage(browser, URL);
  await setScript(page, OPEN + 'mgr->AddRef()\nmgr->SetCurrentState(MAPIOFFLINE_FLAG_BLOCK, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_OFFLINE, NULL)\nmgr->Release()\n');
  const world = page.getByRole('region', { name: 'World state' });
  await page.getByRole('button', { name: 'Reset', exact: true }).click();
  await waitForStatus(page, /^0 of 5 statements ran, 0 events/);
  assert.equal(await world.locator('.obj').count(), 0);
  const expected = [
    [/^1 of 5/, 'refs 0', 'ONLINE'], // the profile: the global object exists, nobody holds it
    [/^2 of 5/, 'refs 1', 'ONLINE'],
    [/^3 of 5/, 'refs 2', 'ONLINE'],
    [/^4 of 5/, 'refs 2', 'OFFLINE'],
    [/^5 of 5/, 'refs 1', 'OFFLINE'],
  ];
  for (const [status, refs, lit] of expected) {
    await page.getByRole('button', { name: 'Step' }).click();
    await waitForStatus(page, status);
    assert.match(await world.locator('.objhead').textContent(), new RegExp(refs + '$'));
    assert.equal(await world.locator('.st.lit').textContent(), lit);
  }
  await page.context().close();
});

test('a share link restores the script in a fresh browser', async () => {
  const { page } = await openPage(browser, URL);
  const script = OPEN + '# shared: é ✓ "quotes" & <angle>\nmgr->Release()\n';
  await setScript(page, script);
  await page.getByRole('button', { name: 'Share' }).click();
  await page.waitForFunction(() => location.hash.startsWith('#s='));
  const link = page.url();
  await page.context().close();
  // A new context has no storage: only the link carries the script.
  const { page: other } = await openPage(browser, link);
  assert.equal(await other.getByRole('textbox', { name: 'Scenario' }).inputValue(), script);
  await other.context().close();
});

test('the coloured copy follows every edit: a line changed, put in, taken out, repeated', async () => {
  const { page } = await openPage(browser, URL);
  const ta = page.getByRole('textbox', { name: 'Scenario' });
  // The copy under the textarea must hold the same text, line for line, or the colours
  // and the caret's explanations sit on the wrong words.
  const same = async (what) => {
    await page.waitForFunction(() => document.querySelector('pre.hl').textContent.replace(/\n$/, '')
      === document.querySelector('#scenario').value, null, { timeout: 5000 })
      .catch(async () => assert.fail(`${what}: the copy reads ${JSON.stringify(await page.locator('pre.hl').textContent())}`));
  };
  const a = 'profile "Outlook"';
  const b = 'HrOpenOfflineObj(0, L"Outlook", &GUID_GlobalState, NULL, &mgr)';
  const c = 'mgr->GetCurrentState(&state)';
  await ta.fill([a, b, c].join('\n'));
  await same('three lines');
  await ta.fill([a, b, 'mgr->Release()'].join('\n'));
  await same('the last line changed');
  await ta.fill([a, '# a comment', b, 'mgr->Release()'].join('\n'));
  await same('a line put in');
  await ta.fill([a, b, 'mgr->Release()'].join('\n'));
  await same('a line taken out');
  await ta.fill([a, b, c, c, c].join('\n'));
  await same('a line repeated');
  // The lines keep their colours: the function name is a term, the comment a comment.
  await ta.fill([a, '# a comment', c].join('\n'));
  await same('a comment');
  assert.equal(await page.locator('pre.hl .tk-c').first().textContent(), '# a comment');
  assert.ok((await page.locator('pre.hl .term').allTextContents()).includes('GetCurrentState'));
  await page.context().close();
});

test('HTML in a script, a share link or storage is shown as text and never runs', async () => {
  const { page, errors } = await openPage(browser, URL);
  const evil = '# <img src=x onerror="window.__pwned=1"> <script>window.__pwned=2</script>\n'
    + 'profile "<img src=x onerror=window.__pwned=3>"\n'
    + 'HrOpenOfflineObj(0, L"<img src=x onerror=window.__pwned=3>", &GUID_GlobalState, NULL, &mgr)\n';
  await setScript(page, evil);
  await waitForStatus(page, /statements ran/);
  const hl = await page.locator('pre.hl').textContent();
  assert.ok(hl.includes('<img src=x onerror="window.__pwned=1">'), hl);
  assert.ok(hl.includes('<script>window.__pwned=2</script>'));
  // The profile name appears in the world state as text.
  const world = await page.getByRole('region', { name: 'World state' }).textContent();
  assert.ok(world.includes('"<img src=x onerror=window.__pwned=3>"'), world);
  // The same through a share link, then a reload from storage.
  await page.getByRole('button', { name: 'Share' }).click();
  await page.waitForFunction(() => location.hash.startsWith('#s='));
  await page.reload();
  await page.waitForSelector('body[data-ready]');
  await page.evaluate(() => new Promise((r) => setTimeout(r, 300)));
  assert.equal(await page.evaluate(() => document.querySelectorAll('main img, main script, main b').length), 0);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.equal(await page.getByRole('textbox', { name: 'Scenario' }).inputValue(), evil);
  // A syntax error quotes the offending text, as text.
  await setScript(page, evil + 'sink <b>x</b>\n');
  const problem = await page.locator('.problem').textContent();
  assert.ok(problem.includes('<'), problem);
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('a typo is marked at its line with core\'s message and hint, as you type', async () => {
  const { page } = await openPage(browser, URL);
  await setScript(page, OPEN + 'mgr->SetCurentState(MAPIOFFLINE_FLAG_BLOCK, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_OFFLINE, NULL)\n');
  const alert = page.locator('.problem');
  await alert.waitFor();
  assert.match(await alert.textContent(), /^line 3, column 6: expected a method of IMAPIOfflineMgr/);
  assert.match(await alert.textContent(), /hint: did you mean `SetCurrentState`\?/);
  const mark = page.locator('.gutter .mark.err');
  assert.equal(await mark.getAttribute('data-line'), '3');
  assert.equal(await mark.getAttribute('aria-label'), 'error on line 3');
  // Fixing it clears the mark.
  await setScript(page, OPEN + 'mgr->SetCurrentState(MAPIOFFLINE_FLAG_BLOCK, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_OFFLINE, NULL)\n');
  await page.locator('.gutter .mark.err').waitFor({ state: 'detached' });
  await page.context().close();
});

test('a reload keeps the script', async () => {
  const { page } = await openPage(browser, URL);
  const script = OPEN + '# kept across reloads\n';
  await setScript(page, script);
  await waitForStatus(page, /^2 of 2/);
  await page.reload();
  await page.waitForSelector('body[data-ready]');
  assert.equal(await page.getByRole('textbox', { name: 'Scenario' }).inputValue(), script);
  // Opened from a share link and then edited, a reload keeps the edit, not the link's script.
  await page.getByRole('button', { name: 'Share' }).click();
  await page.waitForFunction(() => location.hash.startsWith('#s='));
  await setScript(page, script + '# edited after sharing\n');
  assert.equal(await page.evaluate(() => location.hash), '');
  await page.reload();
  await page.waitForSelector('body[data-ready]');
  assert.equal(await page.getByRole('textbox', { name: 'Scenario' }).inputValue(), script + '# edited after sharing\n');
  await page.context().close();
});

test('Ctrl+Enter runs, and the timeline is usable by keyboard', async () => {
  const { page } = await openPage(browser, URL);
  await setScript(page, OPEN);
  await page.getByRole('button', { name: 'Reset', exact: true }).click();
  await waitForStatus(page, /^0 of 2/);
  await page.getByRole('textbox', { name: 'Scenario' }).press('Control+Enter');
  await waitForStatus(page, /^2 of 2/);
  await page.getByRole('listbox', { name: 'Trace events' }).focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  const detail = await page.locator('.detail').textContent();
  assert.match(detail, /event #1 \(call\) at t=0, from script line 2/);
  // Its JSON is one click (or Enter) away: fetched when the disclosure opens.
  await page.locator('.detail summary', { hasText: 'JSON' }).click();
  await page.waitForFunction(() => /"event": "call"/.test(document.querySelector('.detail pre').textContent));
  await page.context().close();
});

test('Run right after typing runs once, and the event selected after it stays selected', async () => {
  const { page } = await openPage(browser, URL);
  await setScript(page, OPEN);
  const runs = async () => Number(await page.getByRole('status').getAttribute('data-runs'));
  const before = await runs();
  // Typed and run at once, inside the pause that would re-run it by itself.
  await page.evaluate((src) => {
    const ta = document.querySelector('textarea');
    ta.value = src;
    ta.dispatchEvent(new Event('input', { bubbles: true }));
    [...document.querySelectorAll('.controls button')].find((b) => b.textContent === 'Run').click();
  }, OPEN + 'mgr->Release()\n');
  await waitForStatus(page, /^3 of 3/);
  await page.locator('#ev-1').click();
  assert.equal(await page.locator('#ev-1').getAttribute('aria-selected'), 'true');
  // Well past the pause: nothing ran again behind the learner's back.
  await page.evaluate(() => new Promise((r) => setTimeout(r, 400)));
  assert.equal(await runs(), before + 1, 'the script ran again after Run');
  assert.equal(await page.locator('#ev-1').getAttribute('aria-selected'), 'true', 'the selection was dropped');
  await page.context().close();
});

test('a re-run keeps the rows that read the same and rebuilds the ones that changed', async () => {
  const { page } = await openPage(browser, URL);
  const advise = (token) => `sink s\nmgr->Advise(MAPIOFFLINE_ADVISE_DEFAULT, &{ulClientToken = ${token}, pCallback = s}, &tok)\n`;
  await setScript(page, OPEN + advise(1));
  // Tag every row element in view, then edit: a comment at the end, then the token.
  const tag = () => page.evaluate(() => document.querySelectorAll('.timeline .row').forEach((r) => { r.tagged = true; }));
  const kept = () => page.evaluate(() => [...document.querySelectorAll('.timeline .row')].map((r) => `${r.id}:${r.tagged === true}`));
  await tag();
  const rows = (await kept()).length;
  assert.ok(rows > 4, `${rows} rows`);
  await setScript(page, OPEN + advise(1) + '# a comment\n');
  assert.deepEqual((await kept()).filter((k) => k.endsWith(':false')), [], 'a row was built again');
  await setScript(page, OPEN + advise(7));
  const after = await kept();
  // The rows before the Advise are kept; the Advise's own row is new and names token 7
  // (the rows after it read the same: no token in their words).
  const advised = await page.evaluate(() => [...document.querySelectorAll('.timeline .row')].findIndex((r) => /Advise\(/.test(r.textContent)));
  assert.ok(advised > 0, 'the Advise is in view');
  assert.ok(after.slice(0, advised).every((k) => k.endsWith(':true')), after.join(' '));
  assert.ok(after.slice(advised).some((k) => k.endsWith(':false')), after.join(' '));
  assert.match(await page.locator('.timeline .row').nth(advised).textContent(), /ulClientToken=7,/);
  assert.equal(after[advised], `ev-${advised}:false`, 'the changed row was kept');
  await page.context().close();
});

test('the JS API: run, check, explain', async () => {
  const { page } = await openPage(browser, URL);
  await page.waitForSelector('body[data-api]');
  const r = await page.evaluate((src) => {
    const trace = window.mapioffline.run(src + 'shutdown\n');
    const findings = window.mapioffline.check(trace);
    const x = window.mapioffline.explain('E_PENDING');
    let unknown;
    try { window.mapioffline.explain('E_PENDNG'); } catch (e) { unknown = String(e.message); }
    let bad;
    try { window.mapioffline.run('profile'); } catch (e) { bad = String(e.message); }
    return { schema: trace.schema, first: trace.events[0].event, n: trace.events.length,
      findings: findings.map((f) => f.rule), title: x.title, unknown, bad,
      count: window.mapioffline.eventCount(src) };
  }, OPEN);
  assert.equal(r.schema, 1);
  assert.equal(r.first, 'profile_added');
  assert.deepEqual(r.findings, ['R4']);
  assert.equal(r.title, 'E_PENDING = 0x8000000A');
  assert.match(r.unknown, /did you mean `E_PENDING`/);
  assert.match(r.bad, /^1:8: expected/);
  assert.ok(r.count > 0 && r.count < r.n);
  await page.context().close();
});

test('an unreadable share link says so and keeps the last script', async () => {
  const { page } = await openPage(browser, URL);
  const script = OPEN + '# my work, not to be lost\n';
  await setScript(page, script);
  await waitForStatus(page, /^2 of 2/);
  const base = URL.replace(/#.*$/, '');
  // A real link cut short when copied.
  await setScript(page, OPEN + '# a script someone shared, then cut in the middle of its link\nmgr->Release()\n');
  await page.getByRole('button', { name: 'Share' }).click();
  await page.waitForFunction(() => location.hash.startsWith('#s='));
  const shared = await page.evaluate(() => location.hash);
  await setScript(page, script);
  await waitForStatus(page, /^2 of 2/);
  // A cut link, HTML, and one longer than any link the page makes.
  const cases = [
    [shared.slice(0, Math.floor(shared.length / 2)), /does not decompress/],
    ['#s=%3Cimg%20src=x%20onerror=window.__pwned=1%3E', /which a share link never contains/],
    ['#s=' + 'A'.repeat(20000), /more than the 16384 a share link may have/],
  ];
  for (const [frag, why] of cases) {
    const other = await page.context().newPage();
    await other.goto(base + frag);
    await other.waitForSelector('body[data-ready]');
    const alert = other.locator('.link-error');
    await alert.waitFor();
    const text = await alert.textContent();
    assert.match(text, /^This link is unreadable: /, frag);
    assert.match(text, why, text);
    assert.match(text, /Your last script is kept\./);
    assert.equal(await other.getByRole('textbox', { name: 'Scenario' }).inputValue(), script, frag);
    assert.equal(await other.evaluate(() => document.querySelectorAll('header img').length), 0);
    assert.equal(await other.evaluate(() => window.__pwned), undefined);
    await other.getByRole('button', { name: 'Dismiss' }).click();
    await alert.waitFor({ state: 'detached' });
    await other.close();
  }
  await page.context().close();
});

test('by keyboard: skip links first, the toggles before the lessons, one tab stop for all lessons', async () => {
  const { page } = await openPage(browser, URL);
  await setScript(page, OPEN);
  await waitForStatus(page, /^2 of 2/);
  await page.reload();
  await page.waitForSelector('body[data-ready]');
  const active = () => page.evaluate(() => {
    const a = document.activeElement;
    return { id: a.id, text: a.textContent.trim(), tag: a.tagName, x: a.getBoundingClientRect().left };
  });
  // The first Tab lands on a visible skip link; Enter on it puts the caret in the editor.
  await page.keyboard.press('Tab');
  const skip = await active();
  assert.equal(skip.text, 'Skip to editor');
  assert.ok(skip.x >= 0, 'the focused skip link is on screen');
  await page.keyboard.press('Enter');
  assert.equal((await active()).id, 'scenario');
  assert.equal(await page.evaluate(() => location.hash), '', 'a skip link leaves the URL alone');
  // From the page's start, Tab reaches the network toggle in a few presses.
  await page.reload();
  await page.waitForSelector('body[data-ready]');
  const order = [];
  for (let i = 0; i < 24; i++) {
    await page.keyboard.press('Tab');
    const a = await active();
    order.push(a.id || a.text);
    if (a.id === 'network-toggle') break;
  }
  assert.equal(order.at(-1), 'network-toggle', order.join(' → '));
  // One stop each for the theme button, the challenge list, the scrubber and the two folded
  // panels (call builder, C++) since issue 18; "Skip to world state" is the short way.
  assert.ok(order.length <= 18, `${order.length} presses: ${order.join(' → ')}`);
  for (const name of ['Call builder: make any call or world action with the mouse', 'C++ client code']) {
    assert.ok(order.includes(name), `${name} is one stop: ${order.join(' → ')}`);
  }
  for (const name of ['Run', 'Step', 'Reset', 'Share']) assert.ok(order.includes(name), order.join(' → '));
  assert.equal(order.filter((x) => x.startsWith('lesson-')).length, 1, order.join(' → '));
  // Space activates it: the script gains the statements and the object goes offline.
  await page.keyboard.press('Space');
  const world = page.getByRole('region', { name: 'World state' });
  await world.getByRole('button', { name: 'Network: down' }).waitFor();
  assert.match(await page.getByRole('textbox', { name: 'Scenario' }).inputValue(), /network down\nrun\n$/);
  assert.equal(await world.locator('.st.lit').textContent(), 'OFFLINE');
  // The lessons: arrow keys move within the list, Enter loads one.
  await page.locator('#lesson-0').focus();
  await page.keyboard.press('ArrowRight');
  assert.equal((await active()).id, 'lesson-1');
  await page.keyboard.press('Enter');
  assert.equal(await page.locator('#lesson-1').getAttribute('aria-pressed'), 'true');
  assert.equal(await page.locator('#lesson-1').getAttribute('tabindex'), '0');
  assert.equal(await page.locator('#lesson-0').getAttribute('tabindex'), '-1');
  await page.keyboard.press('End');
  assert.equal((await active()).id, 'lesson-19');
  await page.context().close();
});

test('a panic shows its message and a working Reset, never a blank page', async () => {
  const { page } = await openPage(browser, URL);
  const crash = page.locator('#crash');
  assert.equal(await crash.isVisible(), false);
  const thrown = await page.evaluate(() => {
    try { window.mapioffline.__panicForTest(); return null; } catch (e) { return String(e); }
  });
  assert.ok(thrown, 'the panic surfaces in JS as an exception');
  await crash.waitFor({ state: 'visible' });
  assert.match(await page.locator('#crash-msg').textContent(), /deliberate panic from mapioffline\.__panicForTest\(\)/);
  assert.ok(await page.getByRole('heading', { name: 'The playground stopped with an error' }).isVisible());
  await page.screenshot({ path: `${SHOTS}/crash-1280x800.png` });
  await crash.getByRole('button', { name: 'Reset' }).click();
  await page.waitForSelector('body[data-ready]');
  await page.getByRole('button', { name: 'Run', exact: true }).waitFor();
  assert.equal(await crash.isVisible(), false);
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await waitForStatus(page, /statements ran/);
  await page.context().close();
});

test('the timeline is a sequence diagram: lanes, arrows, whole lines, the whole MAPIOFFLINE_NOTIFY', async () => {
  const { page } = await openPage(browser, URL);
  const lessons = page.getByRole('region', { name: 'Lessons' });
  await lessons.getByRole('button', { name: /Sample Offline State Add-in/ }).click();
  await lessons.getByText('Init Monitor follows the client workflow').waitFor();
  const heads = await page.locator('.lanehead .lane').evaluateAll((ls) => ls.map((l) => l.title));
  assert.deepEqual(heads.slice(0, 2), ['environment', 'client']);
  assert.ok(heads.includes('global "Outlook" 0x00A00000'), heads.join(' | '));
  assert.ok(heads.includes('sink "monitor" 0x00C00000'), heads.join(' | '));
  const lane = (t) => heads.indexOf(t);
  // Rows are in the DOM only when in view: look them up through the list's scrolling.
  const rowWhere = async (kind, text) => page.evaluate(async ([kind, text]) => {
    const list = document.querySelector('.timeline');
    for (let top = 0; top <= list.scrollHeight; top += list.clientHeight / 2) {
      list.scrollTop = top;
      list.dispatchEvent(new Event('scroll'));
      await new Promise((r) => requestAnimationFrame(() => r()));
      for (const row of list.querySelectorAll(`.row.${kind}`)) {
        if (row.querySelector('.x').textContent.includes(text)) {
          return { id: row.id, lanes: row.dataset.lanes, k: row.querySelector('.k').textContent,
            glyph: row.querySelector('.lanes > span').className };
        }
      }
    }
    return null;
  }, [kind, text]);
  const notify = await rowWhere('notify', 'STATECHANGE_START');
  assert.equal(notify.lanes, `${lane('global "Outlook" 0x00A00000')}>${lane('sink "monitor" 0x00C00000')}`);
  assert.equal(notify.glyph, 'arrow right');
  const call = await rowWhere('call', '->SetCurrentState(');
  assert.equal(call.lanes, `${lane('client')}>${lane('global "Outlook" 0x00A00000')}`);
  const ret = await rowWhere('return', 'SetCurrentState =');
  assert.equal(ret.lanes, `${lane('global "Outlook" 0x00A00000')}>${lane('client')}`);
  assert.equal(ret.glyph, 'arrow left');
  const rc = await rowWhere('refcount', 'refcount of');
  assert.equal(rc.k, 'refcount');
  assert.equal(rc.glyph, 'dot');
  const diag = await rowWhere('diag', '[');
  assert.match(diag ? 'ok' : 'none', /ok/);
  // Brings a row found above back into view (the list keeps only visible rows).
  const show = (id) => page.evaluate(async (id) => {
    const list = document.querySelector('.timeline');
    list.scrollTop = Number(id.slice(3)) * 32;
    list.dispatchEvent(new Event('scroll'));
    await new Promise((r) => requestAnimationFrame(() => r()));
  }, id);
  // Selecting a Notify shows the whole MAPIOFFLINE_NOTIFY.
  await show(notify.id);
  await page.locator(`#${notify.id}`).click();
  await page.locator('.detail summary', { hasText: 'JSON' }).click();
  await page.waitForFunction(() => document.querySelector('.detail pre').textContent.includes('"ulSize"'));
  const detail = await page.locator('.detail pre').textContent();
  for (const f of ['"ulSize": 24', '"NotifyType": 1', '"ulClientToken"', '"ulMask"', '"ulStateOld"', '"ulStateNew"']) {
    assert.ok(detail.includes(f), `${f} in ${detail}`);
  }
  // The longest line is whole: the list scrolls sideways as far as its end.
  const adv = await rowWhere('call', '->Advise(');
  await show(adv.id);
  const fit = await page.evaluate((id) => {
    const list = document.querySelector('.timeline');
    list.scrollLeft = list.scrollWidth;
    const x = document.getElementById(id).querySelector('.x').getBoundingClientRect();
    const l = list.getBoundingClientRect();
    return { sideways: list.scrollWidth > list.clientWidth, right: x.right, listRight: l.right,
      head: document.querySelector('.lanehead').scrollLeft };
  }, adv.id);
  assert.ok(fit.sideways, 'a long line makes the list scroll sideways');
  assert.ok(fit.right <= fit.listRight + 1, `text ends at ${fit.right}, the list at ${fit.listRight}`);
  await page.evaluate(() => document.querySelector('.timeline').dispatchEvent(new Event('scroll')));
  assert.ok(await page.evaluate(() => document.querySelector('.lanehead').scrollLeft > 0), 'the headings follow');
  await page.evaluate(() => { const l = document.querySelector('.timeline'); l.scrollLeft = 0; l.scrollTop = 0; l.dispatchEvent(new Event('scroll')); window.scrollTo(0, 0); });
  await page.screenshot({ path: `${SHOTS}/timeline-1280x800.png` });
  await page.setViewportSize({ width: 800, height: 1000 });
  await page.screenshot({ path: `${SHOTS}/timeline-800.png`, fullPage: true });
  await page.context().close();
});

test('a 10,000-statement script: only the rows in view are in the page', async () => {
  const { page } = await openPage(browser, URL);
  const body = ['mgr->SetCurrentState(MAPIOFFLINE_FLAG_BLOCK, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_OFFLINE, NULL)',
    'mgr->SetCurrentState(MAPIOFFLINE_FLAG_DEFAULT, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_ONLINE, NULL)',
    'run', 'network down', 'run', 'network up', 'run', 'mgr->GetCurrentState(&st)'];
  const lines = ['profile "Outlook"', 'sink a', 'HrOpenOfflineObj(0, L"Outlook", &GUID_GlobalState, NULL, &mgr)',
    'mgr->Advise(MAPIOFFLINE_ADVISE_DEFAULT, &{ulClientToken = 1, pCallback = a}, &ta)'];
  while (lines.length < 10000) lines.push(body[lines.length % body.length]);
  // Typing 10,000 lines would take long: set the text as a paste would, then Run.
  await page.evaluate((src) => {
    const ta = document.getElementById('scenario');
    ta.value = src;
    ta.dispatchEvent(new Event('input', { bubbles: true }));
  }, lines.join('\n') + '\n');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await waitForStatus(page, /^10000 of 10000 statements ran/);
  const rows = await page.locator('.timeline .row').count();
  assert.ok(rows > 10 && rows < 100, `${rows} rows in the DOM`);
  await page.evaluate(() => { const l = document.querySelector('.timeline'); l.scrollTop = l.scrollHeight / 2; l.dispatchEvent(new Event('scroll')); });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
  const ids = await page.locator('.timeline .row').evaluateAll((rs) => rs.map((r) => Number(r.id.slice(3))));
  assert.ok(Math.min(...ids) > 1000, `rows ${Math.min(...ids)}…${Math.max(...ids)} after scrolling halfway`);
  assert.ok(ids.length < 100);
  await page.context().close();
});
