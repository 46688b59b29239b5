// minitwit-report's page in Debian's headless chromium (playwright-core): it renders, the
// figures table is filled, each of the five plots has drawn lines with data, and the page
// fetches nothing but itself. Needs REPORT (the HTML file) and ARTIFACTS (for the screenshot).
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { withChromium } = require('./chromium');

const report = process.env.REPORT;
const artifacts = process.env.ARTIFACTS || path.join(process.cwd(), 'artifacts');
if (!report) {
  console.error('REPORT is not set');
  process.exit(2);
}

async function main() {
  fs.mkdirSync(artifacts, { recursive: true });
  await withChromium({ width: 1400, height: 1800 }, async (context) => {
    const url = `file://${path.resolve(report)}`;
    const fetched = [];
    const errors = [];
    await context.route('**/*', (route) => {
      if (route.request().url() !== url) fetched.push(route.request().url());
      return route.request().url() === url ? route.continue() : route.abort();
    });
    const page = context.pages()[0] || (await context.newPage());
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
    await page.goto(url);

    const rows = await page.locator('#figures tr').count();
    assert.ok(rows >= 8, `figures table has ${rows} rows`);
    const charts = await page.evaluate(() => [...document.querySelectorAll('svg.chart')].map((svg) => {
      const box = svg.getBoundingClientRect();
      return {
        id: svg.id,
        width: box.width,
        height: box.height,
        series: [...svg.querySelectorAll('polyline.series')].map((line) => {
          const b = line.getBBox();
          return { name: line.dataset.series, points: Number(line.dataset.points), width: b.width, height: b.height };
        }),
      };
    }));
    assert.deepEqual(charts.map((c) => c.id), ['rate', 'latency', 'errors', 'replicas', 'cpu']);
    for (const chart of charts) {
      assert.ok(chart.width > 600 && chart.height > 150, `${chart.id} is ${chart.width}x${chart.height}`);
      assert.ok(chart.series.length >= 2, `${chart.id} has ${chart.series.length} series`);
      for (const s of chart.series) {
        // Every series has data across the run; a line that rises or falls has a height.
        assert.ok(s.points >= 30, `${chart.id}/${s.name} has ${s.points} points`);
        assert.ok(s.width > 300, `${chart.id}/${s.name} spans ${s.width} px`);
      }
    }
    const moving = { rate: 'sent', latency: 'p99', replicas: 'ready pods', cpu: 'utilisation' };
    for (const [id, name] of Object.entries(moving)) {
      const s = charts.find((c) => c.id === id).series.find((x) => x.name === name);
      assert.ok(s && s.height > 20, `${id}/${name} is flat (${s && s.height} px): no data drawn`);
    }
    assert.deepEqual(fetched, [], `the page fetched ${fetched.join(', ')}`);
    assert.deepEqual(errors, []);
    const shot = path.join(artifacts, 'autoscaling_report.png');
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`ok   the report renders: 5 plots with data, ${rows} figure rows; screenshot ${shot}`);
  });
}

main().catch((err) => {
  console.error(`FAIL: ${err && err.stack ? err.stack : err}`);
  process.exit(1);
});
