// Format CSL-JSON items with citeproc-js (the CSL processor of Zotero and Mendeley), for the tests.
// stdin: {"style": "<CSL XML>", "locale": "<locale XML>", "jobs": [{"item": {...}, "locator": "14",
//         "label": "paragraph"}]}   (locator and label may be absent)
// stdout: [{"cite": "<html>", "entry": "<html>"}] in the order of the jobs.
// Usage: NODE_PATH=<folder holding node_modules> node run.js < request.json
"use strict";
const CSL = require("citeproc");

let input = "";
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const request = JSON.parse(input);
  const out = request.jobs.map((job) => format(request.style, request.locale, job));
  process.stdout.write(JSON.stringify(out));
});

function format(style, locale, job) {
  const items = {};
  items[job.item.id] = job.item;
  const sys = {
    retrieveLocale: () => locale,
    retrieveItem: (id) => items[id],
  };
  const engine = new CSL.Engine(sys, style, "en-US");
  engine.setOutputFormat("html");
  engine.updateItems([job.item.id]);
  const cited = {id: job.item.id};
  if (job.locator) {
    cited.locator = job.locator;
    cited.label = job.label || "page";
  }
  const result = engine.processCitationCluster(
    {citationItems: [cited], properties: {noteIndex: 1}}, [], []);
  const cite = result[1].length ? result[1][0][1] : "";
  const bib = engine.makeBibliography();
  const entry = bib ? bib[1].join("").trim() : "";
  return {cite: cite, entry: entry};
}
