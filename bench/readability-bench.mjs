// Readability.js 0.6 on linkedom over a list of pages, in one process:
//   node readability-bench.mjs LIST [REPEAT] [OUT_DIR]
// LIST lines are ID<TAB>FILE<TAB>URL.  Prints pages/s (wall time including
// reading the files, time inside parse + Readability alone, and the
// process's CPU time).
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, "node", "package.json"));
const { Readability } = require("@mozilla/readability");
const { parseHTML } = require("linkedom");

const [list, repeatArg, outDir] = process.argv.slice(2);
const repeat = Number(repeatArg || 1);
const items = readFileSync(list, "utf8").split("\n").filter(Boolean).map((l) => l.split("\t"));
let pages = 0, inside = 0, failed = 0;
const t0 = process.hrtime.bigint();
for (let r = 0; r < repeat; r++) {
  for (const [id, file, url] of items) {
    const html = readFileSync(file, "utf8");
    const s = process.hrtime.bigint();
    let text = "";
    try {
      const { document } = parseHTML(html);
      const art = new Readability(document, { url }).parse();
      text = art ? art.textContent : "";
    } catch (e) {
      failed++;
    }
    inside += Number(process.hrtime.bigint() - s) / 1e9;
    pages++;
    if (outDir && r === 0) writeFileSync(join(outDir, id + ".txt"), text);
  }
}
const wall = Number(process.hrtime.bigint() - t0) / 1e9;
const usage = process.resourceUsage();
const rss = Math.round(usage.maxRSS / 1024);
// CPU time of the whole process (all threads, start-up included), as gazette counts its own
const cpu = (usage.userCPUTime + usage.systemCPUTime) / 1e6;
console.log(
  `readability.js+linkedom: ${pages} pages, ${wall.toFixed(3)} s wall, ` +
    `${(pages / wall).toFixed(1)} pages/s wall, ${(pages / inside).toFixed(1)} pages/s in parse+extract, ` +
    `${(pages / cpu).toFixed(1)} pages/s cpu, peak rss ${rss} MB, ${failed} failed`
);
