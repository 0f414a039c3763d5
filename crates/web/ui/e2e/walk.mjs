// The researcher's whole flow in headless Debian Chromium, with axe-core on every page.
// Run by the Rust test `ui::the_whole_flow_works_in_chromium` against a fresh app; usage:
//   BASE_URL=http://127.0.0.1:PORT USERNAME=… PASSWORD=… [SCREENSHOTS=dir] node e2e/walk.mjs
import { readFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { launchChromium } from './browser.mjs';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const base = process.env.BASE_URL;
const username = process.env.USERNAME;
const password = process.env.PASSWORD;
const shots = process.env.SCREENSHOTS;
if (!base || !username || !password) {
  console.error('BASE_URL, USERNAME and PASSWORD are required');
  process.exit(2);
}
if (shots) mkdirSync(shots, { recursive: true });

const LONG = 120_000;
const checked = [];
const problems = [];

function step(name) {
  console.log(`- ${name}`);
}

async function accessible(page, name) {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { iframes: false, resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
    }));
  });
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  checked.push(name);
  for (const v of serious) problems.push(`${name}: ${v.impact} ${v.id} (${v.help}) at ${v.nodes.join(', ')}`);
  const minor = violations.length - serious.length;
  console.log(`  axe ${name}: ${serious.length} serious or critical, ${minor} minor`);
}

async function screenshot(page, name) {
  if (shots) await page.screenshot({ path: `${shots}/${name}.png`, fullPage: false });
}

/// Waits until the element's text matches (pages update it asynchronously).
async function expectText(locator, pattern, what) {
  const deadline = Date.now() + LONG;
  let text = '';
  while (Date.now() < deadline) {
    text = (await locator.first().textContent({ timeout: LONG })) ?? '';
    if (pattern.test(text)) return text;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${what}: expected ${pattern}, found “${text.trim()}”`);
}

async function waitForStatus(page, selector, done, what) {
  await page.waitForFunction(
    ([sel, ok]) => ok.includes(document.querySelector(sel)?.textContent?.trim()),
    [selector, done],
    { timeout: LONG, polling: 250 },
  ).catch(async (err) => {
    throw new Error(`${what} did not finish: ${err.message}; status ${await page.locator(selector).first().textContent()}`);
  });
  const status = (await page.locator(selector).first().textContent()).trim();
  if (status !== 'done') throw new Error(`${what} ended ${status}`);
}

async function openViewerAndFind(page, networkUrl, name) {
  await page.goto(`${networkUrl}/view`);
  await page.waitForSelector('#viewer[data-ready="true"]', { timeout: LONG });
  await expectText(page.locator('#viewer-status'), /Showing \d+ of \d+ nodes/, 'viewer status');
  await accessible(page, `viewer (${name})`);
  const label = await page.evaluate(() => {
    const options = [...document.querySelectorAll('#node-labels option')].map((o) => o.value);
    return options.find((o) => o.includes('.')) ?? options[0];
  });
  if (!label) throw new Error(`the ${name} network has no nodes`);
  await page.fill('#node-query', label);
  await page.press('#node-query', 'Enter');
  await expectText(page.locator('#details-title'), new RegExp(label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), 'details panel title');
  await expectText(page.locator('#details h3'), /Neighbours \(\d+\)/, 'details neighbours');
  const attributes = await page.locator('#details table.attributes tr').count();
  if (attributes < 2) throw new Error('the details panel lists no attributes');
  const focused = await page.evaluate(() => document.activeElement?.id);
  if (focused !== 'details-title') throw new Error(`focus should move to the details panel, is on ${focused}`);
  console.log(`  found “${label}” in the ${name} network; ${attributes} attributes`);
  return label;
}

const browser = await launchChromium();
const context = await browser.newContext({ viewport: { width: 1366, height: 860 }, acceptDownloads: true });
const page = await context.newPage();
const consoleErrors = [];
// A failed load is reported by URL below; the console's own line for it names none.
page.on('console', (msg) => {
  if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) consoleErrors.push(msg.text());
});
page.on('response', (response) => {
  const url = new URL(response.url());
  const expected = url.pathname === '/favicon.ico'
    || (url.pathname === '/login' && response.status() === 401)
    || (url.pathname.startsWith('/api/') && response.status() === 422);
  if (response.status() >= 400 && !expected) consoleErrors.push(`HTTP ${response.status()} for ${url.pathname}`);
});
page.on('pageerror', (err) => consoleErrors.push(err.message));

try {
  step('log in');
  await page.goto(`${base}/`);
  await page.waitForURL(/\/login/);
  await accessible(page, 'login');
  await screenshot(page, 'login');
  await page.fill('#username', username);
  await page.fill('#password', 'not the password');
  await page.click('button[type=submit]');
  await expectText(page.locator('#login-error'), /Wrong username or password/, 'a wrong password');
  await page.fill('#password', password);
  await page.click('button[type=submit]');
  await page.waitForURL(`${base}/`);
  await expectText(page.locator('h1'), /Dashboard/, 'dashboard');
  await accessible(page, 'dashboard');

  step('keyboard shortcuts: ? lists them, Escape closes');
  await page.locator('body').press('?');
  await page.waitForSelector('#shortcuts[open]');
  await page.keyboard.press('Escape');
  await page.waitForSelector('#shortcuts:not([open])', { state: 'attached' });

  step('share a project: create it, add a colleague as viewer, work in it');
  await page.goto(`${base}/projects`);
  await accessible(page, 'projects');
  await page.fill('#project-name', 'Havvind team');
  await page.click('form[action="/projects"] button[type=submit]');
  await page.waitForURL(/\/projects\/\d+$/);
  const projectUrl = page.url();
  await page.fill('#member-username', 'colleague');
  await page.selectOption('#member-role', 'viewer');
  await page.click('form[action$="/members"] button[type=submit]');
  await page.waitForURL(projectUrl);
  await expectText(page.locator('#members-title + .table-wrap'), /colleague\s*viewer/, 'the new member and role');
  await page.click('form[action="/projects/switch"] button:has-text("Work in this project")');
  await page.waitForURL(projectUrl);
  await expectText(page.locator('#project-switch option:checked'), /Havvind team/, 'the project switcher');
  await accessible(page, 'project');
  await screenshot(page, 'project');

  step('create a search session; validation errors appear beside their fields');
  await page.goto(`${base}/sessions/new`);
  await accessible(page, 'new session');
  await page.click('form[data-api="/api/search/sessions"] button[type=submit]');
  await expectText(page.locator('[data-error-for="name"]'), /\S/, 'the name error');
  if ((await page.getAttribute('#name', 'aria-invalid')) !== 'true') throw new Error('name not marked invalid');
  await page.setInputFiles('#file', {
    name: 'queries.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('query,max_results\n"havvind, Nordsøen",5\nenergiø Bornholm,10\n'),
  });
  await expectText(page.locator('#csv-preview caption'), /first 2 rows/, 'the CSV preview');
  await expectText(page.locator('#csv-preview tr:nth-child(3) td').first(), /^havvind, Nordsøen$/, 'a quoted CSV cell');
  await page.setInputFiles('#file', []);
  await page.waitForFunction(() => document.querySelector('#csv-preview').children.length === 0);
  await page.fill('#name', 'Havvind i Nordsøen');
  await page.selectOption('#engine', 'searxng');
  await page.fill('#queries', 'havvind Nordsøen\noffshore wind North Sea\nenergiø Bornholm');
  await page.fill('#max_results', '10');
  await screenshot(page, 'new-session');
  await page.click('form[data-api="/api/search/sessions"] button[type=submit]');
  await page.waitForURL(/\/sessions\/\d+$/);
  const sessionUrl = page.url();
  await waitForStatus(page, '.facts .status', ['done', 'failed', 'cancelled'], 'the search session');
  const results = await page.locator('#results + .table-wrap tr').count();
  if (results < 5) throw new Error(`expected search results, found ${results - 1} rows`);
  await accessible(page, 'session');
  await screenshot(page, 'session');

  step('start scraping and watch its progress');
  await page.selectOption('#crawl-depth', '1');
  await expectText(page.locator('#depth-help'), /Depth 1/, 'the depth help');
  await page.fill('#crawl-delay', '0.1');
  await page.click('#scrape-title + form button[type=submit]');
  await page.waitForURL(/\/crawls\/\d+$/);
  const crawlUrl = page.url();
  await expectText(page.locator('#count-fetched'), /\d/, 'the live fetched counter');
  await waitForStatus(page, '#crawl-status', ['done', 'failed', 'cancelled'], 'the scraping job');
  await accessible(page, 'scraping job');
  await screenshot(page, 'scraping-job');

  step('curate the corpus: a status by button, prospection from the keyboard, a category');
  const projectPath = new URL(projectUrl).pathname;
  await page.goto(`${base}${projectPath}/websites?sort=unit`);
  await accessible(page, 'websites');
  await screenshot(page, 'websites');
  const firstRow = page.locator('tr[id^="website-"]').first();
  const firstUnit = (await firstRow.locator('td a').first().textContent()).trim();
  await firstRow.locator('button[value="undecided"]').click();
  await page.waitForURL(/\/websites\?/);
  await expectText(page.locator('tr[id^="website-"]').first().locator('.status'), /undecided/, 'the status set by a plain form');
  await page.goto(`${base}${projectPath}/prospects`);
  await accessible(page, 'prospection');
  if ((await page.locator(`tr[data-unit="${firstUnit}"]`).count()) !== 1) throw new Error(`${firstUnit}, now undecided, is not a prospect`);
  // Websites only linked to start undecided too; the most linked from IN websites come first.
  const prospect = page.locator('tr[data-website]').first();
  const firstProspect = await prospect.getAttribute('data-unit');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowUp');
  const current = await page.evaluate(() => document.activeElement?.dataset?.unit);
  if (current !== firstProspect) throw new Error(`the arrows should focus ${firstProspect}, focus is on ${current}`);
  await page.keyboard.press('i');
  await expectText(prospect.locator('[data-prospect-status]'), /^\s*in\s*$/, 'the status set with the i key');
  await expectText(page.locator('#prospect-status'), /is now in/, 'the announcement');
  await screenshot(page, 'prospection');
  await page.goto(`${base}${projectPath}/websites?sort=unit`);
  await page.locator('tr[id^="website-"] td a').first().click();
  await page.waitForURL(/\/websites\/\d+$/);
  await accessible(page, 'website');
  await page.fill('#website-categories', 'sector=government');
  await page.selectOption('#website-status', 'in');
  await page.fill('#website-name', 'The first actor');
  await page.click('form[action$="' + new URL(page.url()).pathname + '"] button[type=submit]');
  await page.waitForURL(/\/websites\/\d+$/);
  await expectText(page.locator('#website-categories'), /sector=government/, 'the saved category');
  await page.goto(crawlUrl);

  step('open a page: its text beside the sandboxed page');
  await page.locator('table a[href^="/pages/"]').first().click();
  await page.waitForURL(/\/pages\/\d+$/);
  const paragraphs = await page.locator('.page-text p').count();
  if (paragraphs < 1) throw new Error('the page view shows no text');
  const sandbox = await page.getAttribute('iframe', 'sandbox');
  if (sandbox !== '') throw new Error(`the iframe must be fully sandboxed, has sandbox="${sandbox}"`);
  await accessible(page, 'page view');
  await screenshot(page, 'page-view');

  step('run the analysis and read the top nouns');
  await page.goto(crawlUrl);
  await page.click('form[data-api$="/analyses"] button[type=submit]');
  await page.waitForURL(/\/analysis\?run=\d+/);
  await page.waitForFunction(() => document.querySelectorAll('#top-terms tr').length > 3, null, { timeout: LONG, polling: 250 });
  await accessible(page, 'analysis');
  await screenshot(page, 'analysis');
  await page.click('a[href*="kind=entities"]');
  await page.waitForURL(/kind=entities/);

  step('build a query–website network and read a node in the viewer');
  await page.goto(`${base}/networks`);
  await accessible(page, 'networks');
  await page.selectOption('#net-type', 'query-website');
  await page.click('form[data-api="/api/networks"] button[type=submit]');
  await page.waitForURL(/\/networks\/\d+$/);
  await waitForStatus(page, '.facts .status', ['done', 'failed', 'cancelled'], 'the query–website network');
  await accessible(page, 'network');
  await screenshot(page, 'network');
  await openViewerAndFind(page, page.url(), 'query–website');
  await screenshot(page, 'viewer-query-website');
  // The curated category colours and filters the website nodes.
  await page.selectOption('#color-by', 'category:sector');
  await expectText(page.locator('#category-legend'), /government/, 'the category legend');
  await page.selectOption('#filter-category', JSON.stringify(['sector', 'government']));
  await expectText(page.locator('#viewer-status'), /Showing 1 of \d+ nodes/, 'the category filter');
  await page.selectOption('#filter-category', '');
  await accessible(page, 'viewer (by category)');

  step('compare the network with itself in the viewer: everything kept, the slider moves');
  const networkPath = new URL(page.url()).pathname.replace(/\/view$/, '');
  const networkId = networkPath.split('/').pop();
  await page.goto(`${base}${networkPath}`);
  await page.fill('#compare-with', networkId);
  await page.click('form[action$="/compare"] button[type=submit]');
  await page.waitForSelector('#viewer[data-ready="true"]', { timeout: LONG });
  await expectText(page.locator('#category-legend'), /kept/, 'the change legend');
  const shown = await expectText(page.locator('#viewer-status'), /Showing (\d+) of \1 nodes/, 'every node kept');
  await page.locator('#compare-state').fill('0');
  await expectText(page.locator('#compare-state-value'), /before/, 'the comparison slider');
  await expectText(page.locator('#viewer-status'), new RegExp(shown.trim().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), 'nothing was added, so before shows everything');
  await accessible(page, 'viewer (comparison)');

  step('build a website–noun network with a disparity backbone');
  await page.goto(`${base}/networks`);
  await page.selectOption('#net-type', 'website-noun');
  await page.fill('#net-min-df', '1');
  await page.selectOption('#net-backbone', 'disparity');
  await expectText(page.locator('#backbone-help'), /α/, 'the backbone help');
  await page.fill('#net-alpha', '7');
  await page.click('form[data-api="/api/networks"] button[type=submit]');
  await page.waitForFunction(
    () => [...document.querySelectorAll('form[data-api="/api/networks"] [data-error-for], form[data-api="/api/networks"] .form-errors')]
      .some((el) => !el.hidden && el.textContent.trim() !== ''),
    null,
    { timeout: LONG },
  );
  await page.fill('#net-alpha', '0.3');
  await page.click('form[data-api="/api/networks"] button[type=submit]');
  await page.waitForURL(/\/networks\/\d+$/);
  await waitForStatus(page, '.facts .status', ['done', 'failed', 'cancelled'], 'the website–noun network');
  await openViewerAndFind(page, page.url(), 'website–noun');
  await page.selectOption('#color-by', 'community');
  await page.click('#layout-toggle');
  await page.waitForTimeout(500);
  await page.click('#layout-toggle');
  await screenshot(page, 'viewer-website-noun');

  step('read the evidence behind the website–noun network: a node, then an edge from the keyboard');
  await page.waitForSelector('#evidence[data-loaded]', { timeout: LONG });
  await expectText(page.locator('#evidence [role=status]'), /Weighted degree/, 'node evidence summary');
  if (await page.locator('#evidence li.evidence-edge').count() < 1) throw new Error('the node evidence lists no edges');
  // From the keyboard: the first neighbour's evidence button.
  await page.locator('#details .evidence-link').first().focus();
  await page.keyboard.press('Enter');
  await page.waitForSelector('#evidence mark', { timeout: LONG });
  const edgeTitle = (await page.locator('#details-title').textContent()).trim();
  const [, term] = edgeTitle.split(' – ');
  const marks = await page.locator('#evidence mark').allTextContents();
  const stem = term.slice(0, 3).toLowerCase();
  if (!marks.some((m) => m.toLowerCase().includes(stem))) throw new Error(`no marked match holds “${term}”: ${marks.join(', ')}`);
  const focusedEvidence = await page.evaluate(() => document.activeElement?.id);
  if (focusedEvidence !== 'evidence-title') throw new Error(`focus should move to the evidence, is on ${focusedEvidence}`);
  await expectText(page.locator('#evidence [role=status]'), /TF-IDF .* = count \d+ \/ occurrences \d+ × idf/, 'the weight, recomputable');
  const pageHref = await page.locator('#evidence li.evidence-page a').first().getAttribute('href');
  if (!/^\/pages\/\d+$/.test(pageHref)) throw new Error(`the evidence should link to the page view, links to ${pageHref}`);
  console.log(`  ${edgeTitle}: ${marks.length} marked matches, e.g. “${marks[0]}”`);
  await accessible(page, 'viewer (edge evidence)');
  await screenshot(page, 'viewer-evidence');

  step('the remaining pages');
  for (const [path, name] of [['/', 'dashboard (with jobs)'], ['/sessions', 'sessions'], ['/crawls', 'scraping jobs'],
    ['/account', 'account'], ['/admin/users', 'users'], ['/about', 'about'], [`${new URL(sessionUrl).pathname}`, 'session (done)'],
    [`${new URL(sessionUrl).pathname}/analysis`, 'session analysis'],
    [`${new URL(sessionUrl).pathname}/compare?with=${new URL(sessionUrl).pathname.split('/').pop()}`, 'compare']]) {
    await page.goto(`${base}${path}`);
    await accessible(page, name);
  }
  await screenshot(page, 'session-done');
  await page.goto(`${base}/`);
  await screenshot(page, 'dashboard');
  await page.goto(projectUrl);
  await expectText(page.locator('#activity-title + .table-wrap'), /created search session/, 'the session in the project trail');

  step('dark theme, saved as a preference, keeps its contrast');
  await page.goto(`${base}/account`);
  await page.selectOption('#theme', 'dark');
  await page.fill('#page_size', '500');
  await page.click('form[data-api="/api/auth/preferences"] button[type=submit]');
  await expectText(page.locator('[data-error-for="page_size"]'), /\S/, 'the page size error');
  await page.fill('#page_size', '10');
  await page.click('form[data-api="/api/auth/preferences"] button[type=submit]');
  await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark', null, { timeout: LONG });
  for (const [path, name] of [['/', 'dashboard (dark)'], [new URL(sessionUrl).pathname, 'session (dark)'], [new URL(crawlUrl).pathname, 'scraping job (dark)']]) {
    await page.goto(`${base}${path}`);
    await accessible(page, name);
  }
  await screenshot(page, 'scraping-job-dark');

  step('a laptop screen: nothing wider than the window');
  await page.setViewportSize({ width: 1024, height: 700 });
  for (const path of ['/', new URL(sessionUrl).pathname, new URL(crawlUrl).pathname, '/networks', '/account']) {
    await page.goto(`${base}${path}`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    if (overflow > 0) throw new Error(`${path} is ${overflow}px wider than a 1024px window`);
  }

  step('log out');
  await page.click('header form[action="/logout"] button');
  await page.waitForURL(/\/login/);
} catch (err) {
  problems.push(`the walk stopped: ${err.stack || err.message}`);
  if (shots) await page.screenshot({ path: `${shots}/failure.png`, fullPage: true }).catch(() => {});
  console.error(`at ${page.url()}`);
}
await browser.close();

for (const e of consoleErrors) problems.push(`browser console: ${e}`);
console.log(`axe checked ${checked.length} pages: ${checked.join(', ')}`);
if (problems.length > 0) {
  console.error(`\n${problems.length} problem(s):\n${problems.map((p) => `  ${p}`).join('\n')}`);
  process.exit(1);
}
console.log('the walk passed');
