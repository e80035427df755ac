// The browser test of `treaty check --format html` (README, "Browser test").
//
// Generates the HTML and JSON reports of the 28-point plan, loads the page from file:// in
// headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core) and checks:
// no console error, no network request, one matrix row per clause of the JSON report in
// the same order, a click on a conflict shows its source lines, a click on a power table
// header sorts it. Then it compares a screenshot of the page with plan-report.png (small
// pixel tolerance); on a mismatch it writes plan-report.new.png and plan-report.diff.png
// next to it and fails. UPDATE_SCREENSHOT=1 rewrites plan-report.png instead.
//
// Environment: TREATY_BIN (the binary; default `cargo run --quiet --`), CHROMIUM (default
// /usr/bin/chromium), UPDATE_SCREENSHOT.

import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import { chromium } from "playwright-core";
import { PNG } from "pngjs";
import pixelmatch from "pixelmatch";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const plan = "rules/treaties/peace-plan-28.treaty";
const shot = join(here, "plan-report.png");
// A pixel differs when its colour distance is over 0.1 (pixelmatch's scale); the images
// match when at most this share of pixels differ (anti-aliasing, font hinting).
const MAX_DIFF_SHARE = 0.002;

const failures = [];
function check(ok, what) {
  if (ok) {
    console.log(`ok    ${what}`);
  } else {
    console.log(`FAIL  ${what}`);
    failures.push(what);
  }
}

/// The output of `treaty check --format FORMAT` on the plan (exit 1: it has findings).
function report(format) {
  const bin = process.env.TREATY_BIN;
  const [cmd, args] = bin
    ? [resolve(bin), []]
    : ["cargo", ["run", "--quiet", "--"]];
  const out = spawnSync(cmd, [...args, "check", "--format", format, plan], {
    cwd: root,
    encoding: "utf8",
    maxBuffer: 1 << 28,
  });
  if (out.status !== 0 && out.status !== 1) {
    throw new Error(`treaty check --format ${format} exited ${out.status}: ${out.stderr}`);
  }
  return out.stdout;
}

const json = JSON.parse(report("json"));
const html = report("html");
const treaty = json.treaties[0];
const clauses = treaty.clauses.map((c) => c.clause);

const work = mkdtempSync(join(tmpdir(), "treaty-browser-"));
const pagePath = join(work, "report.html");
writeFileSync(pagePath, html);
const url = pathToFileURL(pagePath).href;

const context = await chromium.launchPersistentContext(join(work, "profile"), {
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--font-render-hinting=none",
  ],
  viewport: { width: 1400, height: 900 },
  deviceScaleFactor: 1,
  colorScheme: "light",
  locale: "en-GB",
});

let exitCode = 0;
try {
  const page = context.pages()[0] ?? (await context.newPage());
  const consoleErrors = [];
  const requests = [];
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(m.text());
  });
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
  context.on("request", (r) => {
    const u = r.url();
    if (!u.startsWith("file:") && !u.startsWith("data:") && u !== "about:blank") requests.push(u);
  });

  await page.goto(url, { waitUntil: "load" });

  // The verdict is at the top and says what the JSON says.
  const verdict = await page.locator(".verdict-word").first().getAttribute("data-verdict");
  check(verdict === treaty.verdict, `the verdict is ${treaty.verdict} (page: ${verdict})`);

  // One matrix row per clause, in the report's order.
  const rows = await page
    .locator(`section.treaty[data-treaty="${treaty.treaty}"] table.matrix tbody tr`)
    .evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-clause")));
  check(
    rows.length === clauses.length,
    `the matrix has one row per clause (${rows.length} rows, ${clauses.length} clauses)`,
  );
  check(
    JSON.stringify(rows) === JSON.stringify(clauses),
    "the matrix rows are the clauses of the JSON report, in order",
  );

  // Clicking a conflict shows its source lines.
  const first = treaty.conflicts[0];
  const item = first.items[0];
  const sourceLine = readFileSync(join(root, item.file), "utf8").split("\n")[item.line - 1].trim();
  const details = page.locator(`details.conflict[data-conflict="${first.id}"]`);
  const pre = details.locator(".source pre").first();
  check(!(await pre.isVisible()), `conflict ${first.id}'s source lines are hidden at first`);
  await details.locator("summary").click();
  check(await pre.isVisible(), `clicking conflict ${first.id} shows its source lines`);
  const shown = await pre.innerText();
  check(
    shown.includes(`${item.line} ${sourceLine}`),
    `conflict ${first.id} shows ${item.file}:${item.line}: ${sourceLine}`,
  );
  // The same from the graph: its node for the last conflict opens that conflict.
  const last = treaty.conflicts[treaty.conflicts.length - 1];
  const lastDetails = page.locator(`details.conflict[data-conflict="${last.id}"]`);
  check(!(await lastDetails.evaluate((d) => d.open)), `conflict ${last.id} is closed at first`);
  await page.locator(`svg .node.conf[data-conflict="${last.id}"]`).click();
  check(
    await lastDetails.locator(".source pre").first().isVisible(),
    `clicking ${last.id} in the graph shows its source lines`,
  );

  // Sorting the power table.
  const table = page.locator("details.power[open] table.power-table").first();
  const column = async (i) =>
    table.locator("tbody tr").evaluateAll(
      (trs, i) => trs.map((tr) => tr.cells[i].getAttribute("data-sort") ?? tr.cells[i].textContent),
      i,
    );
  const big = (xs) => xs.map((x) => BigInt(x));
  const sorted = (xs, dir) => xs.every((x, k) => k === 0 || (dir > 0 ? xs[k - 1] <= x : xs[k - 1] >= x));
  const members = await column(0);
  check(members.length > 1, `the open power table has rows (${members.length})`);
  await table.locator("thead th", { hasText: "Banzhaf" }).click();
  check(sorted(big(await column(2)), 1), "a click on the Banzhaf header sorts ascending");
  await table.locator("thead th", { hasText: "Banzhaf" }).click();
  check(sorted(big(await column(2)), -1), "a second click sorts descending");
  await table.locator("thead th", { hasText: "member" }).click();
  const byName = await column(0);
  check(
    JSON.stringify(byName) === JSON.stringify([...members].sort()),
    "a click on the member header sorts by name",
  );
  check(
    JSON.stringify([...byName].sort()) === JSON.stringify([...members].sort()),
    "sorting keeps every row",
  );

  // The screenshot of the page as it opens, compared with the committed one.
  // (Through about:blank: the clicks above left a fragment in the URL that opens a conflict.)
  await page.goto("about:blank");
  await page.goto(url, { waitUntil: "load" });
  const png = await page.screenshot({ fullPage: true, animations: "disabled" });
  if (process.env.UPDATE_SCREENSHOT) {
    writeFileSync(shot, png);
    console.log(`wrote ${shot}`);
  } else if (!existsSync(shot)) {
    writeFileSync(shot.replace(/\.png$/, ".new.png"), png);
    check(false, "plan-report.png exists (run with UPDATE_SCREENSHOT=1 to create it)");
  } else {
    const want = PNG.sync.read(readFileSync(shot));
    const got = PNG.sync.read(png);
    let same = want.width === got.width && want.height === got.height;
    let detail = `size ${got.width}x${got.height}, expected ${want.width}x${want.height}`;
    if (same) {
      const diff = new PNG({ width: got.width, height: got.height });
      const n = pixelmatch(want.data, got.data, diff.data, got.width, got.height, { threshold: 0.1 });
      const share = n / (got.width * got.height);
      same = share <= MAX_DIFF_SHARE;
      detail = `${n} pixels differ (${(share * 100).toFixed(3)}%, at most ${MAX_DIFF_SHARE * 100}% allowed)`;
      if (!same) writeFileSync(shot.replace(/\.png$/, ".diff.png"), PNG.sync.write(diff));
    }
    if (!same) writeFileSync(shot.replace(/\.png$/, ".new.png"), png);
    check(same, `the screenshot matches plan-report.png: ${detail}`);
  }

  check(consoleErrors.length === 0, `no console errors${consoleErrors.length ? ": " + consoleErrors.join(" | ") : ""}`);
  check(requests.length === 0, `no network requests${requests.length ? ": " + requests.join(", ") : ""}`);
} catch (e) {
  console.log(`FAIL  ${e.stack || e}`);
  exitCode = 1;
} finally {
  await context.close();
  rmSync(work, { recursive: true, force: true });
}

if (failures.length > 0 || exitCode !== 0) {
  console.log(`\n${failures.length} check(s) failed`);
  process.exit(1);
}
console.log("\nall browser checks passed");
